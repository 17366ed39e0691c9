import assert from 'node:assert/strict'
import { test } from 'node:test'
import { UnsupportedFeatureError } from '../../src/errors.js'
import { readCommitActions } from '../../src/log/commit-read.js'
import type { CommitInfo } from '../../src/protocol/actions.js'
import { Table } from '../../src/table.js'
import { createTable } from '../../src/txn/create-table.js'
import { Transaction } from '../../src/txn/transaction.js'
import { SIMPLE, fakeAdd, memoryEngine } from './helpers.js'

const ROOT = 'memory:///t/'
const ICT = { 'delta.enableInCommitTimestamps': 'true' }

async function infoOf(engine: Parameters<typeof readCommitActions>[0], v: number): Promise<CommitInfo> {
  const actions = await readCommitActions(engine, ROOT, v)
  assert.equal(actions[0]!.kind, 'commitInfo', 'commitInfo is the first action')
  return (actions[0] as { commitInfo: CommitInfo }).commitInfo
}

test('in-commit timestamps are max(attempt time, previous + 1), even when the clock goes back', async () => {
  const engine = memoryEngine()
  await createTable(ROOT, engine, { schema: SIMPLE, properties: ICT, now: () => 1000 })
  let clock = 500
  for (const expected of [1001, 1002]) {
    const t = new Transaction(await Table.open(ROOT, engine).snapshot(), { now: () => clock })
    t.addFiles([fakeAdd(`${expected}.parquet`)])
    const { version } = await t.commit()
    assert.equal((await infoOf(engine, version)).inCommitTimestamp, expected)
  }
  clock = 5000
  const t = new Transaction(await Table.open(ROOT, engine).snapshot(), { now: () => clock })
  await t.commit()
  const snap = await Table.open(ROOT, engine).snapshot()
  assert.equal(snap.timestamp, 5000)
})

test('a rebased commit takes a timestamp after the winner’s', async () => {
  const engine = memoryEngine()
  await createTable(ROOT, engine, { schema: SIMPLE, properties: ICT, now: () => 1000 })
  const snap = await Table.open(ROOT, engine).snapshot()
  const winner = new Transaction(snap, { now: () => 2000 })
  const loser = new Transaction(snap, { now: () => 1500, retry: { sleep: async () => {} } })
  winner.addFiles([fakeAdd('w.parquet')])
  loser.addFiles([fakeAdd('l.parquet')])
  await winner.commit()
  assert.equal((await loser.commit()).version, 2)
  assert.equal((await infoOf(engine, 2)).inCommitTimestamp, 2001)
})

test('enabling in-commit timestamps on a table-features table records the enablement version and timestamp', async () => {
  const engine = memoryEngine(() => 3000) // file modification times
  await createTable(ROOT, engine, { schema: SIMPLE, tableFeatures: ['domainMetadata'] })
  const t1 = new Transaction(await Table.open(ROOT, engine).snapshot(), { now: () => 100 })
  t1.addFiles([fakeAdd('a.parquet')])
  await t1.commit()
  const t2 = new Transaction(await Table.open(ROOT, engine).snapshot(), { now: () => 100 }) // clock behind the file times
  t2.setProperties(ICT)
  assert.equal((await t2.commit()).version, 2)
  const snap = await Table.open(ROOT, engine).snapshot()
  assert.deepEqual(snap.protocol.writerFeatures, ['domainMetadata', 'inCommitTimestamp'])
  const ict = (await infoOf(engine, 2)).inCommitTimestamp
  assert.equal(ict, 3001) // rule 5: later than the previous commit file's modification time
  assert.equal(snap.metadata.configuration['delta.inCommitTimestampEnablementVersion'], '2')
  assert.equal(snap.metadata.configuration['delta.inCommitTimestampEnablementTimestamp'], '3001')
})

test('enabling them on a legacy-protocol table is refused (no upgrade to table features)', async () => {
  const engine = memoryEngine()
  await createTable(ROOT, engine, { schema: SIMPLE })
  const t = new Transaction(await Table.open(ROOT, engine).snapshot())
  t.setProperties(ICT)
  await assert.rejects(t.commit(), UnsupportedFeatureError)
})
