/**
 * Reading the planned change files of a change data feed into Arrow batches: the table's logical
 * columns, then `_change_type`, `_commit_version` and `_commit_timestamp`.
 *
 * @packageDocumentation
 */
import * as A from 'apache-arrow'
import type { Engine } from '../engine/engine.js'
import { InvalidSchemaError } from '../errors.js'
import type { DeletionVectorDescriptor } from '../protocol/actions.js'
import { toArrowSchema } from '../protocol/arrow-types.js'
import type { StructField, StructType } from '../protocol/schema-types.js'
import { RoaringBitmapArray } from '../protocol/roaring.js'
import { constantVector } from '../scan/constant-vector.js'
import { deletionKeepMask, loadDeletionVector } from '../scan/deletion-vector-read.js'
import { readScanFile } from '../scan/read-file.js'
import type { ScanFile, ScanState } from '../scan/scan-file.js'
import type { ChangeFile } from './cdf-plan.js'

const field = (name: string, type: 'string' | 'long' | 'timestamp'): StructField => ({ name, type: { type }, nullable: false, metadata: {} })

/** The columns the change data feed adds after the table's, in order. */
export const CDF_COLUMNS: readonly StructField[] = [field('_change_type', 'string'), field('_commit_version', 'long'), field('_commit_timestamp', 'timestamp')]

/** The output schema of a change data feed over `readSchema`. */
export function changeDataFeedSchema(readSchema: StructType): StructType {
  const taken = readSchema.fields.find((f) => CDF_COLUMNS.some((c) => c.name === f.name))
  if (taken) throw new InvalidSchemaError(`the table has a column named ${taken.name}, which the change data feed reserves for itself`)
  return { type: 'struct', fields: [...readSchema.fields, ...CDF_COLUMNS] }
}

/** The commit a change file belongs to. */
export interface ChangeCommit {
  readonly version: number
  /** Commit timestamp, ms. */
  readonly timestamp: number
}

/** Partition values re-keyed by logical column name. */
function logicalPartitionValues(values: Readonly<Record<string, string | null>>, names: ReadonlyMap<string, string> | undefined): Record<string, string | null> {
  const out: Record<string, string | null> = {}
  for (const [k, v] of Object.entries(values)) out[names?.get(k) ?? k] = v
  return out
}

async function loadDv(engine: Engine, tableRoot: string, dv: DeletionVectorDescriptor | null, signal?: AbortSignal): Promise<RoaringBitmapArray> {
  return dv ? loadDeletionVector(engine.fileSystem, tableRoot, dv, signal ? { signal } : {}) : RoaringBitmapArray.empty()
}

/** Appends constant columns (and relabels to the output schema). */
function withColumns(batch: A.RecordBatch, out: A.Schema, extra: readonly [A.DataType, unknown][]): A.RecordBatch {
  const n = batch.numRows
  const children = batch.schema.fields.map((_, i) => batch.getChildAt(i)!.data[0]!)
  for (const [type, value] of extra) children.push(constantVector(type, value, n).data[0]!)
  return new A.RecordBatch(out, A.makeData({ type: new A.Struct(out.fields), length: n, nullCount: 0, children }))
}

/**
 * Reads one change file of commit `commit` as batches of the change data feed schema.
 * `state` is the scan state of the table's data columns; `names` maps physical partition
 * column names to logical ones (column mapping).
 */
export async function* readChangeFile(
  engine: Engine,
  state: ScanState,
  names: ReadonlyMap<string, string> | undefined,
  file: ChangeFile,
  commit: ChangeCommit,
  signal?: AbortSignal,
): AsyncGenerator<A.RecordBatch> {
  const outSchema = toArrowSchema(changeDataFeedSchema(state.readSchema))
  const versionType = outSchema.fields[outSchema.fields.length - 2]!.type
  const timestampType = outSchema.fields[outSchema.fields.length - 1]!.type
  const changeTypeType = outSchema.fields[outSchema.fields.length - 3]!.type
  const commitColumns: [A.DataType, unknown][] = [
    [versionType, BigInt(commit.version)],
    [timestampType, BigInt(commit.timestamp) * 1000n],
  ]
  const base: ScanFile = { path: file.path, size: file.size, modificationTime: 0, partitionValues: logicalPartitionValues(file.partitionValues, names) }
  const opts = signal ? { signal } : {}
  if (file.kind === 'cdc') {
    // Change data files hold `_change_type` as a plain (unmapped) physical column.
    const changeType = CDF_COLUMNS[0]!
    const cdcState: ScanState = {
      ...state,
      readSchema: { type: 'struct', fields: [...state.readSchema.fields, changeType] },
      physicalSchema: { type: 'struct', fields: [...state.physicalSchema.fields, { ...changeType, nullable: true }] },
    }
    for await (const b of readScanFile(engine, cdcState, base, opts)) yield withColumns(b, outSchema, commitColumns)
    return
  }
  const extra: [A.DataType, unknown][] = [[changeTypeType, file.changeType], ...commitColumns]
  if (file.kind === 'whole') {
    const scanFile: ScanFile = { ...base, ...(file.deletionVector ? { deletionVector: file.deletionVector } : {}) }
    for await (const b of readScanFile(engine, state, scanFile, opts)) yield withColumns(b, outSchema, extra)
    return
  }
  const before = await loadDv(engine, state.tableRoot, file.before, signal)
  const after = await loadDv(engine, state.tableRoot, file.after, signal)
  // Keep the rows whose state flips the way `changeType` names: live -> deleted is a delete, deleted -> live an insert.
  const [wasDeleted, isDeleted] = file.changeType === 'delete' ? [before, after] : [after, before]
  const selectRows = (batch: { readonly numRows: number }, first: number): Uint8Array => {
    const n = batch.numRows
    const keepOld = deletionKeepMask(wasDeleted, first, n)
    const keepNew = deletionKeepMask(isDeleted, first, n)
    const mask = new Uint8Array(n)
    if (!keepNew) return mask // nothing newly deleted in this window
    for (let i = 0; i < n; i++) mask[i] = keepNew[i] === 0 && (keepOld === undefined || keepOld[i] === 1) ? 1 : 0
    return mask
  }
  for await (const b of readScanFile(engine, state, base, { ...opts, selectRows })) {
    if (b.numRows > 0) yield withColumns(b, outSchema, extra)
  }
}
