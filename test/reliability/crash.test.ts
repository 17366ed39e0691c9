/**
 * Crash consistency: a writer process stops (a CrashError from the fault-injecting file system)
 * at every point of a write, a commit and a checkpoint. Afterwards the table, reopened from the
 * durable store, must read exactly the batches committed before the crash (a reference list kept
 * by the test), the only residue must be unreferenced files (which vacuum removes), and a retry
 * of the interrupted batch with the same application transaction id must land exactly once.
 */
import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import * as A from 'apache-arrow'
import type { FileSystem } from '../../src/engine/file-system.js'
import { CrashError, type FaultRule, type FaultyFileSystem, withFaults } from '../../src/engines/fault-injection.js'
import { createMemoryFileSystem } from '../../src/engines/memory.js'
import { ConcurrentTransactionError, CorruptCheckpointError, DeltaError, FileNotFoundError } from '../../src/errors.js'
import { checkpoint } from '../../src/log/checkpoint-write.js'
import { maybeCheckpoint } from '../../src/log/checkpoint-hook.js'
import type { StructType } from '../../src/protocol/schema-types.js'
import { Scan } from '../../src/scan/scan.js'
import { Table } from '../../src/table.js'
import { createTable } from '../../src/txn/create-table.js'
import { Transaction } from '../../src/txn/transaction.js'
import { vacuum } from '../../src/txn/vacuum.js'
import { ROOT, describeError, engineOn, reporter } from './helpers.js'

const report = reporter('crash consistency')
after(() => report.print())

const SCHEMA: StructType = {
  type: 'struct',
  fields: [
    { name: 'id', type: { type: 'long' }, nullable: false, metadata: {} },
    { name: 'batch', type: { type: 'string' }, nullable: true, metadata: {} },
  ],
}
const noWait = { sleep: async () => {}, random: () => 0.5 }
const COMMIT = /_delta_log\/\d{20}\.json$/
const DATA = /^memory:\/\/\/t\/[^_][^/]*\.parquet$/

/** Rows of batch `n`: ids n*10 .. n*10+2. */
function batchRows(n: number): number[] {
  return [n * 10, n * 10 + 1, n * 10 + 2]
}

function arrowBatch(n: number): A.RecordBatch {
  const ids = batchRows(n)
  return new A.Table({
    id: A.vectorFromArray(ids.map(BigInt), new A.Int64()),
    batch: A.vectorFromArray(ids.map(() => `b${n}`), new A.Utf8()),
  }).batches[0]!
}

/** The ids a fresh reader sees at the latest (or given) version, sorted. */
async function readIds(fs: FileSystem, version?: number): Promise<number[]> {
  const snapshot = await Table.open(ROOT, engineOn(fs)).snapshot(version === undefined ? {} : { version })
  const ids: number[] = []
  for await (const b of new Scan(snapshot).batches()) {
    const col = b.getChild('id')!
    for (let i = 0; i < b.numRows; i++) ids.push(Number(col.get(i)))
  }
  return ids.sort((a, b) => a - b)
}

const expectedIds = (batches: readonly number[]) => batches.flatMap(batchRows).sort((a, b) => a - b)

/** Appends batch `n` as one commit, recorded as application transaction (`app`, n). */
async function writeBatch(fs: FileSystem, n: number, app = 'ingest'): Promise<number> {
  const table = Table.open(ROOT, engineOn(fs))
  const txn = new Transaction(await table.snapshot(), { retry: noWait })
  txn.setAppTransaction(app, n)
  await txn.append([arrowBatch(n)])
  return (await txn.commit()).version
}

/** A durable store holding a table with batches 1..n committed (versions 1..n). */
async function tableWith(n: number, properties: Record<string, string> = {}, tableFeatures: string[] = []): Promise<FileSystem> {
  const disk = createMemoryFileSystem()
  await createTable(ROOT, engineOn(disk), { schema: SCHEMA, properties, tableFeatures })
  for (let i = 1; i <= n; i++) await writeBatch(disk, i)
  return disk
}

async function keys(fs: FileSystem): Promise<Set<string>> {
  const out = new Set<string>()
  for await (const m of fs.list(ROOT, { recursive: true })) out.add(m.location)
  return out
}

/** Runs `work` in a process whose storage follows `rules`; returns the crash it must end in. */
async function crashingProcess(disk: FileSystem, rules: FaultRule[], work: (fs: FaultyFileSystem) => Promise<unknown>): Promise<CrashError> {
  const fs = withFaults(disk, { rules })
  let error: unknown
  try {
    await work(fs)
  } catch (e) {
    error = e
  }
  const crash = fs.faults.crashed
  assert.ok(crash, `expected the process to crash; it ended with ${error === undefined ? 'success' : describeError(error)}`)
  return crash
}

