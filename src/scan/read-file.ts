/**
 * Reading one scan file into logical Arrow batches: physical columns from the Parquet handler,
 * renamed to logical names (column mapping), partition columns materialised from the log, rows
 * removed by the deletion vector and by the row filter dropped. Needs only the engine and the
 * plain scan state, so it runs wherever the scan file was shipped.
 *
 * @packageDocumentation
 */
import * as A from 'apache-arrow'
import type { Engine } from '../engine/engine.js'
import { throwIfAborted } from '../errors.js'
import { toArrowSchema } from '../protocol/arrow-types.js'
import { parsePartitionValue } from '../protocol/partition-values.js'
import { resolveTablePath } from '../protocol/paths.js'
import type { StructField } from '../protocol/schema-types.js'
import { constantVector } from './constant-vector.js'
import { deletionKeepMask, loadDeletionVector } from './deletion-vector-read.js'
import { filterBatch } from './take.js'
import { evaluatePredicate } from './evaluate.js'
import { bindExpression } from './expression-bind.js'
import { parseExpression } from './expression-parser.js'
import type { ScanMetrics } from './scan-metrics.js'
import { canSkipRowGroup } from './skipping.js'
import { type ScanFile, type ScanState, readFields } from './scan-file.js'

/** Options of {@link readScanFile}. */
export interface ReadScanFileOptions {
  readonly signal?: AbortSignal
  /**
   * Per-batch row selection (deletion vectors, row filters): given the batch and the index of its
   * first row in the file, returns a keep-mask (1 = keep) or undefined to keep every row.
   */
  readonly selectRows?: (batch: A.RecordBatch, firstRowIndex: number) => Uint8Array | undefined | Promise<Uint8Array | undefined>
  /** Counters to update (row groups considered and skipped). */
  readonly metrics?: ScanMetrics
}

/** Re-labels physical Arrow data with the logical type (same layout, logical field names). */
function relabel(data: A.Data, logical: A.DataType): A.Data {
  if (data.type.children?.length) {
    const children = data.children.map((c, i) => relabel(c, logical.children[i]!.type))
    return data.clone(logical, data.offset, data.length, data.nullCount, undefined, children)
  }
  return data.type === logical ? data : data.clone(logical)
}

function andMasks(a: Uint8Array | undefined, b: Uint8Array | undefined): Uint8Array | undefined {
  if (!a) return b
  if (!b) return a
  const out = new Uint8Array(a.length)
  for (let i = 0; i < a.length; i++) out[i] = a[i]! & b[i]!
  return out
}

/** Reads one scan file; yields batches in file order with the scan's logical schema. */
export async function* readScanFile(
  engine: Engine,
  state: ScanState,
  file: ScanFile,
  options: ReadScanFileOptions = {},
): AsyncGenerator<A.RecordBatch> {
  const { signal } = options
  throwIfAborted(signal)
  const location = resolveTablePath(state.tableRoot, file.path, { allowAbsolutePaths: state.allowAbsolutePaths })
  const predicate = state.predicate ? bindExpression(parseExpression(state.predicate), state.tableSchema) : undefined
  const fields = readFields(state.readSchema, predicate, state.tableSchema)
  const fullSchema = toArrowSchema({ type: 'struct', fields })
  const outCount = state.readSchema.fields.length
  const outSchema = fields.length === outCount ? fullSchema : new A.Schema(fullSchema.fields.slice(0, outCount))
  const partitions = new Set(state.partitionColumns)
  const partitionValue = new Map<string, unknown>()
  for (const f of fields) {
    if (!partitions.has(f.name)) continue
    partitionValue.set(f.name, parsePartitionValue(file.partitionValues[f.name] ?? null, f.type, f.name))
  }
  const meta = { location, size: file.size, lastModified: file.modificationTime }
  const deleted = file.deletionVector
    ? await loadDeletionVector(engine.fileSystem, state.tableRoot, file.deletionVector, { signal, allowAbsolutePaths: state.allowAbsolutePaths })
    : undefined
  const emit = async (physical: A.RecordBatch | undefined, numRows: number, firstRowIndex: number) => {
    let dataIndex = 0
    const columns = fields.map((f: StructField, i: number) => {
      const arrowType = fullSchema.fields[i]!.type
      if (partitions.has(f.name)) return constantVector(arrowType, partitionValue.get(f.name), numRows).data[0]!
      // A RecordBatch child is always a single Data chunk.
      return relabel(physical!.getChildAt(dataIndex++)!.data[0]!, arrowType)
    })
    let batch = new A.RecordBatch(fullSchema, A.makeData({ type: new A.Struct(fullSchema.fields), length: numRows, nullCount: 0, children: columns }))
    // Deleted rows go first: the row filters then never see them.
    let mask = deleted && deleted.cardinality > 0 ? deletionKeepMask(deleted, firstRowIndex, numRows) : undefined
    if (predicate) mask = andMasks(mask, evaluatePredicate(predicate, batch))
    mask = andMasks(mask, await options.selectRows?.(batch, firstRowIndex))
    if (mask) batch = filterBatch(batch, mask)
    if (fields.length !== outCount) {
      batch = new A.RecordBatch(outSchema, A.makeData({ type: new A.Struct(outSchema.fields), length: batch.numRows, nullCount: 0, children: batch.data.children.slice(0, outCount) }))
    }
    return batch
  }
  let rowGroups: number[] | undefined
  if (predicate || state.physicalSchema.fields.length === 0) {
    const footer = await engine.parquet.readFooter(meta, { signal })
    if (options.metrics) options.metrics.rowGroupsTotal += footer.rowGroups.length
    if (state.physicalSchema.fields.length === 0) {
      // Only partition columns requested: the row count comes from the footer.
      let first = 0
      for (const rg of footer.rowGroups) {
        if (!predicate || !canSkipRowGroup(predicate, rg)) yield await emit(undefined, rg.numRows, first)
        else if (options.metrics) options.metrics.rowGroupsSkipped++
        first += rg.numRows
      }
      return
    }
    rowGroups = []
    footer.rowGroups.forEach((rg, i) => {
      if (!canSkipRowGroup(predicate!, rg)) rowGroups!.push(i)
      else if (options.metrics) options.metrics.rowGroupsSkipped++
    })
    if (rowGroups.length === 0) return
  }
  for await (const { batch, firstRowIndex } of engine.parquet.read(meta, { schema: state.physicalSchema, signal, ...(rowGroups ? { rowGroups } : {}) })) {
    throwIfAborted(signal)
    yield await emit(batch, batch.numRows, firstRowIndex)
  }
}
