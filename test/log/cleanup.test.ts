/**
 * Metadata cleanup against the spec's procedure, worked by hand: commits one per day, checkpoints
 * at chosen versions, a retention, and the exact set of files that must go and stay.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { DeltaError } from '../../src/errors.js'
import { checkpoint } from '../../src/log/checkpoint-write.js'
import { cleanupLog } from '../../src/log/cleanup.js'
import { writeChecksum } from '../../src/log/checksum.js'
import { writeV2Checkpoint } from '../../src/log/checkpoint-files.js'
import { checkpointContent } from '../../src/log/checkpoint-content.js'
import { DAY, HOUR, TestTable, addLine, metadataLine, protocolLine } from './log-builder.js'

const pad = (v: number) => String(v).padStart(20, '0')
const T0 = Date.UTC(2024, 0, 1) // a midnight, so day boundaries are easy to see

/** Commits 0..last, commit v at T0 + v days + 1 hour; checkpoints (classic) at `cps`; a .crc per commit. */
async function dailyTable(last: number, cps: readonly number[], config: Record<string, string> = {}): Promise<TestTable> {
  const t = new TestTable()
  for (let v = 0; v <= last; v++) {
    t.clock = T0 + v * DAY + HOUR
    await t.commit(v === 0 ? [protocolLine(), metadataLine(config), addLine('f0')] : [addLine(`f${v}`)])
    await writeChecksum(await t.table.snapshot({ version: v }))
    if (cps.includes(v)) await checkpoint(await t.table.snapshot({ version: v }), { kind: 'classic' })
  }
  return t
}

async function loads(t: TestTable, v: number): Promise<boolean> {
  try {
    const s = await t.table.snapshot({ version: v })
    return s.numFiles === v + 1
  } catch (e) {
    if (e instanceof DeltaError) return false
    throw e
  }
}

test('deletes everything before the newest checkpoint at or before the cutoff, keeps that checkpoint and all after', async () => {
  const t = await dailyTable(12, [4, 8, 11])
  // now = day 12 + 5h, retention 3 days -> cutoff = midnight of day 9 -> newest commit not newer
  // is 8 (written day 8 + 1h) -> newest checkpoint at or before 8 is 8.
  const r = await cleanupLog(t.table, { now: T0 + 12 * DAY + 5 * HOUR, retention: 3 * DAY })
  assert.equal(r.cutoffTimestamp, T0 + 9 * DAY)
  assert.equal(r.checkpointVersion, 8)
  const expectedDeleted = [
    ...[0, 1, 2, 3, 4, 5, 6, 7].flatMap((v) => [`${pad(v)}.json`, `${pad(v)}.crc`]),
    `${pad(4)}.checkpoint.parquet`,
  ].sort()
  assert.deepEqual(r.deleted.map((l) => l.slice(t.at('_delta_log/').length)).sort(), expectedDeleted)
  const names = await t.logNames()
  for (const n of expectedDeleted) assert.ok(!names.includes(n), n)
  assert.ok(names.includes(`${pad(8)}.json`), 'the commit at the kept checkpoint stays (it holds commitInfo)')
  assert.ok(names.includes(`${pad(8)}.checkpoint.parquet`))
  for (let v = 8; v <= 12; v++) assert.ok(await loads(t, v), `version ${v} must stay readable`)
  for (let v = 0; v < 8; v++) assert.equal(await loads(t, v), false, `version ${v} is gone`)
})

test('the table property delta.logRetentionDuration is the default retention', async () => {
  const t = await dailyTable(6, [2, 5], { 'delta.logRetentionDuration': 'interval 2 days' })
  // now = day 6 + 2h: cutoff = midnight day 4 -> cutoff commit 3 -> checkpoint 2.
  const r = await cleanupLog(t.table, { now: T0 + 6 * DAY + 2 * HOUR })
  assert.equal(r.checkpointVersion, 2)
  for (let v = 2; v <= 6; v++) assert.ok(await loads(t, v))
  assert.equal(await loads(t, 1), false)
})

test('without a checkpoint at or before the cutoff nothing is deleted', async () => {
  const t = await dailyTable(6, [5])
  const before = await t.logNames()
  const r = await cleanupLog(t.table, { now: T0 + 6 * DAY + 2 * HOUR, retention: 3 * DAY })
  assert.equal(r.checkpointVersion, undefined)
  assert.deepEqual(r.deleted, [])
  assert.deepEqual(await t.logNames(), before)
})

test('the default 30-day retention keeps a young table whole', async () => {
  const t = await dailyTable(5, [2])
  const r = await cleanupLog(t.table, { now: T0 + 6 * DAY })
  assert.deepEqual(r.deleted, [])
})

test('dry run reports without deleting', async () => {
  const t = await dailyTable(6, [3])
  const before = await t.logNames()
  const r = await cleanupLog(t.table, { now: T0 + 6 * DAY + 2 * HOUR, retention: 2 * DAY, dryRun: true })
  assert.equal(r.checkpointVersion, 3)
  assert.ok(r.deleted.length > 0)
  assert.deepEqual(await t.logNames(), before)
})

