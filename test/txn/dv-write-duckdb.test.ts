/**
 * DuckDB, an independent Parquet reader, numbers the rows of our data files exactly as our DVs
 * do: the rows at the DV's indexes (DuckDB's `file_row_number`) are the deleted ones, and the
 * others are what the kernel's scan returns. DuckDB reads only the data files; DV files are ours.
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { test } from 'node:test'
import { DuckDBInstance } from '@duckdb/node-api'
import { createLocalFileSystem } from '../../src/engines/local-fs.js'
import { resolveTablePath } from '../../src/protocol/paths.js'
import { Table } from '../../src/table.js'
import { createTable } from '../../src/txn/create-table.js'
import { Transaction } from '../../src/txn/transaction.js'
import { storedDvRows } from './dv-helpers.js'
import { SIMPLE, engineOn, readRows, simpleBatch } from './helpers.js'

test('DuckDB file_row_number agrees with the DV: deleted rows at its indexes, the scan\'s rows elsewhere', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dk-dv-duckdb-'))
  try {
    const root = pathToFileURL(dir).href + '/'
    const engine = engineOn(createLocalFileSystem({ sync: false }))
    await createTable(root, engine, { schema: SIMPLE, properties: { 'delta.enableDeletionVectors': 'true' } })
    const rows = Array.from({ length: 50 }, (_, i) => ({ id: (i * 37) % 101, part: `p${i % 3}`, value: i % 7 === 0 ? null : i / 4 }))
    const t1 = new Transaction(await Table.open(root, engine).snapshot())
    await t1.append([simpleBatch(rows)], { rowGroupSize: 8 })
    await t1.commit()
    const gone = (id: number) => id % 5 === 1 || id > 90
    const t2 = new Transaction(await Table.open(root, engine).snapshot())
    await t2.delete({ rows: (b) => Uint8Array.from({ length: b.numRows }, (_, i) => (gone(Number(b.getChild('id')!.get(i) as bigint)) ? 1 : 0)) })
    await t2.commit()

    const add = (await Table.open(root, engine).snapshot()).files()[0]!
    const dvRows = new Set(await storedDvRows(engine, root, add.deletionVector!))
    const db = await (await DuckDBInstance.create(':memory:')).connect()
    const file = fileURLToPath(resolveTablePath(root, add.path))
    const reader = await db.runAndReadAll(`SELECT id::INTEGER AS id, file_row_number::INTEGER AS n FROM read_parquet('${file}', file_row_number = true) ORDER BY n`)
    const duck = reader.getRowObjectsJS().map((r) => ({ id: Number(r.id), n: Number(r.n) }))
    assert.equal(duck.length, rows.length)
    assert.deepEqual(duck.filter((r) => dvRows.has(r.n)).map((r) => r.id), rows.map((r) => r.id).filter(gone))
    const live = duck.filter((r) => !dvRows.has(r.n)).map((r) => r.id)
    assert.deepEqual(live, rows.map((r) => r.id).filter((id) => !gone(id)))
    assert.deepEqual((await readRows(root, engine)).map((r) => Number(r.id)), [...live].sort((a, b) => a - b))
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
