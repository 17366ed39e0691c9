/**
 * Writing change data files (PROTOCOL.md "Change Data Files", "Writer Requirements for
 * AddCDCFile"): rows of the table's logical columns plus `_change_type`, stored under
 * `_change_data/` (in partition directories for partitioned tables), recorded by `cdc` actions.
 *
 * When a writer must write them: an operation that only appends data, or only removes whole
 * files, needs none (readers derive inserts from `add` and deletes from `remove`). An operation
 * that rewrites a file (a row-level delete keeping the file's other rows) must, because readers
 * would otherwise report every copied row as deleted and inserted again; and once a commit has a
 * `cdc` action, readers ignore its adds and removes entirely, so *all* of that commit's changes
 * must be in change data files. The write path calls {@link cdcFilesForRemovedRows} for the rows a
 * row-level delete removes, and refuses to mix such a delete with other data changes in one commit.
 *
 * @packageDocumentation
 */
import * as A from 'apache-arrow'
import type { AddCdcFile } from '../protocol/actions.js'
import { toArrowSchema } from '../protocol/arrow-types.js'
import type { StructType } from '../protocol/schema-types.js'
import { constantVector } from '../scan/constant-vector.js'
import { type WriteDataContext, writeDataFiles } from '../txn/write-data.js'
import type { ChangeType } from './cdf-plan.js'

/** Whether writers must produce change data for a table with this configuration. */
export function changeDataFeedEnabled(configuration: Readonly<Record<string, string>>): boolean {
  return configuration['delta.enableChangeDataFeed']?.toLowerCase() === 'true'
}

/** `batch` (table columns) with a constant `_change_type` column appended. */
function withChangeType(batch: A.RecordBatch, changeType: ChangeType, schema: A.Schema): A.RecordBatch {
  const children = batch.schema.fields.map((_, i) => batch.getChildAt(i)!.data[0]!)
  children.push(constantVector(new A.Utf8(), changeType, batch.numRows).data[0]!)
  return new A.RecordBatch(schema, A.makeData({ type: new A.Struct(schema.fields), length: batch.numRows, nullCount: 0, children }))
}

/**
 * Writes `rows` (batches with the table's logical columns, partition columns included) as change
 * data files of `changeType` and returns their `cdc` actions. Empty input writes nothing.
 */
export async function writeChangeDataFiles(ctx: WriteDataContext, rows: readonly A.RecordBatch[], changeType: ChangeType): Promise<AddCdcFile[]> {
  const nonEmpty = rows.filter((b) => b.numRows > 0)
  if (nonEmpty.length === 0) return []
  // `_change_type` is a plain column of the change file, outside the table schema (and never mapped).
  const schema: StructType = { type: 'struct', fields: [...ctx.schema.fields, { name: '_change_type', type: { type: 'string' }, nullable: false, metadata: {} }] }
  const arrowSchema = toArrowSchema({ type: 'struct', fields: [...nonEmpty[0]!.schema.fields.map((f) => ctx.schema.fields.find((x) => x.name === f.name)!), schema.fields[schema.fields.length - 1]!] })
  const labelled = nonEmpty.map((b) => withChangeType(b, changeType, arrowSchema))
  const adds = await writeDataFiles(labelled, { ...ctx, schema }, { directory: '_change_data/', filePrefix: 'cdc' })
  // Change data files carry no statistics and never change the table's data (dataChange = false).
  return adds.map((a) => ({ path: a.path, partitionValues: a.partitionValues, size: a.size, dataChange: false }))
}

/**
 * The change data of a row-level delete: writes the rows it removed as `delete` change data
 * files. The write path stages the returned `cdc` actions in the same commit as the delete.
 */
export function cdcFilesForRemovedRows(ctx: WriteDataContext, removedRows: readonly A.RecordBatch[]): Promise<AddCdcFile[]> {
  return writeChangeDataFiles(ctx, removedRows, 'delete')
}
