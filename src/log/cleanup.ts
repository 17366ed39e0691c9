/**
 * Metadata cleanup (PROTOCOL.md "Metadata Cleanup"): delete commits, checkpoints, checksum and
 * compaction files that are older than `delta.logRetentionDuration`, keeping the table readable at
 * every version it still promises. The newest checkpoint at or before the retention cutoff stays,
 * with its own commit file and every commit after it; everything before it goes. Sidecars no
 * remaining checkpoint references are deleted once they are more than a day old.
 *
 * @packageDocumentation
 */
import type { Engine } from '../engine/engine.js'
import { throwIfAborted } from '../errors.js'
import type { Table } from '../table.js'
import { readLogFile } from './commit-read.js'
import { type LogFile, logDir, parseLogFile } from './log-files.js'
import { supportsV2Checkpoints } from './checkpoint-write.js'
import { chooseCheckpoint } from './log-segment.js'
import { DAY_MS, logRetentionMs } from './retention.js'
import { referencedSidecars } from './sidecar-refs.js'

/** Options of {@link cleanupLog}. */
export interface CleanupOptions {
  /** Clock, ms since the epoch. Default `Date.now()`. */
  readonly now?: number
  /** Retention in ms; default the table's `delta.logRetentionDuration` (30 days). */
  readonly retention?: number
  /** Round the cutoff down to midnight UTC, as the spec describes. Default true. */
  readonly truncateToDay?: boolean
  /** Only report what would be deleted. */
  readonly dryRun?: boolean
  readonly signal?: AbortSignal
}

/** Outcome of {@link cleanupLog}. */
export interface CleanupResult {
  /** The cutoff instant, ms since the epoch. */
  readonly cutoffTimestamp: number
  /** The checkpoint kept as the oldest start of replay; undefined when nothing could be cleaned. */
  readonly checkpointVersion: number | undefined
  /** Deleted (or, with `dryRun`, deletable) locations, in deletion order. */
  readonly deleted: readonly string[]
}

/** Every `_delta_log` entry, classified, ascending by version. */
async function listLogFiles(engine: Engine, tableRoot: string, signal?: AbortSignal): Promise<LogFile[]> {
  const out: LogFile[] = []
  for await (const meta of engine.fileSystem.list(logDir(tableRoot), { signal })) {
    const f = parseLogFile(meta)
    if (f) out.push(f)
  }
  return out.sort((a, b) => a.version - b.version)
}

/** The in-commit timestamp of a commit file, if it has one. */
async function ictOf(engine: Engine, commit: LogFile, signal?: AbortSignal): Promise<number | undefined> {
  const info = (await readLogFile(engine, commit.location, signal)).find((a) => a.kind === 'commitInfo')
  const ict = info?.kind === 'commitInfo' ? info.commitInfo.inCommitTimestamp : undefined
  return typeof ict === 'number' ? ict : undefined
}

/**
 * The newest commit whose timestamp is at or before `cutoff`. Timestamps are in-commit
 * timestamps from the enablement version on (monotonic by the spec, so a binary search reads
 * O(log n) commits), and file modification times before it, made monotonic so clock skew cannot
 * make an older commit look newer than the cutoff while a later one looks older.
 */
async function cutoffCommit(
  engine: Engine,
  commits: readonly LogFile[],
  cutoff: number,
  ictFrom: number | undefined,
  signal?: AbortSignal,
): Promise<number | undefined> {
  const ict = ictFrom === undefined ? [] : commits.filter((c) => c.version >= ictFrom)
  if (ict.length > 0 && ((await ictOf(engine, ict[0]!, signal)) ?? Infinity) <= cutoff) {
    let lo = 0
    let hi = ict.length - 1
    while (lo < hi) {
      throwIfAborted(signal)
      const mid = (lo + hi + 1) >> 1
      if (((await ictOf(engine, ict[mid]!, signal)) ?? Infinity) <= cutoff) lo = mid
      else hi = mid - 1
    }
    return ict[lo]!.version
  }
  let found: number | undefined
  let prev = -Infinity
  for (const c of commits) {
    if (ictFrom !== undefined && c.version >= ictFrom) break
    prev = Math.max(c.lastModified, prev + 1)
    if (prev > cutoff) break
    found = c.version
  }
  return found
}

