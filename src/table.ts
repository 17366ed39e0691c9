/**
 * A Delta table at a location: the entry point for snapshots, history and time travel.
 *
 * @packageDocumentation
 */
import type { Engine } from './engine/engine.js'
import { InvalidArgumentError, VersionNotFoundError, throwIfAborted } from './errors.js'
import { readLogFile } from './log/commit-read.js'
import { type LogFile, logDir, parseLogFile } from './log/log-files.js'
import { buildLogSegment } from './log/log-segment.js'
import type { CommitInfo } from './protocol/actions.js'
import { type Snapshot, inCommitTimestampsEnabled, openSnapshot } from './snapshot.js'

/** Options of {@link Table.snapshot}. */
export interface SnapshotOptions {
  /** Version to load; default the latest. */
  readonly version?: number
  /**
   * Load the latest version committed at or before this instant (a `Date`, ms since the epoch, or
   * an ISO-8601 string). Exclusive with `version`.
   */
  readonly timestamp?: Date | number | string
  /**
   * A snapshot of this table loaded earlier: the new one is built from it, reading only the
   * commits after it, through its engine (see {@link Snapshot.update}). It stays unchanged.
   */
  readonly from?: Snapshot
  readonly signal?: AbortSignal
}

/** One entry of {@link Table.history}. */
export interface HistoryEntry {
  readonly version: number
  /** Commit timestamp in ms (in-commit timestamp when present, else file modification time). */
  readonly timestamp: number
  /** `commitInfo.operation`, when recorded. */
  readonly operation: string | undefined
  readonly commitInfo: CommitInfo | undefined
}

/** Normalises a table location to a URL ending in `/`. */
function normaliseRoot(root: string): string {
  if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(root)) {
    throw new InvalidArgumentError(`table location must be an absolute URL (file:///..., s3://..., memory:///...), got '${root}'`)
  }
  return root.endsWith('/') ? root : `${root}/`
}

/** Parses a timestamp option into ms since the epoch. */
export function parseTimestampOption(ts: Date | number | string): number {
  const ms = ts instanceof Date ? ts.getTime() : typeof ts === 'number' ? ts : Date.parse(ts)
  if (!Number.isFinite(ms)) throw new InvalidArgumentError(`invalid timestamp '${String(ts)}' (expected ISO-8601)`)
  return ms
}

/** A Delta table at a location, read and written through an engine. */
export class Table {
  /** Table root URL, ending in `/`. */
  readonly root: string
  readonly engine: Engine

  private constructor(root: string, engine: Engine) {
    this.root = root
    this.engine = engine
  }

  /** A handle on the table at `root` (an absolute URL). Does no I/O. */
  static open(root: string, engine: Engine): Table {
    return new Table(normaliseRoot(root), engine)
  }

  /** Loads a snapshot: the latest, a version, or the version current at a timestamp. */
  async snapshot(options: SnapshotOptions = {}): Promise<Snapshot> {
    const { signal } = options
    if (options.version !== undefined && options.timestamp !== undefined) {
      throw new InvalidArgumentError('give either version or timestamp, not both')
    }
    let version = options.version
    if (options.timestamp !== undefined) {
      version = await this.versionAtTimestamp(options.timestamp, { signal })
    }
    if (options.from) {
      if (options.from.tableRoot !== this.root) {
        throw new InvalidArgumentError(`snapshot({ from }): the previous snapshot is of ${options.from.tableRoot}, not ${this.root}`)
      }
      return options.from.update({ ...(version !== undefined ? { version } : {}), ...(signal ? { signal } : {}) })
    }
    return openSnapshot(this.engine, this.root, { version, signal })
  }

  /** The latest committed version. */
  async latestVersion(options: { signal?: AbortSignal } = {}): Promise<number> {
    const segment = await buildLogSegment(this.engine, this.root, { signal: options.signal })
    return segment.version
  }

