/**
 * The log segment of a snapshot: the newest complete checkpoint at or below the requested version
 * plus every commit after it, with no gaps. Constructing one checks those invariants, so replay
 * never has to.
 *
 * I/O budget: one read of `_last_checkpoint` and one listing of `_delta_log` starting at the
 * hinted checkpoint; a second, full listing only when the hint is stale, lies, or is newer than
 * the requested version.
 *
 * @packageDocumentation
 */
import type { Engine } from '../engine/engine.js'
import { LogGapError, TableNotFoundError, VersionNotFoundError, throwIfAborted } from '../errors.js'
import { readLastCheckpoint } from './last-checkpoint.js'
import { type LogFile, logDir, padVersion, parseLogFile } from './log-files.js'

/** A complete checkpoint: one classic or UUID file, or every part of a multi-part set. */
export interface CheckpointFiles {
  readonly version: number
  readonly files: readonly LogFile[]
}

/** The files that reconstruct one version of a table. */
export interface LogSegment {
  readonly tableRoot: string
  /** The version this segment reconstructs. */
  readonly version: number
  /** The checkpoint replay starts from, if any. */
  readonly checkpoint?: CheckpointFiles
  /** Commit files after the checkpoint (or from version 0), ascending and contiguous. */
  readonly commits: readonly LogFile[]
  /** Every commit file the listing saw (any version), ascending; used for history and time travel. */
  readonly listedCommits: readonly LogFile[]
}

/** Lists and classifies `_delta_log` entries, optionally only those after a version's files. */
async function listLog(engine: Engine, tableRoot: string, fromVersion: number | undefined, signal?: AbortSignal) {
  const dir = logDir(tableRoot)
  // `dir + padded(v)` sorts before every file of version v, so they are all included.
  const startAfter = fromVersion !== undefined && fromVersion > 0 ? dir + padVersion(fromVersion) : undefined
  const files: LogFile[] = []
  for await (const meta of engine.fileSystem.list(dir, { startAfter, signal })) {
    const f = parseLogFile(meta)
    if (f) files.push(f)
  }
  files.sort((a, b) => a.version - b.version)
  return files
}

/** Picks the newest complete checkpoint with version <= `max` from listed files. */
export function chooseCheckpoint(files: readonly LogFile[], max: number): CheckpointFiles | undefined {
  const byVersion = new Map<number, LogFile[]>()
  for (const f of files) {
    if (f.kind.type !== 'checkpoint' || f.version > max) continue
    let list = byVersion.get(f.version)
    if (!list) byVersion.set(f.version, (list = []))
    list.push(f)
  }
  const versions = [...byVersion.keys()].sort((a, b) => b - a)
  for (const v of versions) {
    const list = byVersion.get(v)!
    const single = list.find((f) => f.kind.type === 'checkpoint' && f.kind.layout !== 'multipart')
    // Prefer a classic file, then a UUID-named one (deterministic when several writers raced).
    const classic = list.find((f) => f.kind.type === 'checkpoint' && f.kind.layout === 'classic')
    if (classic) return { version: v, files: [classic] }
    if (single) {
      const uuids = list.filter((f) => f.kind.type === 'checkpoint' && f.kind.layout === 'uuid')
      uuids.sort((a, b) => (a.location < b.location ? -1 : 1))
      return { version: v, files: [uuids[0]!] }
    }
    // Multi-part: a set is complete when parts 1..n of the same n are all present.
    const sets = new Map<number, Map<number, LogFile>>()
    for (const f of list) {
      if (f.kind.type !== 'checkpoint' || f.kind.layout !== 'multipart') continue
      let set = sets.get(f.kind.parts)
      if (!set) sets.set(f.kind.parts, (set = new Map()))
      set.set(f.kind.part, f)
    }
    for (const [parts, set] of [...sets].sort((a, b) => b[0] - a[0])) {
      if (set.size === parts) {
        return { version: v, files: [...set.keys()].sort((a, b) => a - b).map((part) => set.get(part)!) }
      }
    }
  }
  return undefined
}

