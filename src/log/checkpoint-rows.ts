/**
 * Checkpoint actions as Arrow record batches in the write layout of `checkpoint-write-schema.ts`:
 * one row per action, the action's column set and every other column null.
 *
 * @packageDocumentation
 */
import * as arrow from 'apache-arrow'
import type {
  Add,
  CheckpointMetadata,
  DeletionVectorDescriptor,
  DomainMetadata,
  Metadata,
  Protocol,
  Remove,
  Sidecar,
  Txn,
} from '../protocol/actions.js'
import { toArrowSchema } from '../protocol/arrow-types.js'
import { buildStructData } from './arrow-build.js'
import type { StructType } from '../protocol/schema-types.js'

/** One checkpoint row: exactly one action column set. */
export type CheckpointRow =
  | { readonly txn: Txn }
  | { readonly add: Add }
  | { readonly remove: Remove }
  | { readonly metaData: Metadata }
  | { readonly protocol: Protocol }
  | { readonly domainMetadata: DomainMetadata }
  | { readonly checkpointMetadata: CheckpointMetadata }
  | { readonly sidecar: Sidecar }

type Cell = Record<string, unknown> | null

const long = (v: number | null | undefined): bigint | null => (v == null ? null : BigInt(v))

function stringMap(m: Readonly<Record<string, string | null>> | null | undefined): Map<string, string | null> | null {
  return m == null ? null : new Map(Object.entries(m))
}

function dv(d: DeletionVectorDescriptor | null | undefined): Cell {
  if (d == null) return null
  const max = (d as { maxRowIndex?: unknown }).maxRowIndex
  return {
    storageType: d.storageType,
    pathOrInlineDv: d.pathOrInlineDv,
    offset: d.offset ?? null,
    sizeInBytes: d.sizeInBytes,
    cardinality: BigInt(d.cardinality),
    maxRowIndex: typeof max === 'number' ? BigInt(max) : null,
  }
}

function addCell(a: Add): Cell {
  return {
    path: a.path,
    partitionValues: stringMap(a.partitionValues),
    size: BigInt(a.size),
    modificationTime: BigInt(a.modificationTime),
    dataChange: a.dataChange,
    stats: a.stats ?? null,
    tags: stringMap(a.tags),
    deletionVector: dv(a.deletionVector),
    baseRowId: long(a.baseRowId),
    defaultRowCommitVersion: long(a.defaultRowCommitVersion),
    clusteringProvider: a.clusteringProvider ?? null,
  }
}

function removeCell(r: Remove): Cell {
  return {
    path: r.path,
    deletionTimestamp: long(r.deletionTimestamp),
    dataChange: r.dataChange,
    extendedFileMetadata: r.extendedFileMetadata ?? null,
    partitionValues: stringMap(r.partitionValues),
    size: long(r.size),
    deletionVector: dv(r.deletionVector),
    baseRowId: long(r.baseRowId),
    defaultRowCommitVersion: long(r.defaultRowCommitVersion),
  }
}

function metadataCell(m: Metadata): Cell {
  return {
    id: m.id,
    name: m.name ?? null,
    description: m.description ?? null,
    format: { provider: m.format.provider, options: stringMap(m.format.options ?? {}) },
    schemaString: m.schemaString,
    partitionColumns: [...m.partitionColumns],
    configuration: stringMap(m.configuration),
    createdTime: long(m.createdTime),
  }
}

function protocolCell(p: Protocol): Cell {
  return {
    minReaderVersion: p.minReaderVersion,
    minWriterVersion: p.minWriterVersion,
    readerFeatures: p.readerFeatures ? [...p.readerFeatures] : null,
    writerFeatures: p.writerFeatures ? [...p.writerFeatures] : null,
  }
}

/** The Arrow-builder shape of one row. */
function rowCells(row: CheckpointRow): Record<string, Cell> {
  if ('add' in row) return { add: addCell(row.add) }
  if ('remove' in row) return { remove: removeCell(row.remove) }
  if ('txn' in row) return { txn: { appId: row.txn.appId, version: BigInt(row.txn.version), lastUpdated: long(row.txn.lastUpdated) } }
  if ('metaData' in row) return { metaData: metadataCell(row.metaData) }
  if ('protocol' in row) return { protocol: protocolCell(row.protocol) }
  if ('domainMetadata' in row) {
    const d = row.domainMetadata
    return { domainMetadata: { domain: d.domain, configuration: d.configuration, removed: d.removed } }
  }
  if ('checkpointMetadata' in row) {
    const c = row.checkpointMetadata
    return { checkpointMetadata: { version: BigInt(c.version), tags: stringMap(c.tags) } }
  }
  const s = row.sidecar
  return { sidecar: { path: s.path, sizeInBytes: BigInt(s.sizeInBytes), modificationTime: BigInt(s.modificationTime), tags: stringMap(s.tags) } }
}

/**
 * Builds record batches of at most `batchRows` rows in `schema` (a checkpoint or sidecar write
 * schema). Columns of `schema` a row does not set are null in that row.
 */
export function checkpointBatches(rows: readonly CheckpointRow[], schema: StructType, batchRows = 65_536): arrow.RecordBatch[] {
  const arrowSchema = toArrowSchema(schema)
  const type = new arrow.Struct(arrowSchema.fields)
  const out: arrow.RecordBatch[] = []
  const empty: Record<string, Cell> = Object.fromEntries(schema.fields.map((field) => [field.name, null]))
  const cells = (row: CheckpointRow) => ({ ...empty, ...rowCells(row) })
  for (let start = 0; start < rows.length; start += batchRows) {
    out.push(new arrow.RecordBatch(arrowSchema, buildStructData(type, rows.slice(start, start + batchRows).map(cells))))
  }
  return out
}
