/**
 * Existing deletion vectors across every write path: rewrites (the property turned off) must not
 * resurrect deleted rows, whole-file removals and overwrites name the (path, DV) they retire,
 * checkpoints carry DVs, and on a change-data-feed table the rows a DV deletes are change data.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { checkpoint } from '../../src/log/checkpoint-write.js'
import { readCommitActions } from '../../src/log/commit-read.js'
import type { Add } from '../../src/protocol/actions.js'
import { readChangeDataFeed } from '../../src/stream/cdf.js'
import { Table } from '../../src/table.js'
import { createTable } from '../../src/txn/create-table.js'
import { type DeletePredicate, Transaction } from '../../src/txn/transaction.js'
import { collect, lines } from '../stream/cdf-helpers.js'
import { fileActions, physicalRows, positions, storedDvRows } from './dv-helpers.js'
import { SIMPLE, memoryEngine, readRows, simpleBatch } from './helpers.js'

const ROOT = 'memory:///dvp/'
const ROWS = Array.from({ length: 10 }, (_, id) => ({ id, part: id < 5 ? 'a' : 'b', value: id / 2 }))

function whereId(pick: (id: number) => boolean): DeletePredicate {
  return { rows: (b) => Uint8Array.from({ length: b.numRows }, (_, i) => (pick(Number(b.getChild('id')!.get(i) as bigint)) ? 1 : 0)) }
}

const rowsWhere = (keep: (id: number) => boolean) => ROWS.filter((r) => keep(r.id))

/** A partitioned DV table with ROWS (one file per partition) and ids 0 and 7 deleted by DVs. */
async function tableWithDvs(properties: Record<string, string> = {}) {
  const engine = memoryEngine()
  await createTable(ROOT, engine, { schema: SIMPLE, partitionColumns: ['part'], properties: { 'delta.enableDeletionVectors': 'true', ...properties } })
  const table = Table.open(ROOT, engine)
  const t1 = new Transaction(await table.snapshot())
  await t1.append([simpleBatch(ROWS)])
  await t1.commit()
  const t2 = new Transaction(await table.snapshot())
  assert.equal((await t2.delete(whereId((id) => id === 0 || id === 7))).deletionVectors, 2)
  await t2.commit()
  const files = (await table.snapshot()).files()
  assert.ok(files.every((f) => f.deletionVector), 'both files have DVs')
  // One DV file serves both partitions' files.
  assert.equal(new Set(files.map((f) => f.deletionVector!.pathOrInlineDv)).size, 1)
  return { engine, table, files }
}

test('with the property turned off, a row delete rewrites the file without the DV-deleted rows and removes (path, DV)', async () => {
  const { engine, table, files } = await tableWithDvs()
  const off = new Transaction(await table.snapshot())
  off.setProperties({ 'delta.enableDeletionVectors': 'false' })
  await off.commit() // v3
  const txn = new Transaction(await table.snapshot())
  assert.deepEqual(await txn.delete(whereId((id) => id === 1)), { removedFiles: 1, addedFiles: 1, deletionVectors: 0 })
  await txn.commit() // v4
  const { adds, removes } = await fileActions(engine, ROOT, 4)
  const a = files.find((f) => f.partitionValues.part === 'a')!
  assert.deepEqual(removes.map((r) => [r.path, r.deletionVector]), [[a.path, a.deletionVector]])
  assert.equal(adds.length, 1)
  assert.equal(adds[0]!.deletionVector, undefined)
  // The rewritten file physically holds exactly the live rows (0 was DV-deleted, 1 deleted now).
  assert.deepEqual((await physicalRows(engine, ROOT, adds[0]!.path)).map((r) => Number(r.id)), [2, 3, 4])
  assert.deepEqual(await readRows(ROOT, engine), rowsWhere((id) => ![0, 1, 7].includes(id)))
})

