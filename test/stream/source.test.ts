/**
 * The streaming source: starting points, micro-batch limits, offsets that resume exactly (also
 * after checkpoints and log cleanup), the change policies of Spark's Delta source, schema
 * changes, and tail mode. Expected deliveries are computed from what the test wrote.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import * as fc from 'fast-check'
import { SchemaChangedError, StreamDataChangedError, VersionNotFoundError } from '../../src/errors.js'
import { checkpoint } from '../../src/log/checkpoint-write.js'
import { cleanupLog } from '../../src/log/cleanup.js'
import { type MicroBatch } from '../../src/stream/micro-batch.js'
import { parseOffset, serializeOffset, type StreamOffset } from '../../src/stream/offsets.js'
import { type StreamOptions, streamChanges } from '../../src/stream/source.js'
import type { Table } from '../../src/table.js'
import { Transaction } from '../../src/txn/transaction.js'
import { EVENTS, append, events, eventsTable } from './fixtures.js'

async function drain(table: Table, options: StreamOptions = {}, maxBatches = Infinity): Promise<MicroBatch[]> {
  const out: MicroBatch[] = []
  if (maxBatches === 0) return out
  for await (const b of streamChanges(table, options)) {
    out.push(b)
    if (out.length >= maxBatches) break
  }
  return out
}

/** Rows of batches as `device:seq`, in delivery order. */
async function rowsOf(batches: readonly MicroBatch[]): Promise<string[]> {
  const out: string[] = []
  for (const mb of batches) {
    for await (const b of mb.batches()) {
      for (let i = 0; i < b.numRows; i++) out.push(`${b.getChild('device')!.get(i)}:${b.getChild('seq')!.get(i)}`)
    }
  }
  return out
}

const keys = (evs: readonly { device: string; seq: number }[]) => evs.map((e) => `${e.device}:${e.seq}`)

test('starts with the snapshot files (modificationTime, path order), then the commits after it', async () => {
  const table = await eventsTable()
  await append(table, events('a', 0, 2))
  await append(table, events('b', 0, 2), events('c', 0, 1))
  const first = await drain(table)
  assert.equal(first.length, 1)
  assert.deepEqual(first[0]!.files.map((f) => [f.version, f.index, f.isStartingVersion]), [[2, 0, true], [2, 1, true], [2, 2, true]])
  assert.deepEqual((await rowsOf(first)).slice(0, 2), ['a:0', 'a:1'])
  assert.deepEqual(first[0]!.endOffset, { sourceVersion: 1, reservoirId: (await table.snapshot()).metadata.id, reservoirVersion: 3, index: -1, isStartingVersion: false })
  await append(table, events('d', 0, 3))
  const next = await drain(table, { offset: first[0]!.endOffset })
  assert.deepEqual(await rowsOf(next), ['d:0', 'd:1', 'd:2'])
  assert.deepEqual(next[0]!.files.map((f) => [f.version, f.index, f.isStartingVersion]), [[3, 0, false]])
})

test('maxFilesPerTrigger and maxBytesPerTrigger cut batches inside versions; offsets point at the last file', async () => {
  const table = await eventsTable()
  await append(table, events('a', 0, 1), events('b', 0, 1), events('c', 0, 1))
  await append(table, events('d', 0, 1), events('e', 0, 1))
  const batches = await drain(table, { startingVersion: 0, maxFilesPerTrigger: 2 })
  assert.deepEqual(batches.map((b) => b.files.map((f) => `${f.version}/${f.index}`)), [['1/0', '1/1'], ['1/2', '2/0'], ['2/1']])
  assert.deepEqual(batches.map((b) => [b.endOffset.reservoirVersion, b.endOffset.index]), [[1, 1], [2, 0], [3, -1]])
  const size = batches[0]!.files[0]!.add.size
  const byBytes = await drain(table, { startingVersion: 1, maxBytesPerTrigger: size + 1 })
  assert.ok(byBytes.every((b) => b.files.length === 1), 'one file of ~size bytes per batch')
  assert.equal(byBytes.length, 5)
  const tiny = await drain(table, { startingVersion: 1, maxBytesPerTrigger: 1 })
  assert.equal(tiny.length, 5, 'a batch always takes at least one file')
})

