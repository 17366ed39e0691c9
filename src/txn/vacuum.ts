/**
 * VACUUM: delete data files (and deletion-vector files) that the latest snapshot no longer
 * references and no unexpired tombstone protects, once they are older than the retention period.
 *
 * Safety rules, each of which a bug here would turn into data loss:
 * - A file is a candidate only if it is older than the retention cutoff by its own modification
 *   time, so files of in-flight writes (not yet committed) are never touched.
 * - Retention below `delta.deletedFileRetentionDuration` is refused unless forced: readers of
 *   older snapshots, and concurrent writers, rely on it.
 * - Hidden directories and files (`_`/`.` prefixes) are skipped, except `_change_data` and
 *   partition directories, as the spec and the reference implementation do; `_delta_log` is
 *   never listed into.
 * - Locations are compared after percent-decoding each segment, so two spellings of one name
 *   cannot make a live file look unreferenced.
 *
 * @packageDocumentation
 */
import { InvalidArgumentError, throwIfAborted } from '../errors.js'
import type { Add, Remove } from '../protocol/actions.js'
import { dvAbsolutePath } from '../protocol/deletion-vector.js'
import { checkWriteSupported } from '../protocol/features.js'
import { resolveTablePath } from '../protocol/paths.js'
import { deletedFileRetentionMs } from '../log/retention.js'
import type { Snapshot } from '../snapshot.js'
import type { Table } from '../table.js'

/** Options of {@link vacuum}. */
export interface VacuumOptions {
  /** Keep files deleted less than this many hours ago. Default the table's retention (168 h). */
  readonly retentionHours?: number
  /** Only report what would be deleted. */
  readonly dryRun?: boolean
  /** Allow a retention shorter than `delta.deletedFileRetentionDuration`. */
  readonly force?: boolean
  /** Clock, ms since the epoch. Default `Date.now()`. */
  readonly now?: number
  readonly signal?: AbortSignal
}

/** Outcome of {@link vacuum}. */
export interface VacuumResult {
  /** The version whose state decided what is referenced. */
  readonly version: number
  /** Deleted (or, with `dryRun`, deletable) locations, ascending. */
  readonly deleted: readonly string[]
  readonly dryRun: boolean
  /** Files modified before this instant (ms) were old enough to delete. */
  readonly cutoffTimestamp: number
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

/** A location relative to the root, each segment decoded: the identity vacuum compares. */
function fileKey(root: string, location: string): string | undefined {
  if (!location.startsWith(root)) return undefined
  return location.slice(root.length).split('/').map(decodeSegment).join('/')
}

/**
 * Whether a directory or file name is hidden from vacuum: `_`/`.` prefixes, except change data
 * and partition directories (`col=value`), which can start with `_` when the column does.
 */
function isHidden(name: string, partitionColumns: readonly string[]): boolean {
  if (!name.startsWith('_') && !name.startsWith('.')) return false
  if (name.startsWith('_change_data')) return false
  return !partitionColumns.some((c) => name.startsWith(`${c}=`))
}

/** Keys of every file the snapshot still needs: live files, their DVs, and unexpired tombstones'. */
function referencedKeys(snapshot: Snapshot, cutoff: number): Set<string> {
  const root = snapshot.tableRoot
  const keys = new Set<string>()
  const addFile = (a: Add | Remove) => {
    const k = fileKey(root, resolveTablePath(root, a.path, { allowAbsolutePaths: true }))
    if (k !== undefined) keys.add(k)
    if (a.deletionVector && a.deletionVector.storageType !== 'i') {
      const dk = fileKey(root, dvAbsolutePath(a.deletionVector, root, { allowAbsolutePaths: true }))
      if (dk !== undefined) keys.add(dk)
    }
  }
  for (const a of snapshot.files()) addFile(a)
  for (const r of snapshot.tombstones()) if ((r.deletionTimestamp ?? 0) > cutoff) addFile(r)
  return keys
}

/** Refuses to vacuum a table whose protocol this kernel may not act on. */
function checkVacuumAllowed(snapshot: Snapshot): void {
  const p = snapshot.protocol
  const features = [...(p.readerFeatures ?? []), ...(p.writerFeatures ?? [])]
  // vacuumProtocolCheck: vacuum must pass the writer gate, not only the reader gate (the
  // snapshot load already passed that), so a feature that stores files vacuum does not know
  // about stops it.
  if (features.includes('vacuumProtocolCheck')) {
    checkWriteSupported(p, snapshot.metadata, `${snapshot.tableRoot} version ${snapshot.version} (vacuum)`)
  }
}

/**
 * Deletes unreferenced files of `table` older than the retention. Returns the deleted locations.
 * Throws `InvalidArgumentError` for a retention below the table's minimum without `force`, and
 * `UnsupportedFeatureError` when `vacuumProtocolCheck` is on and the table's writer features are
 * not supported.
 */
export async function vacuum(table: Table, options: VacuumOptions = {}): Promise<VacuumResult> {
  const { signal } = options
  const now = options.now ?? Date.now()
  const snapshot = await table.snapshot({ signal })
  checkVacuumAllowed(snapshot)
  const minimum = deletedFileRetentionMs(snapshot.metadata)
  if (options.retentionHours !== undefined && (!Number.isFinite(options.retentionHours) || options.retentionHours < 0)) {
    throw new InvalidArgumentError(`vacuum: retentionHours must be a non-negative number, got ${options.retentionHours}`)
  }
  const retention = options.retentionHours !== undefined ? options.retentionHours * 3_600_000 : minimum
  if (retention < minimum && !options.force) {
    throw new InvalidArgumentError(
      `vacuum of ${table.root}: retention of ${retention / 3_600_000} hours is below the table's delta.deletedFileRetentionDuration of ${minimum / 3_600_000} hours; readers of older versions and concurrent writers could lose files (pass force to override)`,
    )
  }
  const cutoff = now - retention
  const keep = referencedKeys(snapshot, cutoff)
  const partitionColumns = snapshot.partitionColumns
  const candidates: string[] = []
  for await (const meta of table.engine.fileSystem.list(table.root, { recursive: true, signal })) {
    const key = fileKey(table.root, meta.location)
    if (key === undefined) continue
    const segments = key.split('/')
    if (segments[0] === '_delta_log' || segments.some((s) => isHidden(s, partitionColumns))) continue
    if (keep.has(key) || meta.lastModified >= cutoff) continue
    candidates.push(meta.location)
  }
  candidates.sort()
  if (!options.dryRun) {
    for (const loc of candidates) {
      throwIfAborted(signal)
      await table.engine.fileSystem.delete(loc, { signal })
    }
  }
  return { version: snapshot.version, deleted: candidates, dryRun: options.dryRun === true, cutoffTimestamp: cutoff }
}
