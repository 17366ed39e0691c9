/**
 * The public checkpoint API: write a checkpoint of a snapshot (classic, or V2-spec when the table
 * has the `v2Checkpoint` feature), then point `_last_checkpoint` at it.
 *
 * @packageDocumentation
 */
import { InvalidArgumentError, UnsupportedFeatureError, throwIfAborted } from '../errors.js'
import { activeWriterFeatures, tableFeature } from '../protocol/features.js'
import { Snapshot } from '../snapshot.js'
import type { Table } from '../table.js'
import { checkpointContent } from './checkpoint-content.js'
import { type V2CheckpointOptions, type WrittenCheckpoint, writeClassicCheckpoint, writeV2Checkpoint } from './checkpoint-files.js'
import type { CheckpointLayoutOptions } from './checkpoint-write-schema.js'
import { writeLastCheckpoint } from './last-checkpoint-write.js'
import { logDir, padVersion, parseLogFile, type LogFile } from './log-files.js'
import { chooseCheckpoint } from './log-segment.js'

/** Options of {@link checkpoint}. */
export interface CheckpointOptions {
  /** Version to checkpoint when given a `Table`; default the latest. Ignored for a `Snapshot`. */
  readonly version?: number
  /** Clock for tombstone and transaction expiry, ms since the epoch. Default `Date.now()`. */
  readonly now?: number
  /**
   * `classic` writes `N.checkpoint.parquet` (V1 spec); `v2` a UUID-named V2-spec checkpoint.
   * Default: `v2` when the table supports `v2Checkpoint` and `delta.checkpointPolicy` is not
   * `classic`, else `classic`.
   */
  readonly kind?: 'classic' | 'v2'
  /** How to write a V2 checkpoint. */
  readonly v2?: V2CheckpointOptions
  /** Write even if a complete checkpoint of this version already exists. Default false. */
  readonly overwrite?: boolean
  /** Update `_last_checkpoint` afterwards. Default true. */
  readonly updateLastCheckpoint?: boolean
  readonly signal?: AbortSignal
}

/** Outcome of {@link checkpoint}. */
export interface CheckpointResult extends WrittenCheckpoint {
  readonly version: number
  readonly kind: 'classic' | 'v2'
  /** True when a checkpoint of this version already existed and nothing was written. */
  readonly existed: boolean
  /** Whether `_last_checkpoint` now points at this checkpoint. */
  readonly lastCheckpointUpdated: boolean
}

/**
 * A checkpoint must carry every field of every action. Features this kernel knows define fields
 * it writes; an unknown writer feature may have added fields a Parquet checkpoint would drop.
 */
function checkCheckpointSupported(snapshot: Snapshot): void {
  for (const name of activeWriterFeatures(snapshot.protocol, snapshot.metadata)) {
    if (!tableFeature(name)) {
      throw new UnsupportedFeatureError(
        name,
        `${snapshot.tableRoot} version ${snapshot.version}: cannot checkpoint a table with unknown writer feature '${name}'`,
      )
    }
  }
}

/** Whether the table supports the `v2Checkpoint` feature (so UUID-named checkpoints are allowed). */
export function supportsV2Checkpoints(snapshot: Pick<Snapshot, 'protocol'>): boolean {
  return snapshot.protocol.minWriterVersion >= 7 && (snapshot.protocol.writerFeatures ?? []).includes('v2Checkpoint')
}

/** The checkpoint kind a snapshot gets by default. */
export function defaultCheckpointKind(snapshot: Pick<Snapshot, 'protocol' | 'metadata'>): 'classic' | 'v2' {
  return supportsV2Checkpoints(snapshot) && snapshot.metadata.configuration['delta.checkpointPolicy'] !== 'classic' ? 'v2' : 'classic'
}

/**
 * Optional columns of the `add` struct for a snapshot: `clusteringProvider` for clustered tables.
 * `stats` is always written, even with `delta.checkpoint.writeStatsAsJson` = false: that property assumes `stats_parsed` replaces it,
 * which this writer does not produce yet, and dropping both would lose data skipping.
 */
export function checkpointLayout(snapshot: Pick<Snapshot, 'protocol' | 'files'>): CheckpointLayoutOptions {
  const clustered = (snapshot.protocol.writerFeatures ?? []).includes('clustering') || snapshot.files().some((a) => a.clusteringProvider != null)
  return { clusteringProvider: clustered }
}

/** The files of a complete checkpoint of exactly `version`, if one is listed. */
async function existingCheckpoint(snapshot: Snapshot, signal?: AbortSignal): Promise<LogFile[] | undefined> {
  const dir = logDir(snapshot.tableRoot)
  const files: LogFile[] = []
  // `dir + padded(v)` sorts just before every file of version v.
  for await (const meta of snapshot.engine.fileSystem.list(dir, { startAfter: dir + padVersion(snapshot.version), signal })) {
    const f = parseLogFile(meta)
    if (!f) continue
    if (f.version > snapshot.version) break
    files.push(f)
  }
  const cp = chooseCheckpoint(files, snapshot.version)
  return cp?.version === snapshot.version ? [...cp.files] : undefined
}

/**
 * Writes a checkpoint of `target` (a snapshot, or a table's snapshot at `options.version`, default
 * latest) and updates `_last_checkpoint`. Tombstones older than
 * `delta.deletedFileRetentionDuration` are dropped. Returns what was written; if a checkpoint of
 * that version exists already, writes nothing (unless `overwrite`) and reports `existed`.
 */
export async function checkpoint(target: Table | Snapshot, options: CheckpointOptions = {}): Promise<CheckpointResult> {
  const { signal } = options
  const snapshot = target instanceof Snapshot ? target : await target.snapshot({ version: options.version, signal })
  checkCheckpointSupported(snapshot)
  const kind = options.kind ?? defaultCheckpointKind(snapshot)
  if (kind === 'v2' && !supportsV2Checkpoints(snapshot)) {
    // Readers without the feature do not see UUID-named checkpoints, and a cleanup that trusted
    // one would delete commits those readers still need.
    throw new InvalidArgumentError(
      `${snapshot.tableRoot} version ${snapshot.version}: a V2 checkpoint needs the v2Checkpoint table feature, which the table does not support`,
    )
  }
  if (!options.overwrite) {
    const existing = await existingCheckpoint(snapshot, signal)
    if (existing) {
      const size = existing.reduce((n, f) => n + f.size, 0)
      return { version: snapshot.version, kind, existed: true, lastCheckpointUpdated: false, location: existing[0]!.location, sidecars: [], size: 0, sizeInBytes: size, numOfAddFiles: snapshot.numFiles }
    }
  }
  throwIfAborted(signal)
  const content = checkpointContent(snapshot, options.now ?? Date.now())
  const layout = checkpointLayout(snapshot)
  const written =
    kind === 'v2'
      ? await writeV2Checkpoint(snapshot.engine, snapshot.tableRoot, content, layout, options.v2, signal)
      : await writeClassicCheckpoint(snapshot.engine, snapshot.tableRoot, content, layout, signal)
  const lastCheckpointUpdated =
    options.updateLastCheckpoint === false
      ? false
      : await writeLastCheckpoint(
          snapshot.engine,
          snapshot.tableRoot,
          { version: snapshot.version, size: written.size, sizeInBytes: written.sizeInBytes, numOfAddFiles: written.numOfAddFiles },
          { signal },
        )
  return { ...written, version: snapshot.version, kind, existed: false, lastCheckpointUpdated }
}
