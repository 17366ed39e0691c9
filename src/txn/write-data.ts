/**
 * Writing Arrow data as the data files of a Delta table: checks the data against the table
 * schema, splits it by partition into Hive-style directories (`a=1/b=x/`, Spark's escaping),
 * writes one Parquet file per partition through the engine's `ParquetHandler`, and returns the
 * `add` actions with statistics. Nothing is committed here.
 *
 * Files are named `part-NNNNN-<uuid>.c000.<codec>.parquet`, unique by construction (PROTOCOL.md
 * "Data Files": never overwrite a data file).
 *
 * @packageDocumentation
 */
import * as A from 'apache-arrow'
import type { Engine } from '../engine/engine.js'
import type { ParquetWriteOptions } from '../engine/parquet.js'
import { InvalidWriteError, throwIfAborted } from '../errors.js'
import type { Add } from '../protocol/actions.js'
import { toArrowSchema } from '../protocol/arrow-types.js'
import { physicalName } from '../protocol/column-mapping.js'
import { partitionDirectory } from '../protocol/partition-values.js'
import { resolveTablePath } from '../protocol/paths.js'
import { dataSchema, partitionSchema } from '../protocol/schema.js'
import type { StructType } from '../protocol/schema-types.js'
import { constantVector } from '../scan/constant-vector.js'
import { takeData } from '../scan/take.js'
import { checkArrowType, decodeDictionaries, relabelData } from './arrow-check.js'
import { encodeRelativePath } from './file-actions.js'
import { splitByPartition } from './partition-split.js'
import { collectStats } from './stats-collect.js'
import { statsSchema } from './stats-columns.js'

/** Where and how to write. */
export interface WriteDataContext {
  readonly engine: Engine
  /** Table root URL, ending in `/`. */
  readonly tableRoot: string
  /** Logical table schema. */
  readonly schema: StructType
  readonly partitionColumns: readonly string[]
  /** Table properties (statistics columns, compression codec). */
  readonly configuration: Readonly<Record<string, string>>
  /** Clock for `modificationTime`. */
  readonly now: () => number
  readonly signal?: AbortSignal
}

/** Options of {@link writeDataFiles}. */
export interface WriteDataOptions {
  /** `dataChange` of the produced adds; default true. */
  readonly dataChange?: boolean
  /** Rows per Parquet row group, passed to the handler. */
  readonly rowGroupSize?: number
  /** Directory under the table root to write into, ending in `/` (change data files use `_change_data/`). Default the root. */
  readonly directory?: string
  /** File name prefix; default `part` (change data files use `cdc`). */
  readonly filePrefix?: string
}

type Codec = NonNullable<ParquetWriteOptions['compression']>

/** The codec for `delta.parquet.compression.codec` (default snappy) and its file-name infix. */
export function compressionOf(configuration: Readonly<Record<string, string>>): { codec: Codec; suffix: string } {
  const raw = (configuration['delta.parquet.compression.codec'] ?? 'snappy').toLowerCase()
  switch (raw) {
    case 'snappy':
      return { codec: 'snappy', suffix: '.snappy' }
    case 'gzip':
      return { codec: 'gzip', suffix: '.gz' }
    case 'zstd':
      return { codec: 'zstd', suffix: '.zstd' }
    case 'none':
    case 'uncompressed':
      return { codec: 'uncompressed', suffix: '' }
    default:
      throw new InvalidWriteError(`delta.parquet.compression.codec: '${raw}' is not supported for writing (use snappy, gzip, zstd or uncompressed)`)
  }
}

