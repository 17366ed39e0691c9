import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Engine } from '../../src/engine/engine.js'
import {
  ConcurrentAppendError,
  ConcurrentDeleteDeleteError,
  ConcurrentDeleteReadError,
  ConcurrentTransactionError,
  InvalidWriteError,
  MetadataChangedError,
  ProtocolChangedError,
} from '../../src/errors.js'
import { Table } from '../../src/table.js'
import { type ConflictScope, checkWinningCommit } from '../../src/txn/conflicts.js'
import { createTable } from '../../src/txn/create-table.js'
import { Transaction, type TransactionOptions } from '../../src/txn/transaction.js'
import { SIMPLE, fakeAdd, memoryEngine } from './helpers.js'

const ROOT = 'memory:///t/'
const opts: TransactionOptions = { retry: { sleep: async () => {}, random: () => 0 } }
const isA = (P: string) => (row: Readonly<Record<string, unknown>>) => row.part === P

/** A table partitioned by `part` with files a1 (part=a) and b1 (part=b); returns two transactions on version 1. */
async function setup(properties: Record<string, string> = {}, features: string[] = []): Promise<{ engine: Engine; t1: Transaction; t2: Transaction }> {
  const engine = memoryEngine()
  await createTable(ROOT, engine, { schema: SIMPLE, partitionColumns: ['part'], properties, tableFeatures: features })
  const t0 = new Transaction(await Table.open(ROOT, engine).snapshot(), opts)
  t0.addFiles([fakeAdd('part=a/a1.parquet', { part: 'a' }), fakeAdd('part=b/b1.parquet', { part: 'b' })])
  await t0.commit()
  const snap = await Table.open(ROOT, engine).snapshot()
  return { engine, t1: new Transaction(snap, opts), t2: new Transaction(snap, opts) }
}

test('removing a file a concurrent commit already removed fails (rule 6 fires first: removing implies reading)', async () => {
  const { t1, t2 } = await setup()
  t1.removeFiles(['part=a/a1.parquet'])
  t2.removeFiles(['part=a/a1.parquet'])
  await t1.commit()
  // t2 also *read* a1 (removing implies reading), and rule 6 comes first.
  await assert.rejects(t2.commit(), ConcurrentDeleteReadError)
})

test('rule 7 in isolation (pure check): a removal of the same path → ConcurrentDeleteDeleteError with the winning version', () => {
  const scope: ConflictScope = {
    isolationLevel: 'WriteSerializable',
    isBlindAppend: false,
    metadataChanged: false,
    readWholeTable: false,
    readPredicates: [],
    readFiles: new Set(),
    appIds: new Set(),
    removedFiles: new Set(['x.parquet']),
    domains: new Set(),
    partitionSchema: { type: 'struct', fields: [] },
  }
  const winner = [{ kind: 'remove' as const, remove: { path: 'x.parquet', dataChange: true } }]
  assert.throws(() => checkWinningCommit(scope, 9, winner, ROOT), (e) => e instanceof ConcurrentDeleteDeleteError && e.winningVersion === 9)
  const other = [{ kind: 'remove' as const, remove: { path: 'y.parquet', dataChange: true } }]
  checkWinningCommit(scope, 9, other, ROOT)
  // Unpartitioned table: any read predicate conflicts with any non-blind add.
  const add = { kind: 'add' as const, add: fakeAdd('z.parquet') }
  const reader = { ...scope, removedFiles: new Set<string>(), readPredicates: [() => false] }
  assert.throws(() => checkWinningCommit(reader, 3, [add], ROOT), ConcurrentAppendError)
  const blindWinner = [{ kind: 'commitInfo' as const, commitInfo: { isBlindAppend: true } }, add]
  checkWinningCommit(reader, 3, blindWinner, ROOT)
})

test('rule 6: a concurrent removal of a file this transaction read → ConcurrentDeleteReadError; of another partition is fine', async () => {
  const { t1, t2 } = await setup()
  t1.removeFiles(['part=b/b1.parquet'])
  await t1.commit()
  t2.recordRead({ files: ['part=b/b1.parquet'] })
  t2.addFiles([fakeAdd('part=a/x.parquet', { part: 'a' })])
  await assert.rejects(t2.commit(), ConcurrentDeleteReadError)
  const again = await setup()
  again.t1.removeFiles(['part=b/b1.parquet'])
  await again.t1.commit()
  await again.t2.delete({ partitions: isA('a') })
  assert.equal((await again.t2.commit()).version, 3)
})

test('rule 6: any concurrent removal conflicts with a whole-table read', async () => {
  const { t1, t2 } = await setup()
  t1.removeFiles(['part=b/b1.parquet'])
  await t1.commit()
  await t2.delete({}) // deletes everything: reads the whole table
  await assert.rejects(t2.commit(), ConcurrentDeleteReadError)
})