/** New objects since `before`, relative to the root. */
async function residue(disk: FileSystem, before: Set<string>): Promise<string[]> {
  return [...(await keys(disk))].filter((k) => !before.has(k)).map((k) => k.slice(ROOT.length)).sort()
}

/** Vacuum of everything unreferenced (retention 0, clock an hour ahead); returns what it deleted, relative. */
async function vacuumAll(disk: FileSystem): Promise<string[]> {
  const out = await vacuum(Table.open(ROOT, engineOn(disk)), { retentionHours: 0, force: true, now: Date.now() + 3_600_000 })
  return out.deleted.map((k) => k.slice(ROOT.length)).sort()
}

test('crash after the data files are written, before the commit: last version readable, only orphan data files left, vacuum removes them, retry lands once', async () => {
  const disk = await tableWith(2)
  const before = await keys(disk)
  await crashingProcess(disk, [{ ops: 'putIfAbsent', match: COMMIT, fault: { kind: 'crash', point: 'before commit' } }], (fs) => writeBatch(fs, 3))
  assert.deepEqual(await readIds(disk), expectedIds([1, 2]))
  const left = await residue(disk, before)
  assert.equal(left.length, 1)
  assert.match(left[0]!, /^part-[^/]+\.parquet$/)
  assert.deepEqual(await vacuumAll(disk), left)
  assert.deepEqual(await readIds(disk), expectedIds([1, 2]))
  assert.equal(await writeBatch(disk, 3), 3)
  assert.deepEqual(await readIds(disk), expectedIds([1, 2, 3]))
  report.add('crash', 'after data files, before commit', 'readable at v2, nothing lost; 1 orphan data file, vacuumed; retry committed once')
})

test('crash after the commit landed but before it was acknowledged: the batch is in; a retry with the same app id is refused, not duplicated', async () => {
  const disk = await tableWith(2)
  await crashingProcess(disk, [{ ops: 'putIfAbsent', match: COMMIT, fault: { kind: 'crash', point: 'after commit', when: 'after' } }], (fs) => writeBatch(fs, 3))
  assert.deepEqual(await readIds(disk), expectedIds([1, 2, 3]))
  await assert.rejects(writeBatch(disk, 3), (e: unknown) => e instanceof ConcurrentTransactionError && e.committedAppVersion === 3 && e.appId === 'ingest')
  assert.deepEqual(await readIds(disk), expectedIds([1, 2, 3]))
  assert.equal((await Table.open(ROOT, engineOn(disk)).snapshot()).version, 3)
  report.add('crash', 'commit landed, ack lost (process stopped)', 'readable at v3, nothing lost; same-txn retry refused (ConcurrentTransactionError), table unchanged')
})

test('a data file torn by the crash (store without atomic puts) is an unreferenced orphan', async () => {
  const disk = await tableWith(1)
  const before = await keys(disk)
  await crashingProcess(disk, [{ ops: 'put', match: DATA, fault: { kind: 'tear', point: 'mid data file' } }], (fs) => writeBatch(fs, 2))
  assert.deepEqual(await readIds(disk), expectedIds([1]))
  const left = await residue(disk, before)
  assert.equal(left.length, 1)
  assert.deepEqual(await vacuumAll(disk), left)
  assert.equal(await writeBatch(disk, 2), 2)
  assert.deepEqual(await readIds(disk), expectedIds([1, 2]))
  report.add('crash', 'torn data file write', 'readable at v1, nothing lost; torn orphan vacuumed; retry committed once')
})

test('a commit put that lands but reports an I/O error is recognised on retry and committed once', async () => {
  const disk = await tableWith(1)
  const fs = withFaults(disk, { rules: [{ ops: 'putIfAbsent', match: COMMIT, nth: 1, fault: { kind: 'fail', when: 'after' } }] })
  assert.equal(await writeBatch(fs, 2), 2)
  assert.deepEqual(await readIds(disk), expectedIds([1, 2]))
  assert.equal((await Table.open(ROOT, engineOn(disk)).latestVersion()), 2)
  report.add('fault', 'commit put lands, then StorageError', 'retry found its own txnId: committed once at v2')
})

test('storage errors on the data file writes fail the transaction before anything is committed', async () => {
  const disk = await tableWith(1)
  const fs = withFaults(disk, { rules: [{ ops: 'put', match: DATA, fault: { kind: 'fail' } }] })
  await assert.rejects(writeBatch(fs, 2), (e: unknown) => e instanceof DeltaError && e.code === 'STORAGE_ERROR')
  assert.deepEqual(await readIds(disk), expectedIds([1]))
  assert.equal(await Table.open(ROOT, engineOn(disk)).latestVersion(), 1)
  report.add('fault', 'data file put fails', 'StorageError (STORAGE_ERROR) before commit; table unchanged at v1')
})