/** Options of {@link buildLogSegment}. */
export interface LogSegmentOptions {
  /** Version to reconstruct; default the latest. */
  readonly version?: number
  /**
   * Use no checkpoint newer than this version (and ignore `_last_checkpoint`): the way back when
   * a newer checkpoint turned out to be unreadable.
   */
  readonly maxCheckpointVersion?: number
  readonly signal?: AbortSignal
}

/**
 * Builds the log segment for `options.version` (default: latest). Throws `TableNotFoundError`
 * when `_delta_log` holds no log files, `VersionNotFoundError` when the version does not exist or
 * can no longer be reconstructed, `LogGapError` when commits are missing.
 */
export async function buildLogSegment(engine: Engine, tableRoot: string, options: LogSegmentOptions = {}): Promise<LogSegment> {
  const { signal, version: target, maxCheckpointVersion } = options
  throwIfAborted(signal)
  if (target !== undefined && (!Number.isSafeInteger(target) || target < 0)) {
    throw new VersionNotFoundError(`${tableRoot}: invalid version ${target}`)
  }
  const hint = maxCheckpointVersion === undefined ? await readLastCheckpoint(engine, tableRoot, signal) : undefined
  let files: LogFile[] | undefined
  if (hint && (target === undefined || hint.version <= target)) {
    files = await listLog(engine, tableRoot, hint.version, signal)
    // A stale or lying hint: no complete checkpoint at the hinted version. List everything.
    const cp = chooseCheckpoint(files, target ?? Number.MAX_SAFE_INTEGER)
    if (!cp || cp.version < hint.version) files = undefined
  }
  files ??= await listLog(engine, tableRoot, undefined, signal)
  return segmentFromFiles(tableRoot, files, target, maxCheckpointVersion)
}

/** Builds a segment from an already classified listing (pure; exported for tests). */
export function segmentFromFiles(tableRoot: string, files: readonly LogFile[], target?: number, maxCheckpointVersion?: number): LogSegment {
  const commits = files.filter((f) => f.kind.type === 'commit')
  const checkpoints = files.filter((f) => f.kind.type === 'checkpoint')
  if (commits.length === 0 && checkpoints.length === 0) {
    throw new TableNotFoundError(`${tableRoot}: not a Delta table (no commits in ${logDir(tableRoot)})`)
  }
  const latest = Math.max(
    commits.length ? commits[commits.length - 1]!.version : -1,
    ...checkpoints.map((c) => c.version),
  )
  const version = target ?? latest
  if (version > latest) {
    throw new VersionNotFoundError(`${tableRoot}: version ${version} does not exist; the latest version is ${latest}`)
  }
  const checkpoint = chooseCheckpoint(files, Math.min(version, maxCheckpointVersion ?? version))
  const start = checkpoint ? checkpoint.version + 1 : 0
  const needed = commits.filter((c) => c.version >= start && c.version <= version)
  let expect = start
  for (const c of needed) {
    if (c.version !== expect) {
      if (c.version < expect) continue // duplicate listing entry
      throw new LogGapError(
        `${tableRoot}: the log has a gap: version ${expect} is missing before ${c.version} (reconstructing version ${version})`,
      )
    }
    expect++
  }
  if (expect !== version + 1) {
    if (!checkpoint && commits.length > 0 && commits[0]!.version > 0 && version < commits[0]!.version) {
      throw new VersionNotFoundError(
        `${tableRoot}: version ${version} can no longer be reconstructed: the oldest commit is ${commits[0]!.version} and there is no checkpoint at or before ${version}`,
      )
    }
    throw new LogGapError(`${tableRoot}: commit ${expect} is missing (reconstructing version ${version}, ${checkpoint ? `from checkpoint ${checkpoint.version}` : 'no checkpoint'})`)
  }
  const dedup = needed.filter((c, i) => i === 0 || needed[i - 1]!.version !== c.version)
  return { tableRoot, version, checkpoint, commits: dedup, listedCommits: commits }
}

