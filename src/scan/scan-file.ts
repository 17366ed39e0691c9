/**
 * Scan files and scan state: plain, JSON-serialisable values, so a connector can plan a scan in
 * one place and read its files in others (worker threads, serverless functions, a cluster).
 *
 * @packageDocumentation
 */
import type { Add, DeletionVectorDescriptor } from '../protocol/actions.js'
import type { ColumnMappingMode } from '../protocol/column-mapping.js'
import type { StructField, StructType } from '../protocol/schema-types.js'
import { type Expression, referencedColumns } from './expression.js'

/** One data file to read, with everything needed to read it. */
export interface ScanFile {
  /** Path as written in the log (table-relative URI reference or absolute URI). */
  readonly path: string
  /** Size in bytes. */
  readonly size: number
  readonly modificationTime: number
  /** Serialized partition values, by logical partition column name. */
  readonly partitionValues: Readonly<Record<string, string | null>>
  /** Per-file statistics JSON, if the log has them. */
  readonly stats?: string | null
  /** Deletion vector of the file, if it has one. */
  readonly deletionVector?: DeletionVectorDescriptor | null
}

/** Everything about a scan that is the same for all of its files. */
export interface ScanState {
  readonly tableRoot: string
  readonly version: number
  /** Logical schema of the output batches (projected). */
  readonly readSchema: StructType
  /**
   * Physical schema to request from data files: the non-partition columns of `readSchema`, then
   * those the predicate needs in addition (see `readFields`).
   */
  readonly physicalSchema: StructType
  /** Logical names of the partition columns of the table. */
  readonly partitionColumns: readonly string[]
  /** Logical table schema (types of partition columns come from here). */
  readonly tableSchema: StructType
  readonly columnMappingMode: ColumnMappingMode
  /** Allow absolute data file paths (shallow clones). */
  readonly allowAbsolutePaths: boolean
  /**
   * Row filter as expression text (`formatExpression` of the bound predicate; parsed and bound
   * again against `tableSchema` where the file is read, so the state stays plain JSON).
   */
  readonly predicate?: string
}

/** The scan file of an `add` action. Partition values are keyed by logical column name. */
export function scanFileOf(add: Add, physicalToLogical?: ReadonlyMap<string, string>): ScanFile {
  let partitionValues = add.partitionValues
  if (physicalToLogical && physicalToLogical.size > 0) {
    const out: Record<string, string | null> = {}
    for (const [k, v] of Object.entries(add.partitionValues)) out[physicalToLogical.get(k) ?? k] = v
    partitionValues = out
  }
  return {
    path: add.path,
    size: add.size,
    modificationTime: add.modificationTime,
    partitionValues,
    ...(add.stats != null ? { stats: add.stats } : {}),
    ...(add.deletionVector ? { deletionVector: add.deletionVector } : {}),
  }
}

/**
 * The fields a file read produces: the output columns, then any top-level column the predicate
 * needs that is not in the output (filtered on, then dropped). `readScanFile` derives the same
 * list from the scan state, so planner and reader agree.
 */
export function readFields(readSchema: StructType, predicate: Expression | undefined, tableSchema: StructType): StructField[] {
  const fields = [...readSchema.fields]
  if (!predicate) return fields
  for (const c of referencedColumns(predicate)) {
    const top = c.path[0]!
    if (fields.some((f) => f.name === top)) continue
    const f = tableSchema.fields.find((x) => x.name === top)
    if (f) fields.push(f)
  }
  return fields
}
