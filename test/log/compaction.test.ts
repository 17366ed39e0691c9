/** Log compaction files: the spec's worked example, and replay equivalence on random-ish logs. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseLogBytes } from '../../src/log/commit-read.js'
import { compactActions, writeCompaction } from '../../src/log/compaction-write.js'
import { ReplayState } from '../../src/log/replay.js'
import { readCommitActions } from '../../src/log/commit-read.js'
import { TestTable, addLine, metadataLine, protocolLine, removeLine } from './log-builder.js'

const APP = '3ae45b72-24e1-865a-a211-34987ae02f2a'

test("the spec's example: commits 4..6 compact to adds f2 f4, removes f1 f3 and the last txn", async () => {
  const t = new TestTable(1000)
  await t.commit([protocolLine(), metadataLine(), addLine('f1')]) // 0
  for (let v = 1; v <= 3; v++) await t.commit([])
  await t.commit([addLine('f2'), removeLine('f1', 5)]) // 4
  await t.commit([addLine('f3'), addLine('f4'), { txn: { appId: APP, version: 4389 } }]) // 5
  await t.commit([removeLine('f3', 6), { txn: { appId: APP, version: 4390 } }]) // 6
  const location = await writeCompaction(t.table, 4, 6)
  assert.equal(location, t.at('_delta_log/00000000000000000004.00000000000000000006.compacted.json'))
  const actions = parseLogBytes(t.engine, await t.engine.fileSystem.read(location), location)
  const summary = actions.map((a) =>
    a.kind === 'add' ? `add ${a.add.path}` : a.kind === 'remove' ? `remove ${a.remove.path}` : a.kind === 'txn' ? `txn ${a.txn.version}` : a.kind,
  )
  assert.deepEqual(summary.sort(), ['add f2', 'add f4', 'remove f1', 'remove f3', 'txn 4390'])
})

test('replaying a compaction over the state before it equals replaying its commits', async () => {
  const t = new TestTable(1000)
  await t.commit([protocolLine(), metadataLine(), addLine('a'), addLine('b'), { domainMetadata: { domain: 'd1', configuration: 'x', removed: false } }])
  await t.commit([removeLine('a', 1), addLine('c'), { domainMetadata: { domain: 'd1', configuration: 'x', removed: true } }])
  await t.commit([addLine('a'), removeLine('c', 2), metadataLine({ k: 'v' })])
  await t.commit([addLine('d', 10, { deletionVector: { storageType: 'i', pathOrInlineDv: 'wi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L', sizeInBytes: 40, cardinality: 6 } }), removeLine('d', 3)])
  const commits = await Promise.all([0, 1, 2, 3].map((v) => readCommitActions(t.engine, t.root, v)))
  const direct = new ReplayState()
  commits.forEach((c, v) => direct.apply(c, v))
  const viaCompaction = new ReplayState()
  viaCompaction.apply(commits[0]!, 0)
  viaCompaction.apply(compactActions(commits.slice(1)), 3)
  const state = (s: ReplayState) => ({
    adds: [...s.adds.keys()].sort(),
    tombstones: [...s.tombstones.keys()].sort(),
    domains: [...s.domains.keys()].sort(),
    config: s.metadata?.configuration,
  })
  assert.deepEqual(state(viaCompaction), state(direct))
  // The domain tombstone survives compaction: without it d1 would come back.
  assert.deepEqual(state(direct).domains, [])
})

test('a compaction range must be increasing', async () => {
  const t = new TestTable()
  await assert.rejects(writeCompaction(t.table, 3, 3), /start < end/)
})