test('offsets survive JSON and resume exactly: every file once, in order, whatever the stops (property)', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 5 }),
      fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 6 }),
      fc.integer({ min: 1, max: 4 }),
      fc.boolean(),
      async (commits, stops, maxFiles, fromSnapshot) => {
        const table = await eventsTable()
        const written: string[] = []
        let seq = 0
        const writeCommit = async (sizes: readonly number[]) => {
          const groups = sizes.map((n) => events(`d${seq}`, seq++, n))
          await append(table, ...groups)
          for (const g of groups) written.push(...keys(g))
        }
        // Half the commits exist before the stream starts, the rest arrive between its runs.
        const before = commits.slice(0, Math.ceil(commits.length / 2))
        const after = commits.slice(before.length)
        for (const c of before) await writeCommit(c)
        let offset: StreamOffset | undefined
        const delivered: string[] = []
        for (let i = 0; i < stops.length; i++) {
          const opts: StreamOptions = offset ? { offset: parseOffset(serializeOffset(offset)) } : fromSnapshot ? {} : { startingVersion: 0 }
          const batches = await drain(table, { ...opts, maxFilesPerTrigger: maxFiles }, stops[i]!)
          delivered.push(...(await rowsOf(batches)))
          if (batches.length > 0) offset = batches[batches.length - 1]!.endOffset
          else if (!offset) offset = undefined
          if (after[i]) await writeCommit(after[i]!)
        }
        for (const c of after.slice(stops.length)) await writeCommit(c)
        const rest = await drain(table, { ...(offset ? { offset } : fromSnapshot ? {} : { startingVersion: 0 }), maxFilesPerTrigger: maxFiles })
        delivered.push(...(await rowsOf(rest)))
        if (offset || !fromSnapshot) assert.deepEqual(delivered, written)
        else assert.deepEqual([...delivered].sort(), [...written].sort())
      },
    ),
    { seed: 42, numRuns: 25 },
  )
})

test('resumes across checkpoints and log cleanup; a position that was cleaned up fails clearly', async () => {
  const table = await eventsTable({ properties: { 'delta.checkpointInterval': '1000' } })
  for (let i = 0; i < 4; i++) await append(table, events('a', i * 10, 2))
  // A consumer mid-way through the starting snapshot (version 4), and one caught up to it.
  const [mid] = await drain(table, { maxFilesPerTrigger: 2 }, 1)
  assert.deepEqual([mid!.endOffset.reservoirVersion, mid!.endOffset.index, mid!.endOffset.isStartingVersion], [4, 1, true])
  const all = await drain(table)
  const caughtUp = all[all.length - 1]!.endOffset
  for (let i = 4; i < 6; i++) await append(table, events('a', i * 10, 2))
  await checkpoint(table, { version: 4 })
  const cleaned = await cleanupLog(table, { now: Date.UTC(2100, 0, 1), retention: 0, truncateToDay: false })
  assert.equal(cleaned.checkpointVersion, 4)
  await assert.rejects(table.snapshot({ version: 3 }), VersionNotFoundError)
  const fromMid = await rowsOf(await drain(table, { offset: mid!.endOffset }))
  assert.deepEqual(fromMid, ['a:20', 'a:21', 'a:30', 'a:31', 'a:40', 'a:41', 'a:50', 'a:51'])
  assert.deepEqual(await rowsOf(await drain(table, { offset: caughtUp })), ['a:40', 'a:41', 'a:50', 'a:51'])
  // A consumer still at version 2 lost its position: commits 2 and 3 are gone.
  const stale: StreamOffset = { ...caughtUp, reservoirVersion: 2 }
  await assert.rejects(drain(table, { offset: stale }), VersionNotFoundError)
})

