/**
 * Reading commits in version order for streaming reads and the change data feed: which commit
 * files exist from a version on (one listing, starting after the last version already known),
 * and each commit's actions with its timestamp.
 *
 * @packageDocumentation
 */
import type { Engine } from '../engine/engine.js'
import { LogGapError, VersionNotFoundError } from '../errors.js'
import { readLogFile } from '../log/commit-read.js'
import { type LogFile, commitFileName, logDir, parseLogFile } from '../log/log-files.js'
import type { Action, CommitInfo } from '../protocol/actions.js'

/** One commit file as listed. */
export interface CommitRef {
  readonly version: number
  readonly location: string
  readonly size: number
  /** Modification time of the commit file, ms since the epoch. */
  readonly lastModified: number
}

/** One commit, read. */
export interface CommitEntry extends CommitRef {
  readonly actions: readonly Action[]
  readonly commitInfo: CommitInfo | undefined
  /**
   * Commit timestamp in ms: the in-commit timestamp when the commit has one, else the commit
   * file's modification time (PROTOCOL.md "Reader Requirements for AddCDCFile", `_commit_timestamp`).
   */
  readonly timestamp: number
}

/**
 * Commit files with versions `from` and later, ascending and gap-free (up to `until` when given).
 * Lists only entries after `from - 1` (one request on object stores). Throws `LogGapError` when a
 * later commit exists but one in between is missing, and `VersionNotFoundError` when the log has
 * commits after `from` but not `from` itself (cleaned up): the caller's position is gone.
 */
export async function listCommitsFrom(
  engine: Engine,
  tableRoot: string,
  from: number,
  options: { until?: number; signal?: AbortSignal } = {},
): Promise<CommitRef[]> {
  const dir = logDir(tableRoot)
  const startAfter = from > 0 ? dir + commitFileName(from - 1) : undefined
  const found: LogFile[] = []
  for await (const meta of engine.fileSystem.list(dir, { signal: options.signal, ...(startAfter ? { startAfter } : {}) })) {
    const f = parseLogFile(meta)
    if (!f || f.kind.type !== 'commit' || f.version < from) continue
    if (options.until !== undefined && f.version > options.until) break
    found.push(f)
  }
  found.sort((a, b) => a.version - b.version)
  const out: CommitRef[] = []
  for (const f of found) {
    const expected = from + out.length
    if (f.version !== expected) {
      if (out.length === 0) {
        throw new VersionNotFoundError(
          `${tableRoot}: commit ${from} is no longer in the log (the earliest commit after it is ${f.version}); it was cleaned up or never written, so the stream cannot resume exactly there`,
        )
      }
      throw new LogGapError(`${tableRoot}: the log has commit ${f.version} but not ${expected}`)
    }
    out.push({ version: f.version, location: f.location, size: f.size, lastModified: f.lastModified })
  }
  return out
}

/** Reads one listed commit with its timestamp. */
export async function readCommit(engine: Engine, ref: CommitRef, signal?: AbortSignal): Promise<CommitEntry> {
  const actions = await readLogFile(engine, ref.location, signal, ref.size)
  let commitInfo: CommitInfo | undefined
  for (const a of actions) if (a.kind === 'commitInfo') commitInfo = a.commitInfo
  const ict = commitInfo?.inCommitTimestamp
  const timestamp = typeof ict === 'number' && Number.isSafeInteger(ict) ? ict : ref.lastModified
  return { ...ref, actions, commitInfo, timestamp }
}

/** The oldest commit version still in the log, or undefined when there is none. */
export async function earliestCommitVersion(engine: Engine, tableRoot: string, signal?: AbortSignal): Promise<number | undefined> {
  let min: number | undefined
  for await (const meta of engine.fileSystem.list(logDir(tableRoot), { signal })) {
    const f = parseLogFile(meta)
    if (f?.kind.type === 'commit' && (min === undefined || f.version < min)) min = f.version
  }
  return min
}