test('crash between the commit and its checkpoint: readable from the commits; a later checkpoint succeeds', async () => {
  const disk = await tableWith(1, { 'delta.checkpointInterval': '2' })
  const before = await keys(disk)
  await crashingProcess(disk, [{ ops: 'put', match: /\.checkpoint\./, fault: { kind: 'crash', point: 'before checkpoint' } }], async (fs) => {
    const version = await writeBatch(fs, 2)
    const hook = await maybeCheckpoint(Table.open(ROOT, engineOn(fs)), version)
    assert.equal(hook.status, 'failed')
  })
  assert.deepEqual(await readIds(disk), expectedIds([1, 2]))
  const left = await residue(disk, before)
  assert.ok(left.every((k) => /^_delta_log\/\d{20}\.json$/.test(k) || /^part-/.test(k)), left.join())
  assert.equal((await Table.open(ROOT, engineOn(disk)).snapshot()).logSegment.checkpoint, undefined)
  const written = await maybeCheckpoint(Table.open(ROOT, engineOn(disk)), 2)
  assert.equal(written.status, 'written')
  assert.deepEqual(await readIds(disk), expectedIds([1, 2]))
  assert.equal((await Table.open(ROOT, engineOn(disk)).snapshot()).logSegment.checkpoint?.version, 2)
  report.add('crash', 'between commit and checkpoint', 'readable at v2 from commits, nothing lost; next checkpoint written')
})

test('crash halfway through a V2 checkpoint (sidecar written, checkpoint file not): readable; the sidecar is the only residue', async () => {
  const disk = await tableWith(3, {}, ['v2Checkpoint'])
  const before = await keys(disk)
  await crashingProcess(disk, [{ ops: 'put', match: /_delta_log\/\d{20}\.checkpoint\.[0-9a-f-]+\.parquet$/, fault: { kind: 'crash', point: 'v2 checkpoint file' } }], (fs) =>
    checkpoint(Table.open(ROOT, engineOn(fs)), { kind: 'v2' }),
  )
  assert.deepEqual(await readIds(disk), expectedIds([1, 2, 3]))
  const left = await residue(disk, before)
  assert.equal(left.length, 1)
  assert.match(left[0]!, /^_delta_log\/_sidecars\/[0-9a-f-]+\.parquet$/)
  assert.deepEqual(await vacuumAll(disk), [], 'vacuum never touches _delta_log')
  report.add('crash', 'mid V2 checkpoint (after sidecar)', 'readable at v3, nothing lost; orphan sidecar (metadata cleanup removes it)')
})

test('crash after the checkpoint, before _last_checkpoint: readable, and the new checkpoint is found by listing', async () => {
  const disk = await tableWith(2)
  await checkpoint(Table.open(ROOT, engineOn(disk)), { version: 1 })
  await crashingProcess(disk, [{ ops: 'put', match: /_last_checkpoint$/, fault: { kind: 'crash', point: 'before _last_checkpoint' } }], (fs) =>
    checkpoint(Table.open(ROOT, engineOn(fs))),
  )
  const snapshot = await Table.open(ROOT, engineOn(disk)).snapshot()
  assert.equal(snapshot.logSegment.checkpoint?.version, 2)
  assert.deepEqual(await readIds(disk), expectedIds([1, 2]))
  report.add('crash', 'after checkpoint, before _last_checkpoint (stale hint)', 'readable at v2 from the new checkpoint, nothing lost')
})

test('a torn _last_checkpoint is ignored as a hint; the table reads correctly', async () => {
  const disk = await tableWith(2)
  await crashingProcess(disk, [{ ops: 'put', match: /_last_checkpoint$/, fault: { kind: 'tear', keep: 9, point: 'mid _last_checkpoint' } }], (fs) =>
    checkpoint(Table.open(ROOT, engineOn(fs))),
  )
  assert.equal(new TextDecoder().decode(await disk.read(`${ROOT}_delta_log/_last_checkpoint`)), '{"version')
  assert.deepEqual(await readIds(disk), expectedIds([1, 2]))
  assert.equal((await Table.open(ROOT, engineOn(disk)).snapshot()).logSegment.checkpoint?.version, 2)
  report.add('crash', 'torn _last_checkpoint', 'hint ignored; readable at v2, nothing lost')
})

