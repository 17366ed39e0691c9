/**
 * Deletion vector writes (PROTOCOL.md "Deletion Vectors", "Writer Requirement for Deletion
 * Vectors"): a row-level delete on a table with delta.enableDeletionVectors keeps the data file
 * and marks the deleted rows. Expected row indexes come from reading the data file's physical
 * rows through hyparquet and picking the deleted values by position; DV bytes are checked by hand.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ConcurrentModificationError } from '../../src/errors.js'
import { readCommitActions } from '../../src/log/commit-read.js'
import type { Add } from '../../src/protocol/actions.js'
import { Table } from '../../src/table.js'
import { createTable } from '../../src/txn/create-table.js'
import { type DeletePredicate, Transaction } from '../../src/txn/transaction.js'
import { vacuum } from '../../src/txn/vacuum.js'
import { fileActions, physicalRows, positions, storedDvRows } from './dv-helpers.js'
import { SIMPLE, memoryEngine, readRows, simpleBatch } from './helpers.js'

const ROOT = 'memory:///dv/'
const DV_ON = { 'delta.enableDeletionVectors': 'true' }
const ROWS = Array.from({ length: 12 }, (_, id) => ({ id, part: id % 2 ? 'odd' : 'even', value: id * 1.5 }))

/** A row predicate on `id` (as a number). */
function whereId(pick: (id: number) => boolean, seen?: number[]): DeletePredicate {
  return {
    rows: (b) => {
      const ids = b.getChild('id')!
      return Uint8Array.from({ length: b.numRows }, (_, i) => {
        const id = Number(ids.get(i) as bigint)
        seen?.push(id)
        return pick(id) ? 1 : 0
      })
    },
  }
}

async function dvTable(now?: () => number) {
  const engine = memoryEngine(now)
  await createTable(ROOT, engine, { schema: SIMPLE, properties: DV_ON, ...(now ? { now } : {}) })
  const table = Table.open(ROOT, engine)
  const txn = new Transaction(await table.snapshot(), now ? { now } : {})
  // Row groups of 5 rows: the file is read in several batches, so row indexes cross batch bounds.
  const [add] = await txn.append([simpleBatch(ROWS)], { rowGroupSize: 5 })
  await txn.commit()
  return { engine, table, add: add! }
}

const expectRows = (ids: readonly number[]) => ROWS.filter((r) => ids.includes(r.id)).map((r) => ({ id: r.id, part: r.part, value: r.value }))
const idsExcept = (gone: (id: number) => boolean) => ROWS.map((r) => r.id).filter((id) => !gone(id))

test('createTable with delta.enableDeletionVectors: protocol (3, 7) with the feature in both lists', async () => {
  const engine = memoryEngine()
  await createTable(ROOT, engine, { schema: SIMPLE, properties: DV_ON })
  const protocol = (await readCommitActions(engine, ROOT, 0)).find((a) => a.kind === 'protocol')
  assert.deepEqual(protocol, { kind: 'protocol', protocol: { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ['deletionVectors'], writerFeatures: ['deletionVectors'] } })
})

