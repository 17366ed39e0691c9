/**
 * Deletion vector writes on copies of tables Spark and Databricks wrote with deletion vectors:
 * appends and deletes succeed, and the rows read back equal the table's own expected rows (the
 * golden `expected/` files, or the physical rows minus what the recorded DELETE predicate
 * names), changed by hand. Each DV we wrote is checked by applying it to the data file's physical
 * rows (read with hyparquet) and comparing the survivors by value.
 */
import assert from 'node:assert/strict'
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { test } from 'node:test'
import * as A from 'apache-arrow'
import { parquetReadObjects } from 'hyparquet'
import type { Engine } from '../../src/engine/engine.js'
import { createLocalFileSystem } from '../../src/engines/local-fs.js'
import { checkpoint } from '../../src/log/checkpoint-write.js'
import { rowToJson } from '../../src/protocol/value-encoding.js'
import { Scan } from '../../src/scan/scan.js'
import { Table } from '../../src/table.js'
import { type DeletePredicate, Transaction } from '../../src/txn/transaction.js'
import { CORPORA_ROOT } from '../corpora-root.js'
import { physicalRows, storedDvRows } from './dv-helpers.js'
import { engineOn } from './helpers.js'

async function copyTable(from: string): Promise<{ dir: string; root: string; engine: Engine }> {
  const dir = await mkdtemp(join(tmpdir(), 'dk-dv-corpus-'))
  await cp(from, dir, { recursive: true })
  return { dir, root: pathToFileURL(dir).href + '/', engine: engineOn(createLocalFileSystem({ sync: false })) }
}

/** Rows of the latest snapshot through the kernel's scan, as sorted JSON lines. */
async function scanned(root: string, engine: Engine): Promise<string[]> {
  const out: string[] = []
  for await (const b of new Scan(await Table.open(root, engine).snapshot()).batches()) for (let i = 0; i < b.numRows; i++) out.push(JSON.stringify(rowToJson(b, i)))
  return out.sort()
}

/**
 * Rows of the latest snapshot rebuilt by hand: every live file's physical rows (hyparquet) minus
 * the row indexes of its DV (hand-checked bytes), plus partition values from the log.
 */
async function rebuilt(root: string, engine: Engine, line: (row: Record<string, unknown>, partitionValues: Record<string, string | null>) => string): Promise<string[]> {
  const out: string[] = []
  for (const add of (await Table.open(root, engine).snapshot()).files()) {
    const deleted = new Set(add.deletionVector ? await storedDvRows(engine, root, add.deletionVector) : [])
    const rows = await physicalRows(engine, root, add.path)
    rows.forEach((r, i) => {
      if (!deleted.has(i)) out.push(line(r, add.partitionValues))
    })
  }
  return out.sort()
}

function intColumnIn(column: string, pick: (v: number) => boolean): DeletePredicate {
  return { rows: (b) => Uint8Array.from({ length: b.numRows }, (_, i) => (pick(Number(b.getChild(column)!.get(i))) ? 1 : 0)) }
}

for (const corpus of ['kernel-rs', 'delta-rs']) {
  test(`${corpus}/table-with-dv-small: append and DV deletes on a Databricks DV table read back correctly`, async () => {
    const { dir, root, engine } = await copyTable(join(CORPORA_ROOT, corpus, 'table-with-dv-small'))
    try {
      const original = (await Table.open(root, engine).snapshot()).files()[0]!
      // The commit log says DELETE ... value IN (0, 9): the expected rows are the physical ones without those.
      const physical = (await physicalRows(engine, root, original.path)).map((r) => Number(r.value))
      assert.deepEqual(physical, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
      const line = (v: number) => JSON.stringify({ value: v })
      let expected = physical.filter((v) => v !== 0 && v !== 9)
      assert.deepEqual(await scanned(root, engine), expected.map(line).sort())

      const t1 = new Transaction(await Table.open(root, engine).snapshot())
      await t1.append([new A.Table({ value: A.vectorFromArray([100, 101], new A.Int32()) }).batches[0]!])
      await t1.commit()
      expected = [...expected, 100, 101]
      const t2 = new Transaction(await Table.open(root, engine).snapshot())
      assert.deepEqual(await t2.delete(intColumnIn('value', (v) => v === 3 || v === 100)), { removedFiles: 0, addedFiles: 0, deletionVectors: 2 })
      await t2.commit()
      expected = expected.filter((v) => v !== 3 && v !== 100)
      assert.deepEqual(await scanned(root, engine), expected.map(line).sort())
      assert.deepEqual(await rebuilt(root, engine, (r) => line(Number(r.value))), expected.map(line).sort())
      // The Databricks file's DV now also holds row 3, beside its own 0 and 9.
      const after = (await Table.open(root, engine).snapshot()).files().find((f) => f.path === original.path)!
      assert.deepEqual(await storedDvRows(engine, root, after.deletionVector!), [0, 3, 9])
      assert.equal(JSON.parse(after.stats!).numRecords, 10)
      // Databricks' tags ride along.
      assert.deepEqual(after.tags, original.tags)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
}

test('golden/dv-partitioned-with-checkpoint: appends and DV deletes agree with the expected rows changed by hand; a checkpoint afterwards too', async () => {
  const golden = join(CORPORA_ROOT, 'golden', 'dv-partitioned-with-checkpoint')
  const { dir, root, engine } = await copyTable(join(golden, 'delta'))
  try {
    const line = (part: number, col1: number, col2: string) => JSON.stringify({ part, col1, col2 })
    let expected: { part: number; col1: number; col2: string }[] = []
    for (const name of (await readdir(join(golden, 'expected'))).filter((n) => n.endsWith('.parquet'))) {
      const bytes = await readFile(join(golden, 'expected', name))
      const rows = await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer })
      expected.push(...rows.map((r) => ({ part: Number(r.part), col1: Number(r.col1), col2: String(r.col2) })))
    }
    const lines = () => expected.map((r) => line(r.part, r.col1, r.col2)).sort()
    const byHand = (r: Record<string, unknown>, pv: Record<string, string | null>) => line(Number(pv.part), Number(r.col1), String(r.col2))
    assert.deepEqual(await scanned(root, engine), lines())

    const appended = [{ part: 0, col1: 1001, col2: 'new' }, { part: 42, col1: 1002, col2: 'new' }]
    const t1 = new Transaction(await Table.open(root, engine).snapshot())
    await t1.append([
      new A.Table({
        part: A.vectorFromArray(appended.map((r) => r.part), new A.Int32()),
        col1: A.vectorFromArray(appended.map((r) => r.col1), new A.Int32()),
        col2: A.vectorFromArray(appended.map((r) => r.col2), new A.Utf8()),
      }).batches[0]!,
    ])
    await t1.commit()
    expected = [...expected, ...appended]
    const t2 = new Transaction(await Table.open(root, engine).snapshot())
    const res = await t2.delete(intColumnIn('col1', (v) => v % 4 === 0 || v === 1001))
    assert.ok(res.deletionVectors > 0)
    await t2.commit()
    expected = expected.filter((r) => r.col1 % 4 !== 0 && r.col1 !== 1001)
    assert.deepEqual(await scanned(root, engine), lines())
    assert.deepEqual(await rebuilt(root, engine, byHand), lines())

    await checkpoint(Table.open(root, engine))
    assert.deepEqual(await scanned(root, engine), lines())
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
