/**
 * The Parquet layout of the checkpoints this kernel writes (PROTOCOL.md "Checkpoint Schema"),
 * laid out like Spark's: the same top-level columns in the same order, the same nested field
 * names and types, every field nullable. Readers match columns by name, so the order is only for
 * tools that compare files; the names and types are what matter.
 *
 * @packageDocumentation
 */
import type { DataType, StructField, StructType } from '../protocol/schema-types.js'
import { BOOL, INT, LONG, STRING, STRING_ARRAY, STRING_MAP, field as f, struct } from '../protocol/schema-builders.js'


/** Deletion vector descriptor; `maxRowIndex` is Spark's extra field, written as null. */
export const DV_WRITE = struct(
  f('storageType', STRING),
  f('pathOrInlineDv', STRING),
  f('offset', INT),
  f('sizeInBytes', INT),
  f('cardinality', LONG),
  f('maxRowIndex', LONG),
)

/** Options that add optional columns to the `add` struct. */
export interface CheckpointLayoutOptions {
  /** Add `add.clusteringProvider` (clustered tables). */
  readonly clusteringProvider?: boolean
  /** Struct of typed partition values (`delta.checkpoint.writeStatsAsStruct` on a partitioned table). */
  readonly partitionValuesParsed?: StructType
  /** Struct of typed statistics (`delta.checkpoint.writeStatsAsStruct`). */
  readonly statsParsed?: StructType
  /** Leave out `add.stats` (`delta.checkpoint.writeStatsAsJson` = false). */
  readonly omitStatsJson?: boolean
}

/** The `add` struct of a checkpoint or sidecar. */
export function addWriteType(options: CheckpointLayoutOptions = {}): StructType {
  return struct(
    f('path', STRING),
    f('partitionValues', STRING_MAP),
    f('size', LONG),
    f('modificationTime', LONG),
    f('dataChange', BOOL),
    f('tags', STRING_MAP),
    f('deletionVector', DV_WRITE),
    f('baseRowId', LONG),
    f('defaultRowCommitVersion', LONG),
    // Spark 3.x writes stats after the row-tracking fields (golden `checkpoint` table).
    ...(options.omitStatsJson ? [] : [f('stats', STRING)]),
    ...(options.clusteringProvider ? [f('clusteringProvider', STRING)] : []),
    ...(options.partitionValuesParsed ? [f('partitionValues_parsed', options.partitionValuesParsed)] : []),
    ...(options.statsParsed ? [f('stats_parsed', options.statsParsed)] : []),
  )
}

/** The `remove` struct: tombstones carry no `stats` or `tags` in checkpoints (the spec's rule). */
export const REMOVE_WRITE = struct(
  f('path', STRING),
  f('deletionTimestamp', LONG),
  f('dataChange', BOOL),
  f('extendedFileMetadata', BOOL),
  f('partitionValues', STRING_MAP),
  f('size', LONG),
  f('deletionVector', DV_WRITE),
  f('baseRowId', LONG),
  f('defaultRowCommitVersion', LONG),
)

const TXN_WRITE = struct(f('appId', STRING), f('version', LONG), f('lastUpdated', LONG))

const METADATA_WRITE = struct(
  f('id', STRING),
  f('name', STRING),
  f('description', STRING),
  f('format', struct(f('provider', STRING), f('options', STRING_MAP))),
  f('schemaString', STRING),
  f('partitionColumns', STRING_ARRAY),
  f('configuration', STRING_MAP),
  f('createdTime', LONG),
)

const PROTOCOL_WRITE = struct(
  f('minReaderVersion', INT),
  f('minWriterVersion', INT),
  f('readerFeatures', STRING_ARRAY),
  f('writerFeatures', STRING_ARRAY),
)

const DOMAIN_WRITE = struct(f('domain', STRING), f('configuration', STRING), f('removed', BOOL))

const CHECKPOINT_METADATA_WRITE = struct(f('version', LONG), f('tags', STRING_MAP))

const SIDECAR_WRITE = struct(f('path', STRING), f('sizeInBytes', LONG), f('modificationTime', LONG), f('tags', STRING_MAP))

/**
 * The schema of a checkpoint file. `v2` adds the `checkpointMetadata` and `sidecar` columns of a
 * V2-spec checkpoint; without sidecars the file actions stay in the file itself.
 */
export function checkpointWriteSchema(options: CheckpointLayoutOptions & { readonly v2?: boolean } = {}): StructType {
  return struct(
    f('txn', TXN_WRITE),
    f('add', addWriteType(options)),
    f('remove', REMOVE_WRITE),
    f('metaData', METADATA_WRITE),
    f('protocol', PROTOCOL_WRITE),
    f('domainMetadata', DOMAIN_WRITE),
    ...(options.v2 ? [f('checkpointMetadata', CHECKPOINT_METADATA_WRITE), f('sidecar', SIDECAR_WRITE)] : []),
  )
}

/** The schema of a sidecar file: file actions only. */
export function sidecarWriteSchema(options: CheckpointLayoutOptions = {}): StructType {
  return struct(f('add', addWriteType(options)), f('remove', REMOVE_WRITE))
}