  /** Every commit file in `_delta_log`, ascending. */
  private async listCommits(signal?: AbortSignal): Promise<LogFile[]> {
    const out: LogFile[] = []
    for await (const meta of this.engine.fileSystem.list(logDir(this.root), { signal })) {
      const f = parseLogFile(meta)
      if (f?.kind.type === 'commit') out.push(f)
    }
    return out.sort((a, b) => a.version - b.version)
  }

  /** Reads the commitInfo of one commit file, if it has one. */
  private async commitInfoOf(file: LogFile, signal?: AbortSignal): Promise<CommitInfo | undefined> {
    const actions = await readLogFile(this.engine, file.location, signal, file.size)
    for (const a of actions) if (a.kind === 'commitInfo') return a.commitInfo
    return undefined
  }

  /** Commit history, newest first (at most `limit` entries). */
  async history(options: { limit?: number; signal?: AbortSignal } = {}): Promise<HistoryEntry[]> {
    const { signal } = options
    const commits = await this.listCommits(signal)
    if (commits.length === 0) await this.latestVersion({ signal }) // throws TableNotFoundError
    const limit = options.limit ?? commits.length
    const out: HistoryEntry[] = []
    for (let i = commits.length - 1; i >= 0 && out.length < limit; i--) {
      throwIfAborted(signal)
      const c = commits[i]!
      const info = await this.commitInfoOf(c, signal)
      const ict = info?.inCommitTimestamp
      out.push({
        version: c.version,
        timestamp: typeof ict === 'number' ? ict : c.lastModified,
        operation: typeof info?.operation === 'string' ? info.operation : undefined,
        commitInfo: info,
      })
    }
    return out
  }

  /**
   * The latest version committed at or before `timestamp`. Commit times are file modification
   * times made monotonic (a commit never counts as earlier than its predecessor), or in-commit
   * timestamps for versions after in-commit timestamps were enabled. A timestamp before the first
   * commit throws `VersionNotFoundError`; one after the latest commit gives the latest version.
   */
  async versionAtTimestamp(timestamp: Date | number | string, options: { signal?: AbortSignal } = {}): Promise<number> {
    const { signal } = options
    const ts = parseTimestampOption(timestamp)
    const latest = await this.snapshot({ signal })
    const commits = (await this.listCommits(signal)).filter((c) => c.version <= latest.version)
    if (commits.length === 0) throw new VersionNotFoundError(`${this.root}: no commit files to resolve timestamp ${new Date(ts).toISOString()}`)
    const times = new Map<number, number>()
    let prev = -Infinity
    for (const c of commits) {
      prev = Math.max(c.lastModified, prev + 1)
      times.set(c.version, prev)
    }
    if (inCommitTimestampsEnabled(latest.metadata)) {
      const enabledAt = Number(latest.metadata.configuration['delta.inCommitTimestampEnablementVersion'] ?? 0)
      // In-commit timestamps are monotonic by construction: binary search the enabled range.
      const ictCommits = commits.filter((c) => c.version >= enabledAt)
      const ictOf = async (c: LogFile) => {
        const t = (await this.commitInfoOf(c, signal))?.inCommitTimestamp
        return typeof t === 'number' ? t : times.get(c.version)!
      }
      if (ictCommits.length > 0 && ts >= (await ictOf(ictCommits[0]!))) {
        let lo = 0
        let hi = ictCommits.length - 1
        while (lo < hi) {
          const mid = (lo + hi + 1) >> 1
          if ((await ictOf(ictCommits[mid]!)) <= ts) lo = mid
          else hi = mid - 1
        }
        return ictCommits[lo]!.version
      }
    }
    let found: number | undefined
    for (const c of commits) {
      if (times.get(c.version)! <= ts) found = c.version
      else break
    }
    if (found === undefined) {
      throw new VersionNotFoundError(
        `${this.root}: timestamp ${new Date(ts).toISOString()} is before the earliest available commit (version ${commits[0]!.version} at ${new Date(times.get(commits[0]!.version)!).toISOString()})`,
      )
    }
    return found
  }
}