test('whole-partition delete and overwrite carry each file\'s DV in the remove', async () => {
  const { engine, table, files } = await tableWithDvs()
  const b = files.find((f) => f.partitionValues.part === 'b')!
  const del = new Transaction(await table.snapshot())
  assert.deepEqual(await del.delete({ partitions: (r) => r.part === 'b' }), { removedFiles: 1, addedFiles: 0, deletionVectors: 0 })
  await del.commit() // v3
  assert.deepEqual((await fileActions(engine, ROOT, 3)).removes.map((r) => [r.path, r.deletionVector, r.size]), [[b.path, b.deletionVector, b.size]])
  const a = files.find((f) => f.partitionValues.part === 'a')!
  const ow = new Transaction(await table.snapshot())
  await ow.overwrite([simpleBatch([{ id: 99, part: 'c', value: 1 }])])
  await ow.commit() // v4
  assert.deepEqual((await fileActions(engine, ROOT, 4)).removes.map((r) => [r.path, r.deletionVector]), [[a.path, a.deletionVector]])
  assert.deepEqual(await readRows(ROOT, engine), [{ id: 99, part: 'c', value: 1 }])
})

test('a checkpoint carries the DVs: with the commits before it deleted, the table reads the same', async () => {
  const { engine, table, files } = await tableWithDvs()
  await checkpoint(table)
  for (const v of [0, 1, 2]) await engine.fileSystem.delete(`${ROOT}_delta_log/${String(v).padStart(20, '0')}.json`)
  const snap = await Table.open(ROOT, engine).snapshot()
  const byPath = (fs: readonly Add[]) => [...fs].sort((x, y) => x.path.localeCompare(y.path)).map((f) => [f.path, f.deletionVector])
  assert.deepEqual(byPath(snap.files()), byPath(files))
  assert.deepEqual(await readRows(ROOT, engine), rowsWhere((id) => id !== 0 && id !== 7))
  // A DV delete on top of the checkpoint still unions with the checkpointed DV.
  const txn = new Transaction(snap)
  await txn.delete(whereId((id) => id === 8))
  await txn.commit()
  const b = (await table.snapshot()).files().find((f) => f.partitionValues.part === 'b')!
  const physical = await physicalRows(engine, ROOT, b.path)
  assert.deepEqual(await storedDvRows(engine, ROOT, b.deletionVector!), positions(physical, (r) => Number(r.id) === 7 || Number(r.id) === 8))
})

test('CDF table: a DV delete writes exactly the deleted rows as change data; the feed reports them', async () => {
  const { engine, table } = await tableWithDvs({ 'delta.enableChangeDataFeed': 'true' })
  const cdc = (await readCommitActions(engine, ROOT, 2)).filter((a) => a.kind === 'cdc')
  assert.equal(cdc.length, 2, 'one change data file per partition')
  const txn = new Transaction(await table.snapshot())
  await txn.delete(whereId((id) => id === 0 || id === 1 || id === 2)) // 0 is already gone
  await txn.commit() // v3
  const row = (id: number, v: number) => JSON.stringify({ id, part: id < 5 ? 'a' : 'b', value: id / 2, _change_type: 'delete', _commit_version: v })
  assert.deepEqual(lines(await collect(readChangeDataFeed(table, { startVersion: 2 }))), [row(0, 2), row(7, 2), row(1, 3), row(2, 3)].sort())
  assert.deepEqual(await readRows(ROOT, engine), rowsWhere((id) => ![0, 1, 2, 7].includes(id)))
})

test('a CDF table: deleting every live row of a DV file removes it and its rows are change data', async () => {
  const { engine, table, files } = await tableWithDvs({ 'delta.enableChangeDataFeed': 'true' })
  const txn = new Transaction(await table.snapshot())
  await txn.delete(whereId((id) => id < 5))
  await txn.commit() // v3
  const a = files.find((f) => f.partitionValues.part === 'a')!
  const { adds, removes } = await fileActions(engine, ROOT, 3)
  assert.equal(adds.length, 0)
  assert.deepEqual(removes.map((r) => [r.path, r.deletionVector]), [[a.path, a.deletionVector]])
  const row = (id: number) => JSON.stringify({ id, part: 'a', value: id / 2, _change_type: 'delete', _commit_version: 3 })
  assert.deepEqual(lines(await collect(readChangeDataFeed(table, { startVersion: 3 }))), [1, 2, 3, 4].map(row).sort())
})
