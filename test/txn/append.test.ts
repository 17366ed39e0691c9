import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { test } from 'node:test'
import { DuckDBInstance } from '@duckdb/node-api'
import { InvalidWriteError } from '../../src/errors.js'
import { createLocalFileSystem } from '../../src/engines/local-fs.js'
import { Table } from '../../src/table.js'
import { createTable } from '../../src/txn/create-table.js'
import { Transaction } from '../../src/txn/transaction.js'
import * as A from 'apache-arrow'
import { SIMPLE, engineOn, memoryEngine, readRows, simpleBatch } from './helpers.js'

const ROOT = 'memory:///t/'

const ROWS = [
  { id: 1, part: 'a', value: 1.5 },
  { id: 2, part: 'a b:c', value: null },
  { id: 3, part: null, value: -2 },
  { id: 4, part: 'a', value: 10 },
  { id: 5, part: '100%', value: 0 },
]

test('append writes one file per partition with Spark-style escaped, URI-encoded paths and stats; the rows read back', async () => {
  const engine = memoryEngine()
  await createTable(ROOT, engine, { schema: SIMPLE, partitionColumns: ['part'] })
  const txn = new Transaction(await Table.open(ROOT, engine).snapshot())
  const adds = await txn.append([simpleBatch(ROWS)])
  assert.equal((await txn.commit()).version, 1)
  const byPart = new Map(adds.map((a) => [a.partitionValues.part, a]))
  assert.deepEqual([...byPart.keys()].sort(), ['100%', 'a', 'a b:c', null].sort())
  // Spark: directory `part=a b%3Ac`, and the log path URI-encodes ' ' and '%'.
  assert.match(byPart.get('a b:c')!.path, /^part=a%20b%253Ac\/part-\d{5}-[0-9a-f-]{36}\.c000\.snappy\.parquet$/)
  assert.match(byPart.get('100%')!.path, /^part=100%2525\//)
  assert.match(byPart.get(null)!.path, /^part=__HIVE_DEFAULT_PARTITION__\//)
  assert.deepEqual(JSON.parse(byPart.get('a')!.stats!), {
    numRecords: 2,
    minValues: { id: 1, value: 1.5 },
    maxValues: { id: 4, value: 10 },
    nullCount: { id: 0, value: 0 },
  })
  assert.deepEqual(await readRows(ROOT, engine), ROWS.map((r) => ({ ...r })))
})

test('data that does not fit the schema is refused before any file is written', async () => {
  const engine = memoryEngine()
  await createTable(ROOT, engine, { schema: SIMPLE })
  const txn = new Transaction(await Table.open(ROOT, engine).snapshot())
  const wrongType = new A.Table({ id: A.vectorFromArray([1, 2], new A.Int32()) })
  await assert.rejects(txn.append(wrongType), InvalidWriteError)
  const extra = new A.Table({ nope: A.vectorFromArray(['x'], new A.Utf8()) })
  await assert.rejects(txn.append(extra), /not in the table schema/)
})

test('overwrite by partition, delete by partition and delete by row predicate agree with a reference', async () => {
  const engine = memoryEngine()
  await createTable(ROOT, engine, { schema: SIMPLE, partitionColumns: ['part'] })
  const t1 = new Transaction(await Table.open(ROOT, engine).snapshot())
  await t1.append([simpleBatch(ROWS)])
  await t1.commit()
  // Replace partition 'a' with a single row.
  const t2 = new Transaction(await Table.open(ROOT, engine).snapshot())
  await t2.overwrite([simpleBatch([{ id: 6, part: 'a', value: 6 }])], { partitions: (r) => r.part === 'a' })
  await t2.commit()
  let expected = [...ROWS.filter((r) => r.part !== 'a'), { id: 6, part: 'a', value: 6 }]
  assert.deepEqual(await readRows(ROOT, engine), expected.sort((x, y) => x.id - y.id))
  // Overwrite data outside the predicate is refused.
  const bad = new Transaction(await Table.open(ROOT, engine).snapshot())
  await assert.rejects(bad.overwrite([simpleBatch([{ id: 9, part: 'z', value: 0 }])], { partitions: (r) => r.part === 'a' }), InvalidWriteError)
  // Delete the null partition whole.
  const t3 = new Transaction(await Table.open(ROOT, engine).snapshot())
  assert.deepEqual(await t3.delete({ partitions: (r) => r.part === null }), { removedFiles: 1, addedFiles: 0, deletionVectors: 0 })
  await t3.commit()
  expected = expected.filter((r) => r.part !== null)
  assert.deepEqual(await readRows(ROOT, engine), expected)
  // Row-level: delete rows with id >= 5 in every partition (file '100%' removed, 'a' rewritten empty → removed).
  const t4 = new Transaction(await Table.open(ROOT, engine).snapshot())
  const res = await t4.delete({
    rows: (b) => {
      const ids = b.getChild('id')!
      return Uint8Array.from({ length: b.numRows }, (_, i) => (ids.get(i) as bigint) >= 5n ? 1 : 0)
    },
  })
  assert.deepEqual(res, { removedFiles: 2, addedFiles: 0, deletionVectors: 0 })
  await t4.commit()
  expected = expected.filter((r) => r.id < 5)
  assert.deepEqual(await readRows(ROOT, engine), expected)
  const t5 = new Transaction(await Table.open(ROOT, engine).snapshot())
  await t5.append([simpleBatch([{ id: 7, part: 'q', value: 1 }, { id: 8, part: 'q', value: 2 }])])
  await t5.commit()
  const t6 = new Transaction(await Table.open(ROOT, engine).snapshot())
  const partial = await t6.delete({ rows: (b) => Uint8Array.from({ length: b.numRows }, (_, i) => (b.getChild('id')!.get(i) === 7n ? 1 : 0)) })
  assert.deepEqual(partial, { removedFiles: 1, addedFiles: 1, deletionVectors: 0 })
  await t6.commit()
  assert.deepEqual(await readRows(ROOT, engine), [...expected, { id: 8, part: 'q', value: 2 }])
})

test('DuckDB reads the written Parquet files (Hive partitioning) with the same rows', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dk-append-'))
  try {
    const root = pathToFileURL(dir).href + '/'
    const engine = engineOn(createLocalFileSystem({ sync: false }))
    await createTable(root, engine, { schema: SIMPLE, partitionColumns: ['part'] })
    const txn = new Transaction(await Table.open(root, engine).snapshot())
    const rows = ROWS.filter((r) => r.part === 'a' || r.part === null || r.part === 'a b:c')
    await txn.append([simpleBatch(rows)])
    await txn.commit()
    const db = await (await DuckDBInstance.create(':memory:')).connect()
    const reader = await db.runAndReadAll(
      `SELECT id::VARCHAR AS id, part, value FROM read_parquet('${dir}/**/*.parquet', hive_partitioning = true) ORDER BY id`,
    )
    const got = reader.getRowObjectsJS().map((r) => ({
      id: Number(r.id),
      // DuckDB does not unescape Hive directory names; undo Spark's escaping for comparison.
      part: r.part === '__HIVE_DEFAULT_PARTITION__' || r.part === null ? null : decodeURIComponent(String(r.part)),
      value: r.value,
    }))
    assert.deepEqual(got, rows)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