test('sidecars: those of deleted checkpoints go once a day old; referenced and fresh ones stay', async () => {
  const t = new TestTable()
  const cps = new Map<number, readonly string[]>()
  for (let v = 0; v <= 6; v++) {
    t.clock = T0 + v * DAY + HOUR
    await t.commit(v === 0 ? [protocolLine(3, 7, ['v2Checkpoint'], ['v2Checkpoint']), metadataLine(), addLine('f0')] : [addLine(`f${v}`)])
    if (v === 2 || v === 4) {
      const r = await checkpoint(await t.table.snapshot({ version: v }), { kind: 'v2', v2: { format: 'json', actionsPerSidecar: 2 } })
      cps.set(v, r.sidecars)
    }
  }
  // An orphan written "today" may belong to a checkpoint in progress: it must survive.
  await t.engine.fileSystem.put(t.at('_delta_log/_sidecars/in-progress.parquet'), new Uint8Array(4))
  const r = await cleanupLog(t.table, { now: T0 + 6 * DAY + 2 * HOUR, retention: DAY })
  assert.equal(r.checkpointVersion, 4)
  for (const s of cps.get(2)!) assert.ok(r.deleted.includes(s) && !(await t.exists(s)), `unreferenced ${s} deleted`)
  for (const s of cps.get(4)!) assert.ok(await t.exists(s), `referenced ${s} kept`)
  assert.ok(await t.exists('_delta_log/_sidecars/in-progress.parquet'))
  for (let v = 4; v <= 6; v++) assert.ok(await loads(t, v))
})

test('commit times are made monotonic: a skewed older commit cannot become the cutoff past a newer one', async () => {
  const t = new TestTable()
  const times = [0, 1, 2, 3, 10, 5, 6].map((d) => T0 + d * DAY + HOUR) // commit 4 has a clock far ahead
  for (let v = 0; v < times.length; v++) {
    t.clock = times[v]!
    await t.commit(v === 0 ? [protocolLine(), metadataLine(), addLine('f0')] : [addLine(`f${v}`)])
    if (v === 3 || v === 5) await checkpoint(await t.table.snapshot({ version: v }), { kind: 'classic' })
  }
  // Cutoff midnight day 6: commit 5 (day 5) looks old, but follows commit 4 (day 10), so it
  // counts as newer than day 10; the cutoff commit is 3 and version 3 onward must stay.
  const r = await cleanupLog(t.table, { now: T0 + 7 * DAY + HOUR, retention: DAY })
  assert.equal(r.checkpointVersion, 3)
  for (let v = 3; v <= 6; v++) assert.ok(await loads(t, v))
})

test('with in-commit timestamps the cutoff follows them, not file times (a copied table)', async () => {
  const t = new TestTable()
  const config = { 'delta.enableInCommitTimestamps': 'true', 'delta.inCommitTimestampEnablementVersion': '0' }
  for (let v = 0; v <= 8; v++) {
    // Files all carry "today" (as after a copy); the commits' own timestamps are a day apart.
    t.clock = T0 + 30 * DAY
    const ict = T0 + v * DAY + HOUR
    const lines = v === 0 ? [protocolLine(1, 7, undefined, ['inCommitTimestamp']), metadataLine(config), addLine('f0')] : [addLine(`f${v}`)]
    const text = [{ commitInfo: { timestamp: ict, inCommitTimestamp: ict } }, ...lines].map((l) => JSON.stringify(l)).join('\n')
    await t.engine.fileSystem.putIfAbsent(t.at(`_delta_log/${pad(v)}.json`), new TextEncoder().encode(text))
    t.version = v
    if (v === 3 || v === 6) await checkpoint(await t.table.snapshot({ version: v }), { kind: 'classic' })
  }
  // Cutoff midnight day 6 (now day 8 + 2h, retention 2 days): ICT commit 5 is the cutoff commit,
  // so checkpoint 3 is kept and 0..2 go. By file times nothing would be old enough.
  const r = await cleanupLog(t.table, { now: T0 + 8 * DAY + 2 * HOUR, retention: 2 * DAY })
  assert.equal(r.checkpointVersion, 3)
  for (let v = 3; v <= 8; v++) assert.ok(await loads(t, v))
  assert.equal(await loads(t, 2), false)
})

test('on a table without v2Checkpoint a UUID-named checkpoint is never the one kept', async () => {
  const t = await dailyTable(6, [1])
  // A foreign writer left a V2 checkpoint at 4 on a table whose readers cannot see it.
  const s4 = await t.table.snapshot({ version: 4 })
  await writeV2Checkpoint(t.engine, t.root, checkpointContent(s4, t.clock), {}, { format: 'json', sidecars: false })
  const r = await cleanupLog(t.table, { now: T0 + 6 * DAY + 2 * HOUR, retention: DAY })
  assert.equal(r.checkpointVersion, 1)
  assert.ok((await t.logNames()).includes(`${pad(2)}.json`))
})

test('the public API refuses a V2 checkpoint on a table without the feature', async () => {
  const t = await dailyTable(1, [])
  await assert.rejects(checkpoint(t.table, { kind: 'v2' }), (e: unknown) => e instanceof DeltaError && e.code === 'INVALID_ARGUMENT')
})