test('commits that remove data: fail by default, ignoreDeletes, ignoreChanges, skipChangeCommits (Spark semantics)', async () => {
  const table = await eventsTable()
  await append(table, events('a', 0, 2)) // v1
  await append(table, events('b', 0, 2)) // v2
  const txn = new Transaction(await table.snapshot())
  await txn.delete({ rows: (b) => Uint8Array.from({ length: b.numRows }, (_, i) => (b.getChild('device')!.get(i) === 'b' ? 1 : 0)) })
  await txn.commit() // v3: removes b's file (delete only)
  await append(table, events('c', 0, 1)) // v4
  const upd = new Transaction(await table.snapshot())
  await upd.delete({ rows: (b) => Uint8Array.from({ length: b.numRows }, (_, i) => (b.getChild('seq')!.get(i) === 1n ? 1 : 0)) })
  await upd.commit() // v5: rewrites a's file without a:1 (remove + add)
  await append(table, events('d', 0, 1)) // v6
  const from1 = { startingVersion: 1 } as const
  await assert.rejects(drain(table, from1), (e: unknown) => e instanceof StreamDataChangedError && e.version === 3 && e.change === 'delete')
  await assert.rejects(drain(table, { ...from1, ignoreDeletes: true }), (e: unknown) => e instanceof StreamDataChangedError && e.version === 5 && e.change === 'update')
  assert.deepEqual(await rowsOf(await drain(table, { ...from1, skipChangeCommits: true })), ['a:0', 'a:1', 'b:0', 'b:1', 'c:0', 'd:0'])
  assert.deepEqual(await rowsOf(await drain(table, { ...from1, ignoreChanges: true })), ['a:0', 'a:1', 'b:0', 'b:1', 'c:0', 'a:0', 'd:0'])
  // Everything before the failing commit is delivered first, with its offset.
  const got: MicroBatch[] = []
  await assert.rejects(async () => {
    for await (const b of streamChanges(table, from1)) got.push(b)
  }, StreamDataChangedError)
  assert.deepEqual(await rowsOf(got), ['a:0', 'a:1', 'b:0', 'b:1'])
  assert.deepEqual([got[got.length - 1]!.endOffset.reservoirVersion, got[got.length - 1]!.endOffset.index], [3, -1])
})

test('schema changes: fail after delivering what came before, or split batches and report the change', async () => {
  const table = await eventsTable()
  await append(table, events('a', 0, 1)) // v1
  const txn = new Transaction(await table.snapshot())
  const wider = { ...EVENTS, fields: [...EVENTS.fields, { name: 'note', type: { type: 'string' as const }, nullable: true, metadata: {} }] }
  txn.setMetadata({ schema: wider })
  await txn.commit() // v2
  await append(table, events('b', 0, 1)) // v3
  const got: MicroBatch[] = []
  await assert.rejects(async () => {
    for await (const b of streamChanges(table, { startingVersion: 1 })) got.push(b)
  }, (e: unknown) => e instanceof SchemaChangedError && e.version === 2)
  assert.deepEqual(await rowsOf(got), ['a:0'])
  const split = await drain(table, { startingVersion: 1, schemaChanges: 'split' })
  assert.equal(split.length, 2)
  assert.equal(split[0]!.schemaChange, undefined)
  assert.equal(split[1]!.schemaChange?.version, 2)
  assert.deepEqual(split[1]!.schema.fields.map((f) => f.name), ['device', 'seq', 'value', 'note'])
  // Restarting from the last offset (just before the change) reads on with the new schema.
  const resumed = await drain(table, { offset: got[0]!.endOffset })
  assert.deepEqual(await rowsOf(resumed), ['b:0'])
  assert.deepEqual(resumed[0]!.schema.fields.map((f) => f.name), ['device', 'seq', 'value', 'note'])
})

test('startingVersion latest, startingTimestamp, and tail mode until aborted', async () => {
  const table = await eventsTable()
  await append(table, events('a', 0, 1)) // v1 at t0+2s (creation took t0+1s)
  const v2 = await append(table, events('b', 0, 1))
  assert.deepEqual(await rowsOf(await drain(table, { startingVersion: 'latest' })), [])
  const history = await table.history()
  const t2 = history.find((h) => h.version === v2)!.timestamp
  assert.deepEqual(await rowsOf(await drain(table, { startingTimestamp: t2 })), ['b:0'])
  assert.deepEqual(await rowsOf(await drain(table, { startingTimestamp: t2 - 1 })), ['b:0'])
  assert.deepEqual(await rowsOf(await drain(table, { startingTimestamp: 0 })), ['a:0', 'b:0'])

  const controller = new AbortController()
  const seen: string[] = []
  let polls = 0
  const sleep = async (ms: number) => {
    polls++
    // While the stream waits, another writer commits; after three new commits, stop the stream.
    if (polls <= 3) await append(table, events('t', polls, 1))
    else controller.abort()
    await new Promise((r) => setTimeout(r, Math.min(ms, 1)))
  }
  for await (const mb of streamChanges(table, { startingVersion: 'latest', tail: true, signal: controller.signal, sleep })) {
    seen.push(...(await rowsOf([mb])))
  }
  assert.deepEqual(seen, ['t:1', 't:2', 't:3'])
})