/** What {@link refreshLogSegment} found after a previous segment. */
export type SegmentRefresh =
  /** No version after the previous one (only when no target version was asked for). */
  | { readonly kind: 'unchanged' }
  /**
   * The commits after the previous version up to the target, contiguous. `segment` describes the
   * target from the newest complete checkpoint; `extended` from the previous segment's checkpoint
   * plus every commit since (what incremental replay actually reads). `reload` is set when reading
   * the newer checkpoint of `segment` looks cheaper than replaying `newCommits`.
   */
  | {
      readonly kind: 'replay'
      readonly segment: LogSegment
      readonly extended: LogSegment
      readonly newCommits: readonly LogFile[]
      readonly reload: boolean
    }
  /** The listing cannot extend the previous segment (commits missing): build one from scratch. */
  | { readonly kind: 'rebuild' }

/**
 * How much more a byte of checkpoint costs to load than a byte of JSON commit: Parquet is
 * compressed (several times fewer bytes per action) and decoded column by column. A guess, used
 * only to choose between two correct ways to reach the same state.
 */
const CHECKPOINT_BYTE_COST = 4

const bytesOf = (files: readonly LogFile[]) => files.reduce((n, f) => n + f.size, 0)

/**
 * Lists `_delta_log` after `previous.version` only (one listing request, no `_last_checkpoint`
 * read) and says how to reach `options.version` (default: the latest) from `previous`. A newer
 * checkpoint is used only when loading it looks cheaper than replaying the new commits (see
 * {@link CHECKPOINT_BYTE_COST}); for the few commits between two refreshes it never is. Throws
 * `VersionNotFoundError` for a target beyond the latest version.
 */
export async function refreshLogSegment(engine: Engine, previous: LogSegment, options: { version?: number; signal?: AbortSignal } = {}): Promise<SegmentRefresh> {
  const { tableRoot } = previous
  const files = await listLog(engine, tableRoot, previous.version + 1, options.signal)
  const listed = files.filter((f) => f.kind.type === 'commit' && f.version > previous.version)
  const latest = files.reduce((v, f) => (f.kind.type === 'commit' || f.kind.type === 'checkpoint' ? Math.max(v, f.version) : v), previous.version)
  const target = options.version ?? latest
  if (target > latest) throw new VersionNotFoundError(`${tableRoot}: version ${target} does not exist; the latest version is ${latest}`)
  if (target === previous.version) return { kind: 'unchanged' }
  const newCommits: LogFile[] = []
  let expect = previous.version + 1
  for (const c of listed) {
    if (c.version > target) break
    if (c.version < expect) continue // duplicate listing entry
    if (c.version > expect) return { kind: 'rebuild' } // a gap
    newCommits.push(c)
    expect++
  }
  if (expect !== target + 1) return { kind: 'rebuild' }
  const extended: LogSegment = {
    tableRoot,
    version: target,
    ...(previous.checkpoint ? { checkpoint: previous.checkpoint } : {}),
    commits: [...previous.commits, ...newCommits],
    listedCommits: [...previous.listedCommits, ...listed],
  }
  const checkpoint = chooseCheckpoint(files, target)
  if (!checkpoint || checkpoint.version <= previous.version) return { kind: 'replay', segment: extended, extended, newCommits, reload: false }
  // A newer checkpoint: the segment is described from it, so it stays short on a long-lived refresh chain.
  const after = newCommits.filter((c) => c.version > checkpoint.version)
  const segment: LogSegment = { tableRoot, version: target, checkpoint, commits: after, listedCommits: listed }
  const reload = bytesOf(checkpoint.files) * CHECKPOINT_BYTE_COST + bytesOf(after) < bytesOf(newCommits)
  return { kind: 'replay', segment, extended, newCommits, reload }
}
