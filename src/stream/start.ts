/**
 * Where a streaming read starts: the latest snapshot (its files first, then the commits after
 * it), a version, the first commit at or after a timestamp, or a stored offset.
 *
 * @packageDocumentation
 */
import { InvalidArgumentError, VersionNotFoundError } from '../errors.js'
import type { Metadata } from '../protocol/actions.js'
import type { Snapshot } from '../snapshot.js'
import { type Table, parseTimestampOption } from '../table.js'
import { earliestCommitVersion, listCommitsFrom, readCommit } from './commit-log.js'
import { type StreamOffset, checkOffset, offsetAt } from './offsets.js'

/** Start options of a stream (at most one of them). */
export interface StreamStart {
  /** Resume exactly after this offset (as a previous micro-batch's `endOffset`). */
  readonly offset?: StreamOffset
  /** Read the changes of this commit and later ones (no initial snapshot); `latest`: only commits after the current one. */
  readonly startingVersion?: number | 'latest'
  /** Read the changes of every commit made at or after this instant (no initial snapshot). */
  readonly startingTimestamp?: Date | number | string
}

/** The resolved start: the offset, and the metadata in force before its first unread commit. */
export interface ResolvedStart {
  readonly offset: StreamOffset
  /** Metadata before the first undelivered commit (undefined only when starting at version 0). */
  readonly metadata: Metadata | undefined
  /** The snapshot at the starting version when `offset.isStartingVersion` (its files come first). */
  readonly snapshot: Snapshot | undefined
}

/** The first commit made at or after `timestamp`; the version after the latest if none is. */
export async function versionAtOrAfter(table: Table, timestamp: Date | number | string, signal?: AbortSignal): Promise<number> {
  const ts = parseTimestampOption(timestamp)
  let v: number
  try {
    v = await table.versionAtTimestamp(ts, { signal })
  } catch (e) {
    if (!(e instanceof VersionNotFoundError)) throw e
    // Before the earliest commit still in the log: start from that one.
    const first = await earliestCommitVersion(table.engine, table.root, signal)
    if (first === undefined) throw e
    return first
  }
  const [ref] = await listCommitsFrom(table.engine, table.root, v, { until: v, signal })
  if (!ref) return v + 1
  const entry = await readCommit(table.engine, ref, signal)
  return entry.timestamp >= ts ? v : v + 1
}

/**
 * The metadata in force just before commit `version`: the snapshot at `version - 1`, or at
 * `version` when the earlier one was cleaned up (a schema change in `version` itself then goes
 * unnoticed, which is why the earlier one is tried first).
 */
async function metadataBefore(table: Table, version: number, signal?: AbortSignal): Promise<Metadata | undefined> {
  if (version === 0) return undefined
  try {
    return (await table.snapshot({ version: version - 1, signal })).metadata
  } catch (e) {
    if (!(e instanceof VersionNotFoundError)) throw e
    return (await table.snapshot({ version, signal })).metadata
  }
}

/** Resolves the start options of a stream; throws `InvalidArgumentError` for conflicting ones. */
export async function resolveStart(table: Table, start: StreamStart, signal?: AbortSignal): Promise<ResolvedStart> {
  const given = [start.offset, start.startingVersion, start.startingTimestamp].filter((x) => x !== undefined).length
  if (given > 1) throw new InvalidArgumentError('give at most one of offset, startingVersion and startingTimestamp')
  if (start.offset !== undefined) {
    const offset = checkOffset(start.offset)
    if (offset.isStartingVersion) {
      const snapshot = await table.snapshot({ version: offset.reservoirVersion, signal })
      checkReservoir(table, offset, snapshot.metadata)
      return { offset, metadata: snapshot.metadata, snapshot }
    }
    const metadata = await metadataBefore(table, offset.reservoirVersion, signal)
    if (metadata) checkReservoir(table, offset, metadata)
    return { offset, metadata, snapshot: undefined }
  }
  if (start.startingVersion !== undefined || start.startingTimestamp !== undefined) {
    let version: number
    if (start.startingVersion === 'latest') version = (await table.latestVersion({ signal })) + 1
    else if (start.startingVersion !== undefined) {
      version = start.startingVersion
      if (!Number.isSafeInteger(version) || version < 0) throw new InvalidArgumentError(`startingVersion must be a non-negative integer or 'latest', got ${String(version)}`)
      const latest = await table.latestVersion({ signal })
      if (version > latest + 1) throw new VersionNotFoundError(`${table.root}: startingVersion ${version} is after the latest version ${latest}`)
    } else version = await versionAtOrAfter(table, start.startingTimestamp!, signal)
    const metadata = await metadataBefore(table, version, signal)
    return { offset: offsetAt(version, false, metadata?.id), metadata, snapshot: undefined }
  }
  const snapshot = await table.snapshot({ signal })
  return { offset: offsetAt(snapshot.version, true, snapshot.metadata.id), metadata: snapshot.metadata, snapshot }
}

function checkReservoir(table: Table, offset: StreamOffset, metadata: Metadata): void {
  if (offset.reservoirId !== undefined && offset.reservoirId !== metadata.id) {
    throw new InvalidArgumentError(
      `${table.root}: the offset belongs to table id ${offset.reservoirId}, but this table's id is ${metadata.id}; an offset cannot be resumed on another table`,
    )
  }
}