/**
 * Deletes expired log files of `table`. Throws only for I/O failures and aborts; with nothing to
 * clean (no checkpoint at or before the cutoff) it deletes nothing.
 */
export async function cleanupLog(table: Table, options: CleanupOptions = {}): Promise<CleanupResult> {
  const { signal } = options
  const engine = table.engine
  const now = options.now ?? Date.now()
  const snapshot = await table.snapshot({ signal })
  const retention = options.retention ?? logRetentionMs(snapshot.metadata)
  let cutoffTimestamp = now - retention
  if (options.truncateToDay !== false) cutoffTimestamp = Math.floor(cutoffTimestamp / DAY_MS) * DAY_MS
  const files = (await listLogFiles(engine, table.root, signal)).filter((f) => f.version <= snapshot.version)
  const commits = files.filter((f) => f.kind.type === 'commit')
  const conf = snapshot.metadata.configuration
  const ictFrom = conf['delta.enableInCommitTimestamps'] === 'true' ? Number(conf['delta.inCommitTimestampEnablementVersion'] ?? 0) : undefined
  const cutoffVersion = await cutoffCommit(engine, commits, cutoffTimestamp, ictFrom, signal)
  const none: CleanupResult = { cutoffTimestamp, checkpointVersion: undefined, deleted: [] }
  if (cutoffVersion === undefined) return none
  // On a table without v2Checkpoint, readers ignore UUID-named checkpoints: one must not be the
  // only way left to reconstruct a version.
  const v2 = supportsV2Checkpoints(snapshot)
  const usable = files.filter((f) => v2 || f.kind.type !== 'checkpoint' || f.kind.layout !== 'uuid')
  const cp = chooseCheckpoint(usable, cutoffVersion)
  if (!cp) return none
  // Everything older is about to depend on this checkpoint: prove it reads before deleting.
  await table.snapshot({ version: cp.version, signal })
  const doomed = files.filter((f) => {
    if (f.kind.type === 'compaction') return f.version <= cp.version
    return f.version < cp.version && (f.kind.type === 'commit' || f.kind.type === 'checkpoint' || f.kind.type === 'crc')
  })
  const deleted: string[] = []
  // Oldest first: an interrupted cleanup leaves a contiguous, still readable suffix of the log.
  for (const f of doomed) {
    throwIfAborted(signal)
    if (!options.dryRun) await engine.fileSystem.delete(f.location, { signal })
    deleted.push(f.location)
  }
  const kept = files.filter((f) => f.kind.type === 'checkpoint' && f.version >= cp.version)
  for (const loc of await unreferencedSidecars(engine, table.root, kept, now, signal)) {
    if (!options.dryRun) await engine.fileSystem.delete(loc, { signal })
    deleted.push(loc)
  }
  return { cutoffTimestamp, checkpointVersion: cp.version, deleted }
}

/** Sidecars older than a day (as of midnight UTC) that no remaining checkpoint references. */
async function unreferencedSidecars(
  engine: Engine,
  tableRoot: string,
  checkpoints: readonly LogFile[],
  now: number,
  signal?: AbortSignal,
): Promise<string[]> {
  const dir = `${logDir(tableRoot)}_sidecars/`
  const listed = []
  for await (const meta of engine.fileSystem.list(dir, { signal })) listed.push(meta)
  if (listed.length === 0) return []
  // A sidecar written today may belong to a checkpoint still being written.
  const keepAfter = Math.floor(now / DAY_MS) * DAY_MS - DAY_MS
  const old = listed.filter((m) => m.lastModified < keepAfter)
  if (old.length === 0) return []
  const referenced = await referencedSidecars(engine, tableRoot, checkpoints, signal)
  return old.filter((m) => !referenced.has(m.location)).map((m) => m.location)
}