test('rule 5: a concurrent non-blind add in a partition this transaction read → ConcurrentAppendError', async () => {
  const { t1, t2 } = await setup()
  t1.recordRead({ files: ['part=a/a1.parquet'] }) // not blind
  t1.addFiles([fakeAdd('part=a/a2.parquet', { part: 'a' })])
  await t1.commit()
  await t2.delete({ partitions: isA('a') })
  await assert.rejects(t2.commit(), ConcurrentAppendError)
})

test('rule 5: blind appends conflict only under Serializable (or when this transaction changes metadata)', async () => {
  for (const [level, meta, conflicts] of [
    ['WriteSerializable', false, false],
    ['Serializable', false, true],
    ['WriteSerializable', true, true],
  ] as const) {
    const { engine, t1 } = await setup()
    t1.addFiles([fakeAdd('part=a/a2.parquet', { part: 'a' })]) // blind append
    const t2 = new Transaction(t1.snapshot, { ...opts, isolationLevel: level })
    t2.recordRead({ predicate: isA('a') })
    t2.addFiles([fakeAdd('part=a/a3.parquet', { part: 'a' })])
    if (meta) t2.setProperties({ 'user.x': '1' })
    await t1.commit()
    if (conflicts) await assert.rejects(t2.commit(), ConcurrentAppendError, `${level} meta=${meta}`)
    else assert.equal((await t2.commit()).version, 3)
    void engine
  }
})

test('rule 5: an add outside the read partitions does not conflict; a blind append never does', async () => {
  const { t1, t2 } = await setup()
  t1.recordRead({ files: ['part=b/b1.parquet'] })
  t1.addFiles([fakeAdd('part=b/b2.parquet', { part: 'b' })])
  await t1.commit()
  await t2.delete({ partitions: isA('a') })
  assert.equal((await t2.commit()).version, 3)
})

test('rules 1 and 2: concurrent protocol or metadata changes fail the transaction', async () => {
  const { t1, t2 } = await setup()
  t1.setProperties({ 'user.x': '1' })
  await t1.commit()
  t2.addFiles([fakeAdd('part=a/z.parquet', { part: 'a' })])
  await assert.rejects(t2.commit(), MetadataChangedError)
  const p = await setup({}, ['domainMetadata'])
  p.t1.setProperties({ 'delta.appendOnly': 'true' }) // (1,7) table: appendOnly added to writerFeatures
  await p.t1.commit()
  p.t2.addFiles([fakeAdd('part=a/z.parquet', { part: 'a' })])
  await assert.rejects(p.t2.commit(), ProtocolChangedError)
})

test('rules 3 and 4: same metadata domain, same application id', async () => {
  const { t1, t2 } = await setup({}, ['domainMetadata'])
  t1.setDomainMetadata('com.example', '1')
  t2.setDomainMetadata('com.example', '2')
  await t1.commit()
  await assert.rejects(t2.commit(), (e) => e instanceof ConcurrentTransactionError && e.domain === 'com.example')
  const s = await setup()
  s.t1.setAppTransaction('stream-1', 5)
  s.t2.setAppTransaction('stream-1', 6)
  await s.t1.commit()
  await assert.rejects(s.t2.commit(), (e) => e instanceof ConcurrentTransactionError && e.appId === 'stream-1' && e.committedAppVersion === 5)
  // A different appId does not conflict.
  const d = await setup()
  d.t1.setAppTransaction('stream-1', 5)
  d.t2.setAppTransaction('stream-2', 5)
  await d.t1.commit()
  assert.equal((await d.t2.commit()).version, 3)
})

test('idempotent writes: a batch at or below the recorded app version is refused up front', async () => {
  const { engine, t1 } = await setup()
  t1.setAppTransaction('job', 7)
  await t1.commit()
  const t = new Transaction(await Table.open(ROOT, engine).snapshot(), opts)
  assert.throws(() => t.setAppTransaction('job', 7), (e) => e instanceof ConcurrentTransactionError && e.committedAppVersion === 7)
  t.setAppTransaction('job', 8)
  await t.commit()
  assert.equal((await Table.open(ROOT, engine).snapshot()).appTransactionVersion('job'), 8)
})

test('append-only tables refuse data removal but accept appends', async () => {
  const { t1, t2 } = await setup({ 'delta.appendOnly': 'true' })
  t1.removeFiles(['part=a/a1.parquet'])
  await assert.rejects(t1.commit(), InvalidWriteError)
  t2.removeFiles(['part=a/a1.parquet'], { dataChange: false }) // rearranging is allowed
  t2.addFiles([fakeAdd('part=a/a1-compacted.parquet', { part: 'a' }, false)])
  assert.equal((await t2.commit()).version, 2)
})
