/**
 * Property: random histories of commits (adds of fresh files, removes of live ones) with the
 * clock moving on, and checkpoints (classic, V2 JSON, V2 Parquet with sidecars), metadata cleanup
 * and vacuum interleaved at random. A reference model (the live files of every version, and the
 * commit times) says what must hold:
 * - every version at or after the oldest checkpoint a cleanup kept loads, with exactly the model's files;
 * - a cleanup keeps, as its oldest version, a checkpoint at or before the newest commit not newer
 *   than its cutoff (so every version inside the retention stays readable);
 * - right after a vacuum, every file of every version that was current within the vacuum's
 *   retention window still exists (vacuum never deletes what a retained version reads).
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { checkpoint, type CheckpointOptions } from '../../src/log/checkpoint-write.js'
import { cleanupLog } from '../../src/log/cleanup.js'
import { vacuum } from '../../src/txn/vacuum.js'
import { DAY, HOUR, TestTable, addLine, metadataLine, protocolLine, removeLine } from './log-builder.js'

type Op =
  | { op: 'commit'; adds: number; removes: number[] }
  | { op: 'wait'; hours: number }
  | { op: 'checkpoint'; kind: 0 | 1 | 2 }
  | { op: 'cleanup'; days: number }
  | { op: 'vacuum'; hours: 0 | 24 | 168 }

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('commit' as const), adds: fc.integer({ min: 0, max: 3 }), removes: fc.array(fc.nat(20), { maxLength: 3 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('wait' as const), hours: fc.integer({ min: 1, max: 150 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('checkpoint' as const), kind: fc.constantFrom(0 as const, 1 as const, 2 as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('cleanup' as const), days: fc.integer({ min: 0, max: 6 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('vacuum' as const), hours: fc.constantFrom(0 as const, 24 as const, 168 as const) }) },
)

const KINDS: CheckpointOptions[] = [
  { kind: 'classic' },
  { kind: 'v2', v2: { format: 'json', sidecars: false } },
  { kind: 'v2', v2: { format: 'parquet', actionsPerSidecar: 2 } },
]

interface Model {
  /** Live file paths of each version. */
  files: string[][]
  /** Commit time of each version. */
  times: number[]
  /** Oldest version cleanup still promises. */
  oldest: number
}

async function checkReadable(t: TestTable, m: Model): Promise<void> {
  for (let v = m.oldest; v < m.files.length; v++) {
    const s = await t.table.snapshot({ version: v })
    assert.deepEqual(s.files().map((a) => a.path).sort(), m.files[v], `version ${v}`)
  }
}

async function run(ops: readonly Op[]): Promise<void> {
  const t = new TestTable(Date.UTC(2024, 0, 1, 12))
  const m: Model = { files: [[]], times: [t.clock], oldest: 0 }
  // V2 checkpoints need the table feature.
  await t.commit([protocolLine(3, 7, ['v2Checkpoint'], ['v2Checkpoint']), metadataLine()])
  let next = 0
  for (const o of ops) {
    const live = m.files[m.files.length - 1]!
    if (o.op === 'commit') {
      t.clock += 1
      const removed = [...new Set(o.removes.filter((i) => i < live.length).map((i) => live[i]!))]
      const added: string[] = []
      for (let i = 0; i < o.adds; i++) {
        const path = `f${next++}.parquet`
        await t.writeFile(path)
        added.push(path)
      }
      await t.commit([...added.map((p) => addLine(p)), ...removed.map((p) => removeLine(p, t.clock))])
      m.files.push([...live.filter((p) => !removed.includes(p)), ...added].sort())
      m.times.push(t.clock)
    } else if (o.op === 'wait') {
      t.clock += o.hours * HOUR
    } else if (o.op === 'checkpoint') {
      await checkpoint(t.table, { ...KINDS[o.kind]!, now: t.clock })
    } else if (o.op === 'cleanup') {
      const r = await cleanupLog(t.table, { now: t.clock, retention: o.days * DAY })
      // The model's cutoff commit: the newest one whose time is not after the cutoff.
      let cutoffCommit = -1
      m.times.forEach((time, v) => {
        if (time <= r.cutoffTimestamp) cutoffCommit = v
      })
      if (r.checkpointVersion !== undefined) {
        assert.ok(r.checkpointVersion <= cutoffCommit, `kept checkpoint ${r.checkpointVersion} is after the cutoff commit ${cutoffCommit}`)
        m.oldest = Math.max(m.oldest, r.checkpointVersion)
      } else {
        assert.deepEqual(r.deleted, [])
      }
      await checkReadable(t, m)
    } else {
      const r = await vacuum(t.table, { now: t.clock, retentionHours: o.hours, force: true })
      const windowStart = t.clock - o.hours * HOUR
      for (let v = 0; v < m.files.length; v++) {
        // Version v was current until commit v+1; it is protected if that was within the window.
        const superseded = m.times[v + 1]
        if (superseded !== undefined && superseded <= windowStart) continue
        for (const path of m.files[v]!) {
          assert.ok(await t.exists(path), `vacuum deleted ${path}, read by version ${v} (current until ${superseded ?? 'now'}); deleted ${r.deleted.join(', ')}`)
        }
      }
    }
  }
  await checkReadable(t, m)
}

test('checkpoints, cleanup and vacuum keep every retained version readable and its files present', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 18 }), (ops) => run(ops)),
    { seed: 42, numRuns: 60 },
  )
})