/** Checks every batch against the table schema; returns the batches. */
function checkBatches(batches: readonly A.RecordBatch[], schema: StructType): void {
  for (const batch of batches) {
    for (const field of batch.schema.fields) {
      const f = schema.fields.find((x) => x.name === field.name)
      if (!f) throw new InvalidWriteError(`column ${field.name} of the data is not in the table schema (columns: ${schema.fields.map((x) => x.name).join(', ')})`)
      checkArrowType(f.type, field.type, f.name)
      const column = batch.getChildAt(batch.schema.fields.indexOf(field))!
      if (!f.nullable && column.nullCount > 0) throw new InvalidWriteError(`column ${f.name} is not nullable, but the data has ${column.nullCount} null values`)
    }
    for (const f of schema.fields) {
      if (!f.nullable && !batch.schema.fields.some((x) => x.name === f.name)) {
        throw new InvalidWriteError(`column ${f.name} is not nullable, but the data does not have it`)
      }
    }
  }
}

/** Rows `rows` of `batch` as a batch of exactly `target` columns (missing nullable ones all-null). */
function projectRows(batch: A.RecordBatch, rows: Int32Array | undefined, target: StructType, arrowTarget: A.Schema): A.RecordBatch {
  const length = rows ? rows.length : batch.numRows
  const children = target.fields.map((f, k) => {
    const idx = batch.schema.fields.findIndex((x) => x.name === f.name)
    const type = arrowTarget.fields[k]!.type
    if (idx < 0) return constantVector(type, null, length).data[0]!
    const data = batch.getChildAt(idx)!.data[0]!
    return relabelData(rows ? takeData(data, rows) : data, type)
  })
  return new A.RecordBatch(arrowTarget, A.makeData({ type: new A.Struct(arrowTarget.fields), length, nullCount: 0, children }))
}

/**
 * Writes `data` (columns named as the table's logical columns; partition columns included) as
 * new data files and returns their `add` actions. Empty input writes nothing.
 * Throws `InvalidWriteError` when the data does not fit the schema.
 */
export async function writeDataFiles(data: A.Table | readonly A.RecordBatch[], ctx: WriteDataContext, options: WriteDataOptions = {}): Promise<Add[]> {
  const batches = (data instanceof A.Table ? data.batches : data).filter((b) => b.numRows > 0).map(decodeDictionaries)
  checkBatches(batches, ctx.schema)
  if (batches.length === 0) return []
  const dataCols = dataSchema(ctx.schema, ctx.partitionColumns)
  const partCols = partitionSchema(ctx.schema, ctx.partitionColumns)
  for (const f of partCols.fields) {
    if (!batches[0]!.schema.fields.some((x) => x.name === f.name)) throw new InvalidWriteError(`partition column ${f.name} is missing from the data`)
  }
  const arrowData = toArrowSchema(dataCols)
  const stats = statsSchema(dataCols, ctx.configuration)
  const prefix = Number(ctx.configuration['delta.dataSkippingStringPrefixLength'] ?? 32)
  const { codec, suffix } = compressionOf(ctx.configuration)
  const groups =
    partCols.fields.length === 0
      ? [{ values: {}, rows: batches.map(() => undefined as Int32Array | undefined) }]
      : splitByPartition(batches, partCols.fields, physicalName)
  const adds: Add[] = []
  for (let g = 0; g < groups.length; g++) {
    throwIfAborted(ctx.signal)
    const group = groups[g]!
    const fileBatches = batches
      .map((b, k) => projectRows(b, group.rows[k], dataCols, arrowData))
      .filter((b) => b.numRows > 0)
    const dir = partitionDirectory(partCols.fields.map(physicalName), group.values)
    const relative = `${options.directory ?? ''}${dir}${options.filePrefix ?? 'part'}-${String(g).padStart(5, '0')}-${crypto.randomUUID()}.c000${suffix}.parquet`
    const path = encodeRelativePath(relative)
    const location = resolveTablePath(ctx.tableRoot, path)
    const written = await ctx.engine.parquet.write(location, fileBatches, {
      schema: dataCols,
      compression: codec,
      ...(options.rowGroupSize !== undefined ? { rowGroupSize: options.rowGroupSize } : {}),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    })
    adds.push({
      path,
      partitionValues: group.values,
      size: written.size,
      modificationTime: ctx.now(),
      dataChange: options.dataChange ?? true,
      stats: collectStats(fileBatches, stats, { stringPrefixLength: prefix }),
    })
  }
  return adds
}