test('a row-level delete writes a DV: same file re-added, rows gone, DV holds exactly the deleted row indexes', async () => {
  const { engine, table, add } = await dvTable()
  const txn = new Transaction(await table.snapshot())
  assert.deepEqual(await txn.delete(whereId((id) => id % 3 === 0)), { removedFiles: 0, addedFiles: 0, deletionVectors: 1 })
  assert.equal((await txn.commit()).version, 2)
  assert.deepEqual(await readRows(ROOT, engine), expectRows(idsExcept((id) => id % 3 === 0)))

  const { adds, removes } = await fileActions(engine, ROOT, 2)
  assert.equal(removes.length, 1)
  assert.equal(adds.length, 1)
  const [remove, readded] = [removes[0]!, adds[0]!]
  assert.equal(remove.path, add.path)
  assert.equal(remove.dataChange, true)
  assert.equal(remove.deletionVector, undefined, 'the file had no DV before')
  assert.equal(remove.size, add.size)
  assert.equal(readded.path, add.path)
  assert.equal(readded.size, add.size)
  assert.equal(readded.modificationTime, add.modificationTime)
  assert.deepEqual(readded.partitionValues, add.partitionValues)
  assert.equal(readded.dataChange, true)
  const dv = readded.deletionVector!
  assert.equal(dv.storageType, 'u')
  assert.equal(dv.offset, 1)
  assert.equal(dv.cardinality, 4)
  // Stats: exact physical numRecords (required with a DV), wide bounds, the original per-column stats.
  const before = JSON.parse(add.stats!) as Record<string, unknown>
  const after = JSON.parse(readded.stats!) as Record<string, unknown>
  assert.equal(after.numRecords, ROWS.length)
  assert.equal(after.tightBounds, false)
  assert.deepEqual(after.minValues, before.minValues)
  assert.deepEqual(after.maxValues, before.maxValues)
  assert.deepEqual(after.nullCount, before.nullCount)

  const physical = await physicalRows(engine, ROOT, add.path)
  assert.equal(physical.length, ROWS.length)
  assert.deepEqual(await storedDvRows(engine, ROOT, dv), positions(physical, (r) => Number(r.id) % 3 === 0))
})

test('a second delete unions with the first DV; the predicate never sees deleted rows; deleting the rest removes the file', async () => {
  const { engine, table, add } = await dvTable()
  const t1 = new Transaction(await table.snapshot())
  await t1.delete(whereId((id) => id % 3 === 0))
  await t1.commit()
  const firstDv = (await table.snapshot()).files()[0]!.deletionVector!

  const seen: number[] = []
  const t2 = new Transaction(await table.snapshot())
  assert.deepEqual(await t2.delete(whereId((id) => id === 1 || id === 3, seen)), { removedFiles: 0, addedFiles: 0, deletionVectors: 1 })
  await t2.commit()
  assert.deepEqual(seen.sort((a, b) => a - b), idsExcept((id) => id % 3 === 0), 'only live rows reach the predicate')
  const v3 = await fileActions(engine, ROOT, 3)
  assert.deepEqual(v3.removes[0]!.deletionVector, firstDv, 'the remove names the (path, DV) it retires')
  const secondDv = v3.adds[0]!.deletionVector!
  assert.notEqual(secondDv.pathOrInlineDv, firstDv.pathOrInlineDv, 'a new DV file')
  const physical = await physicalRows(engine, ROOT, add.path)
  assert.deepEqual(await storedDvRows(engine, ROOT, secondDv), positions(physical, (r) => Number(r.id) % 3 === 0 || Number(r.id) === 1))
  assert.deepEqual(await readRows(ROOT, engine), expectRows(idsExcept((id) => id % 3 === 0 || id === 1)))
  // The first DV file is still intact (older snapshots read it).
  assert.deepEqual(await storedDvRows(engine, ROOT, firstDv), positions(physical, (r) => Number(r.id) % 3 === 0))
  assert.deepEqual(await readRows(ROOT, engine).then(() => Table.open(ROOT, engine).snapshot({ version: 2 })).then((s) => s.files()[0]!.deletionVector), firstDv)

  const t3 = new Transaction(await table.snapshot())
  assert.deepEqual(await t3.delete(whereId(() => true)), { removedFiles: 1, addedFiles: 0, deletionVectors: 0 })
  await t3.commit()
  const v4 = await fileActions(engine, ROOT, 4)
  assert.equal(v4.adds.length, 0)
  assert.deepEqual(v4.removes.map((r) => [r.path, r.deletionVector]), [[add.path, secondDv]])
  assert.deepEqual(await readRows(ROOT, engine), [])
  assert.equal((await table.snapshot()).files().length, 0)
})

test('a delete that matches no live row commits nothing for that file', async () => {
  const { table } = await dvTable()
  const t1 = new Transaction(await table.snapshot())
  await t1.delete(whereId((id) => id === 4))
  await t1.commit()
  const t2 = new Transaction(await table.snapshot())
  // Row 4 is already deleted: nothing live matches.
  assert.deepEqual(await t2.delete(whereId((id) => id === 4 || id > 100)), { removedFiles: 0, addedFiles: 0, deletionVectors: 0 })
})