test('reordered writes: _last_checkpoint durable, checkpoint lost in the crash: the lying hint is ignored', async () => {
  const disk = await tableWith(2)
  await crashingProcess(
    disk,
    [
      { ops: 'put', match: /\.checkpoint\.parquet$/, fault: { kind: 'hold' } },
      { ops: 'put', match: /_last_checkpoint$/, fault: { kind: 'crash', point: 'after _last_checkpoint', when: 'after' } },
    ],
    (fs) => checkpoint(Table.open(ROOT, engineOn(fs))),
  )
  assert.match(new TextDecoder().decode(await disk.read(`${ROOT}_delta_log/_last_checkpoint`)), /"version":2/)
  const snapshot = await Table.open(ROOT, engineOn(disk)).snapshot()
  assert.equal(snapshot.logSegment.checkpoint, undefined)
  assert.deepEqual(await readIds(disk), expectedIds([1, 2]))
  report.add('crash', 'reordered: _last_checkpoint durable, checkpoint lost', 'hint lies; listing used; readable at v2, nothing lost')
})

test('a torn checkpoint (store without atomic puts) is skipped: the latest version reads from the commits, older versions too', async () => {
  const disk = await tableWith(2)
  await crashingProcess(disk, [{ ops: 'put', match: /\.checkpoint\.parquet$/, fault: { kind: 'tear', point: 'mid checkpoint' } }], (fs) =>
    checkpoint(Table.open(ROOT, engineOn(fs))),
  )
  assert.deepEqual(await readIds(disk), expectedIds([1, 2]))
  assert.deepEqual(await readIds(disk, 1), expectedIds([1]))
  report.add('crash', 'torn checkpoint parquet (non-atomic store)', 'readable, nothing lost (the torn checkpoint is skipped)')
})

test('reordered writes: commit durable, its data files lost in the crash: reads fail typed, never return partial rows', async () => {
  const disk = await tableWith(1)
  await crashingProcess(
    disk,
    [
      { ops: 'put', match: DATA, fault: { kind: 'hold' } },
      { ops: 'putIfAbsent', match: COMMIT, fault: { kind: 'crash', point: 'after commit, data not durable', when: 'after' } },
    ],
    (fs) => writeBatch(fs, 2),
  )
  await assert.rejects(readIds(disk), FileNotFoundError)
  assert.deepEqual(await readIds(disk, 1), expectedIds([1]))
  report.add('crash', 'reordered: commit durable, data files lost', 'latest: FileNotFoundError (FILE_NOT_FOUND), no partial rows; v1 readable')
})

test('a retried batch commits exactly once whatever the crash point', async () => {
  const points: { name: string; rule: FaultRule }[] = [
    { name: 'data file put', rule: { ops: 'put', match: DATA, fault: { kind: 'crash', point: 'data' } } },
    { name: 'commit put (before)', rule: { ops: 'putIfAbsent', match: COMMIT, fault: { kind: 'crash', point: 'commit' } } },
    { name: 'commit put (after)', rule: { ops: 'putIfAbsent', match: COMMIT, fault: { kind: 'crash', point: 'commit', when: 'after' } } },
    { name: 'snapshot listing', rule: { ops: 'list', fault: { kind: 'crash', point: 'list' } } },
  ]
  for (const { name, rule } of points) {
    const disk = await tableWith(1)
    await crashingProcess(disk, [rule], (fs) => writeBatch(fs, 2))
    // The retry protocol of an idempotent writer: skip a batch the table already has.
    const snapshot = await Table.open(ROOT, engineOn(disk)).snapshot()
    if ((snapshot.appTransactionVersion('ingest') ?? -1) < 2) await writeBatch(disk, 2)
    assert.deepEqual(await readIds(disk), expectedIds([1, 2]), name)
    assert.equal((await Table.open(ROOT, engineOn(disk)).snapshot()).appTransactionVersion('ingest'), 2)
    report.add('retry', `crash at ${name}, then retry same appId/version`, 'batch present exactly once')
  }
})

test('a writer whose listing lags behind its own writes reads a consistent older version and rebases over what it could not see', async () => {
  const disk = await tableWith(1)
  // An eventually consistent store: keys this process writes stay out of its listings for a while.
  const lagging = withFaults(disk, { listLag: { calls: 1000 } })
  assert.equal(await writeBatch(lagging, 2), 2)
  const seen = await Table.open(ROOT, engineOn(lagging)).snapshot()
  assert.equal(seen.version, 1, 'the listing does not show version 2 yet')
  assert.deepEqual(await readIds(lagging), expectedIds([1]))
  // Committing from the stale view: put-if-absent of version 2 finds it taken, the winner is read
  // (reads are consistent) and rebased over, and the commit lands at version 3.
  const txn = new Transaction(seen, { retry: noWait })
  txn.setAppTransaction('backfill', 1)
  await txn.append([arrowBatch(3)])
  const out = await txn.commit()
  assert.deepEqual([out.version, out.conflictsRetried], [3, 1])
  assert.deepEqual(await readIds(disk), expectedIds([1, 2, 3]))
  report.add('fault', 'eventually consistent listing (own writes unlisted)', 'stale reader saw consistent v1; writer rebased over unseen v2, committed v3; nothing lost or doubled')
})
