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
import type { ScanFile, ScanState } from './scan-file.js'

/** Options of {@link readScanFile}. */
export interface ReadScanFileOptions {
  readonly signal?: AbortSignal
  /**
   * Per-batch row selection (deletion vectors, row filters): given the batch and the index of its
   * first row in the file, returns a keep-mask (1 = keep) or undefined to keep every row.
   */
  readonly selectRows?: (batch: A.RecordBatch, firstRowIndex: number) => Uint8Array | undefined | Promise<Uint8Array | undefined>
}

/** Re-labels physical Arrow data with the logical type (same layout, logical field names). */
function relabel(data: A.Data, logical: A.DataType): A.Data {
  if (data.type.children?.length) {
    const children = data.children.map((c, i) => relabel(c, logical.children[i]!.type))
    return data.clone(logical, data.offset, data.length, data.nullCount, undefined, children)
  }
  return data.type === logical ? data : data.clone(logical)
}

function andMasks(a: Uint8Array, b: Uint8Array): Uint8Array {
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
  const outSchema = toArrowSchema(state.readSchema)
  const partitions = new Set(state.partitionColumns)
  const partitionValue = new Map<string, unknown>()
  for (const f of state.readSchema.fields) {
    if (!partitions.has(f.name)) continue
    partitionValue.set(f.name, parsePartitionValue(file.partitionValues[f.name] ?? null, f.type, f.name))
  }
  const meta = { location, size: file.size, lastModified: file.modificationTime }
  const deleted = file.deletionVector
    ? await loadDeletionVector(engine.fileSystem, state.tableRoot, file.deletionVector, { signal, allowAbsolutePaths: state.allowAbsolutePaths })
    : undefined
  const emit = async (physical: A.RecordBatch | undefined, numRows: number, firstRowIndex: number) => {
    let dataIndex = 0
    const columns = state.readSchema.fields.map((f: StructField, i: number) => {
      const arrowType = outSchema.fields[i]!.type
      if (partitions.has(f.name)) return constantVector(arrowType, partitionValue.get(f.name), numRows).data[0]!
      // A RecordBatch child is always a single Data chunk.
      return relabel(physical!.getChildAt(dataIndex++)!.data[0]!, arrowType)
    })
    let batch = new A.RecordBatch(outSchema, A.makeData({ type: new A.Struct(outSchema.fields), length: numRows, nullCount: 0, children: columns }))
    // Deleted rows go first: the row filter then never sees them (nor their row indexes shift).
    const dvMask = deleted && deleted.cardinality > 0 ? deletionKeepMask(deleted, firstRowIndex, numRows) : undefined
    const userMask = await options.selectRows?.(batch, firstRowIndex)
    const mask = dvMask && userMask ? andMasks(dvMask, userMask) : (dvMask ?? userMask)
    if (mask) batch = filterBatch(batch, mask)
    return batch
  }
  if (state.physicalSchema.fields.length === 0) {
    // Only partition columns requested: the row count comes from the footer.
    const footer = await engine.parquet.readFooter(meta, { signal })
    let first = 0
    for (const rg of footer.rowGroups) {
      yield await emit(undefined, rg.numRows, first)
      first += rg.numRows
    }
    return
  }
  for await (const { batch, firstRowIndex } of engine.parquet.read(meta, { schema: state.physicalSchema, signal })) {
    throwIfAborted(signal)
    yield await emit(batch, batch.numRows, firstRowIndex)
  }
}
