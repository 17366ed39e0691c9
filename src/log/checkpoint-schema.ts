/**
 * The columns replay reads from checkpoint and sidecar Parquet files (PROTOCOL.md "Checkpoint
 * Schema"). Only the leaves replay needs are requested, so a Parquet engine decodes nothing else
 * (notably not `commitInfo`; `stats_parsed` only when a file has no JSON stats).
 *
 * @packageDocumentation
 */
import type { DataType, StructField, StructType } from '../protocol/schema-types.js'
import { BOOL, INT, LONG, STRING, STRING_ARRAY, STRING_MAP, field as f, struct } from '../protocol/schema-builders.js'

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
  f('tags', STRING_MAP),
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

/** Leaf types Delta collects min/max statistics for. */
function hasMinMax(t: DataType): boolean {
  return ['byte', 'short', 'integer', 'long', 'float', 'double', 'decimal', 'string', 'date', 'timestamp', 'timestamp_ntz'].includes(t.type)
}

/** The min/max (or, with `counts`, null-count) struct of a physical data schema; undefined when empty. */
function statsStruct(s: StructType, counts: boolean): StructType | undefined {
  const fields: StructField[] = []
  for (const field of s.fields) {
    if (field.type.type === 'struct') {
      const inner = statsStruct(field.type, counts)
      if (inner) fields.push(f(field.name, inner))
    } else if (hasMinMax(field.type)) {
      fields.push(f(field.name, counts ? LONG : field.type))
    }
  }
  return fields.length ? struct(...fields) : undefined
}

/**
 * The `add.stats_parsed` struct for a table's physical data columns (PROTOCOL.md "Checkpoint
 * Schema": numRecords, minValues, maxValues, nullCount, tightBounds). Undefined when the table has
 * no column with statistics.
 */
export function statsParsedType(physicalDataSchema: StructType): StructType | undefined {
  const minMax = statsStruct(physicalDataSchema, false)
  const counts = statsStruct(physicalDataSchema, true)
  if (!minMax || !counts) return undefined
  return struct(f('numRecords', LONG), f('minValues', minMax), f('maxValues', minMax), f('nullCount', counts), f('tightBounds', BOOL))
}

/** {@link CHECKPOINT_ADD} with `stats_parsed` of the given type. */
export function checkpointAddWithParsedStats(statsParsed: StructType): StructType {
  return struct(...CHECKPOINT_ADD.fields, f('stats_parsed', statsParsed))
}
