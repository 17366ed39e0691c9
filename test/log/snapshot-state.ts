/**
 * Test helper: a snapshot's state as plain, order-free JSON (files, tombstones, protocol,
 * metadata, txns, domains), so two snapshots can be compared with deepEqual. Normalisation is
 * written from the spec here, independently of the checkpoint writer.
 */
import { cpSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Snapshot } from '../../src/snapshot.js'
import type { Add, DeletionVectorDescriptor, Metadata, Protocol, Remove, Txn } from '../../src/protocol/actions.js'

/** Drops null/undefined fields; sorts object keys (stable JSON). */
export function canon(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canon)
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {}
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k]
      if (x !== null && x !== undefined) out[k] = canon(x)
    }
    return out
  }
  return v
}

function dv(d: DeletionVectorDescriptor | null | undefined) {
  return d ? { storageType: d.storageType, pathOrInlineDv: d.pathOrInlineDv, offset: d.offset, sizeInBytes: d.sizeInBytes, cardinality: d.cardinality } : undefined
}

/**
 * The fields of an `add` a checkpoint must keep. `tags` are left out: replay does not read them
 * back from checkpoints (by design), so they are checked in the Parquet itself instead. So is
 * `dataChange`: checkpoints store state, and writers set it false there (checked against Spark's
 * own checkpoints in checkpoint-parquet.test.ts).
 */
export function addState(a: Add): string {
  return JSON.stringify(
    canon({
      path: a.path,
      partitionValues: a.partitionValues,
      size: a.size,
      modificationTime: a.modificationTime,
      stats: a.stats,
      deletionVector: dv(a.deletionVector),
      baseRowId: a.baseRowId,
      defaultRowCommitVersion: a.defaultRowCommitVersion,
      clusteringProvider: a.clusteringProvider,
    }),
  )
}

/** The fields of a tombstone a checkpoint must keep (the spec drops `stats` and `tags`; `dataChange` as above). */
export function removeState(r: Remove): string {
  return JSON.stringify(
    canon({
      path: r.path,
      deletionTimestamp: r.deletionTimestamp,
      extendedFileMetadata: r.extendedFileMetadata,
      partitionValues: r.partitionValues,
      size: r.size,
      deletionVector: dv(r.deletionVector),
      baseRowId: r.baseRowId,
      defaultRowCommitVersion: r.defaultRowCommitVersion,
    }),
  )
}

export function protocolState(p: Protocol): unknown {
  return {
    minReaderVersion: p.minReaderVersion,
    minWriterVersion: p.minWriterVersion,
    readerFeatures: [...(p.readerFeatures ?? [])].sort(),
    writerFeatures: [...(p.writerFeatures ?? [])].sort(),
  }
}

export function metadataState(m: Metadata): unknown {
  return canon({
    id: m.id,
    name: m.name,
    description: m.description,
    provider: m.format.provider,
    options: m.format.options ?? {},
    schemaString: m.schemaString,
    partitionColumns: m.partitionColumns,
    configuration: m.configuration,
    createdTime: m.createdTime,
  })
}

/** The whole comparable state of a snapshot; `keepTombstone` selects the tombstones expected. */
export function snapshotState(
  s: Snapshot,
  keepTombstone: (r: Remove) => boolean = () => true,
  keepTxn: (t: Txn) => boolean = () => true,
) {
  return {
    files: s.files().map(addState).sort(),
    tombstones: s.tombstones().filter(keepTombstone).map(removeState).sort(),
    protocol: protocolState(s.protocol),
    metadata: metadataState(s.metadata),
    txns: s.appTransactions().filter(keepTxn).map((t) => `${t.appId}=${t.version}@${t.lastUpdated ?? ''}`).sort(),
    domains: s.domainMetadataEntries().map((d) => `${d.domain}=${d.configuration}`).sort(),
  }
}

/** Copies a read-only corpus table to a fresh temporary directory; returns the directory. */
export function copyTable(dir: string): string {
  const tmp = mkdtempSync(join(tmpdir(), 'dk-cp-'))
  cpSync(dir, tmp, { recursive: true })
  return tmp
}