test('two deletes in one transaction compose into one (path, DV) change', async () => {
  const { engine, table, add } = await dvTable()
  const txn = new Transaction(await table.snapshot())
  await txn.delete(whereId((id) => id < 2))
  await txn.delete(whereId((id) => id > 9))
  await txn.commit()
  const { adds, removes } = await fileActions(engine, ROOT, 2)
  assert.deepEqual(removes.map((r) => [r.path, r.deletionVector]), [[add.path, undefined]])
  assert.equal(adds.length, 1)
  const physical = await physicalRows(engine, ROOT, add.path)
  assert.deepEqual(await storedDvRows(engine, ROOT, adds[0]!.deletionVector!), positions(physical, (r) => Number(r.id) < 2 || Number(r.id) > 9))
  assert.deepEqual(await readRows(ROOT, engine), expectRows(idsExcept((id) => id < 2 || id > 9)))
})

test('removeFiles after a DV delete in the same transaction removes the file (no stale re-add)', async () => {
  const { engine, table, add } = await dvTable()
  const txn = new Transaction(await table.snapshot())
  await txn.delete(whereId((id) => id < 2))
  txn.removeFiles([add.path])
  await txn.commit()
  const { adds, removes } = await fileActions(engine, ROOT, 2)
  assert.equal(adds.length, 0)
  assert.deepEqual(removes.map((r) => r.path), [add.path])
  assert.deepEqual(await readRows(ROOT, engine), [])
})

test('concurrent DV deletes of the same file: the second conflicts instead of dropping the first one\'s rows', async () => {
  const { engine, table } = await dvTable()
  const snap = await table.snapshot()
  const t1 = new Transaction(snap, { retry: { maxAttempts: 3, sleep: async () => {} } })
  const t2 = new Transaction(snap, { retry: { maxAttempts: 3, sleep: async () => {} } })
  await t1.delete(whereId((id) => id === 0))
  await t2.delete(whereId((id) => id === 1))
  await t1.commit()
  await assert.rejects(t2.commit(), ConcurrentModificationError)
  assert.deepEqual(await readRows(ROOT, engine), expectRows(idsExcept((id) => id === 0)))
})

test('vacuum keeps the live DV file and deletes one only a tombstone references, and strays', async () => {
  let t = Date.UTC(2025, 0, 1)
  const now = () => (t += 1000)
  const { engine, table } = await dvTable(now)
  const t1 = new Transaction(await table.snapshot(), { now })
  await t1.delete(whereId((id) => id === 0))
  await t1.commit()
  const t2 = new Transaction(await table.snapshot(), { now })
  await t2.delete(whereId((id) => id === 1))
  await t2.commit()
  const files = (await table.snapshot()).files() as Add[]
  const live = files[0]!.deletionVector!
  const dvFiles: string[] = []
  for await (const m of engine.fileSystem.list(ROOT)) if (m.location.includes('deletion_vector_')) dvFiles.push(m.location)
  assert.equal(dvFiles.length, 2)
  // A DV file of a transaction that never committed.
  await engine.fileSystem.put(`${ROOT}deletion_vector_00000000-0000-0000-0000-000000000000.bin`, new Uint8Array([1]))
  const later = now() + 1000
  const kept = await vacuum(table, { retentionHours: 1, force: true, now: later, dryRun: true })
  assert.deepEqual(kept.deleted, [], 'within retention, the tombstone protects the old DV file')
  const result = await vacuum(table, { retentionHours: 0, force: true, now: later })
  const { dvAbsolutePath } = await import('../../src/protocol/deletion-vector.js')
  const liveLocation = dvAbsolutePath(live, ROOT)
  assert.deepEqual(result.deleted, [...dvFiles.filter((l) => l !== liveLocation), `${ROOT}deletion_vector_00000000-0000-0000-0000-000000000000.bin`].sort())
  assert.deepEqual(await readRows(ROOT, engine), expectRows(idsExcept((id) => id < 2)))
})
