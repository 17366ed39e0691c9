/**
 * The columns replay reads from checkpoint and sidecar Parquet files (PROTOCOL.md "Checkpoint
 * Schema"). Only the leaves replay needs are requested, so a Parquet engine decodes nothing else
 * (notably not `stats_parsed`, `tags` or `commitInfo`).
 *
 * @packageDocumentation
 */
import type { DataType, StructField, StructType } from '../protocol/schema-types.js'

const f = (name: string, type: DataType, nullable = true): StructField => ({ name, type, nullable, metadata: {} })
const struct = (...fields: StructField[]): StructType => ({ type: 'struct', fields })
const STRING: DataType = { type: 'string' }
const LONG: DataType = { type: 'long' }
const INT: DataType = { type: 'integer' }
const BOOL: DataType = { type: 'boolean' }
const STRING_MAP: DataType = { type: 'map', keyType: STRING, valueType: STRING, valueContainsNull: true }
const STRING_ARRAY: DataType = { type: 'array', elementType: STRING, containsNull: true }

const DV = struct(
  f('storageType', STRING),
  f('pathOrInlineDv', STRING),
  f('offset', INT),
  f('sizeInBytes', INT),
  f('cardinality', LONG),
)

/** `add` columns replay needs. */
export const CHECKPOINT_ADD = struct(
  f('path', STRING),
  f('partitionValues', STRING_MAP),
  f('size', LONG),
  f('modificationTime', LONG),
  f('dataChange', BOOL),
  f('stats', STRING),
  f('deletionVector', DV),
  f('baseRowId', LONG),
  f('defaultRowCommitVersion', LONG),
  f('clusteringProvider', STRING),
)

/** `remove` columns replay needs (tombstones, for vacuum). */
export const CHECKPOINT_REMOVE = struct(
  f('path', STRING),
  f('deletionTimestamp', LONG),
  f('dataChange', BOOL),
  f('extendedFileMetadata', BOOL),
  f('partitionValues', STRING_MAP),
  f('size', LONG),
  f('deletionVector', DV),
)

/** Non-file actions of a checkpoint (few rows; read in full). */
export const CHECKPOINT_NON_FILE = struct(
  f(
    'metaData',
    struct(
      f('id', STRING),
      f('name', STRING),
      f('description', STRING),
      f('format', struct(f('provider', STRING), f('options', STRING_MAP))),
      f('schemaString', STRING),
      f('partitionColumns', STRING_ARRAY),
      f('createdTime', LONG),
      f('configuration', STRING_MAP),
    ),
  ),
  f(
    'protocol',
    struct(
      f('minReaderVersion', INT),
      f('minWriterVersion', INT),
      f('readerFeatures', STRING_ARRAY),
      f('writerFeatures', STRING_ARRAY),
    ),
  ),
  f('txn', struct(f('appId', STRING), f('version', LONG), f('lastUpdated', LONG))),
  f('domainMetadata', struct(f('domain', STRING), f('configuration', STRING), f('removed', BOOL))),
  f('checkpointMetadata', struct(f('version', LONG), f('tags', STRING_MAP))),
  f('sidecar', struct(f('path', STRING), f('sizeInBytes', LONG), f('modificationTime', LONG), f('tags', STRING_MAP))),
)

/** Everything replay reads from a checkpoint file, in one request. */
export const CHECKPOINT_READ_SCHEMA: StructType = struct(
  f('add', CHECKPOINT_ADD),
  f('remove', CHECKPOINT_REMOVE),
  ...CHECKPOINT_NON_FILE.fields,
)

/** What replay reads from a sidecar (only file actions live there). */
export const SIDECAR_READ_SCHEMA: StructType = struct(f('add', CHECKPOINT_ADD), f('remove', CHECKPOINT_REMOVE))
