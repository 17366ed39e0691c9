/**
 * What a checkpoint of a snapshot holds (PROTOCOL.md "Checkpoints", writer requirements): the
 * protocol, the metadata, live `txn`s and domains, every live `add`, and the `remove` tombstones
 * that have not expired. Pure: the caller passes the clock.
 *
 * @packageDocumentation
 */
import type { Add, DomainMetadata, Metadata, Protocol, Remove, Txn } from '../protocol/actions.js'
import { deletedFileRetentionMs, setTransactionRetentionMs } from './retention.js'

/** The state a snapshot exposes that a checkpoint needs (a `Snapshot` satisfies it). */
export interface CheckpointSource {
  readonly version: number
  readonly protocol: Protocol
  readonly metadata: Metadata
  files(): readonly Add[]
  tombstones(): readonly Remove[]
  appTransactions(): readonly Txn[]
  domainMetadataEntries(): readonly DomainMetadata[]
}

/** The actions of one checkpoint, grouped by kind. */
export interface CheckpointContent {
  readonly version: number
  readonly protocol: Protocol
  readonly metadata: Metadata
  readonly txns: readonly Txn[]
  readonly domains: readonly DomainMetadata[]
  readonly adds: readonly Add[]
  readonly removes: readonly Remove[]
}

/**
 * The protocol as a checkpoint must store it: `readerFeatures` present (possibly empty) exactly
 * when the reader version is 3, `writerFeatures` exactly when the writer version is 7.
 */
export function checkpointProtocol(p: Protocol): Protocol {
  return {
    minReaderVersion: p.minReaderVersion,
    minWriterVersion: p.minWriterVersion,
    ...(p.minReaderVersion >= 3 ? { readerFeatures: [...(p.readerFeatures ?? [])] } : {}),
    ...(p.minWriterVersion >= 7 ? { writerFeatures: [...(p.writerFeatures ?? [])] } : {}),
  }
}

/**
 * A tombstone as a checkpoint stores it: no `stats` and no `tags` (only vacuum reads it), and
 * `dataChange` false, as Spark and delta-rs write every checkpointed file action: a checkpoint
 * is state, not a change.
 */
export function checkpointRemove(r: Remove): Remove {
  const { stats: _stats, tags: _tags, ...rest } = r
  return { ...rest, dataChange: false }
}

/** An `add` as a checkpoint stores it: unchanged but for `dataChange` false (see above). */
export function checkpointAdd(a: Add): Add {
  return a.dataChange ? { ...a, dataChange: false } : a
}

/**
 * Whether a tombstone is still within `delta.deletedFileRetentionDuration` at `now`. A missing
 * deletion timestamp counts as 0 (expired), as the reference implementation reads it.
 */
export function tombstoneLive(r: Remove, now: number, retentionMs: number): boolean {
  return (r.deletionTimestamp ?? 0) > now - retentionMs
}

/** Selects the checkpoint's actions from a snapshot at time `now` (ms since the epoch). */
export function checkpointContent(source: CheckpointSource, now: number): CheckpointContent {
  const retention = deletedFileRetentionMs(source.metadata)
  const txnRetention = setTransactionRetentionMs(source.metadata)
  const txns = source
    .appTransactions()
    .filter((t) => txnRetention === undefined || t.lastUpdated == null || t.lastUpdated > now - txnRetention)
  return {
    version: source.version,
    protocol: checkpointProtocol(source.protocol),
    metadata: source.metadata,
    txns,
    domains: source.domainMetadataEntries().filter((d) => !d.removed),
    adds: source.files().map(checkpointAdd),
    removes: source.tombstones().filter((r) => tombstoneLive(r, now, retention)).map(checkpointRemove),
  }
}

/** Number of actions (checkpoint rows) the content makes, without sidecar or header rows. */
export function actionCount(c: CheckpointContent): number {
  return 2 + c.txns.length + c.domains.length + c.adds.length + c.removes.length
}
