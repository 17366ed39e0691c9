/**
 * Planning and running a scan of a snapshot: projection, the list of scan files, and the batches.
 *
 * @packageDocumentation
 */
import type { RecordBatch } from 'apache-arrow'
import { InvalidArgumentError, throwIfAborted } from '../errors.js'
import { columnMappingMode, physicalName } from '../protocol/column-mapping.js'
import { toPhysicalSchema } from '../protocol/column-mapping.js'
import type { StructType } from '../protocol/schema-types.js'
import type { Snapshot } from '../snapshot.js'
import { readScanFile } from './read-file.js'
import { type ScanFile, type ScanState, scanFileOf } from './scan-file.js'
import { sliceBatch } from './slice.js'

/** Options of a scan. */
export interface ScanOptions {
  /** Top-level logical columns to read, in output order. Default: every column of the table. */
  readonly columns?: readonly string[]
  /** Stop after this many rows. */
  readonly limit?: number
  /** Allow data files with absolute paths (shallow clones). Default false. */
  readonly allowAbsolutePaths?: boolean
}

/** Options of {@link Scan.batches}. */
export interface ScanRunOptions {
  readonly signal?: AbortSignal
}

/** A planned scan of one snapshot. */
export class Scan {
  readonly snapshot: Snapshot
  /** The plain state every file read needs (ship it with the scan files). */
  readonly state: ScanState
  readonly limit: number | undefined
  #files: readonly ScanFile[] | undefined

  constructor(snapshot: Snapshot, options: ScanOptions = {}) {
    this.snapshot = snapshot
    if (options.limit !== undefined && (!Number.isSafeInteger(options.limit) || options.limit < 0)) {
      throw new InvalidArgumentError(`limit must be a non-negative integer, got ${options.limit}`)
    }
    this.limit = options.limit
    const schema = snapshot.schema
    const readSchema = projectSchema(schema, options.columns)
    const partitionColumns = snapshot.partitionColumns
    const mode = columnMappingMode(snapshot.metadata.configuration)
    const dataFields = readSchema.fields.filter((f) => !partitionColumns.includes(f.name))
    this.state = {
      tableRoot: snapshot.tableRoot,
      version: snapshot.version,
      readSchema,
      physicalSchema: toPhysicalSchema({ type: 'struct', fields: dataFields }, mode),
      partitionColumns,
      tableSchema: schema,
      columnMappingMode: mode,
      allowAbsolutePaths: options.allowAbsolutePaths ?? false,
    }
  }

  /** The files this scan reads, as plain values. */
  scanFiles(): readonly ScanFile[] {
    if (this.#files) return this.#files
    const mode = this.state.columnMappingMode
    let physToLogical: Map<string, string> | undefined
    if (mode !== 'none') {
      physToLogical = new Map()
      for (const f of this.snapshot.schema.fields) {
        if (this.state.partitionColumns.includes(f.name)) physToLogical.set(physicalName(f), f.name)
      }
    }
    const out: ScanFile[] = []
    for (const add of this.snapshot.files()) out.push(scanFileOf(add, physToLogical))
    // Deterministic order: by path, so repeated scans (and limits) see the same rows.
    out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    return (this.#files = out)
  }

  /** Reads every scan file, in order, yielding logical Arrow batches. */
  async *batches(options: ScanRunOptions = {}): AsyncGenerator<RecordBatch> {
    const { signal } = options
    let remaining = this.limit ?? Number.POSITIVE_INFINITY
    if (remaining === 0) return
    for (const file of this.scanFiles()) {
      throwIfAborted(signal)
      for await (const batch of readScanFile(this.snapshot.engine, this.state, file, { signal })) {
        if (batch.numRows === 0) continue
        if (batch.numRows >= remaining) {
          yield sliceBatch(batch, remaining)
          return
        }
        remaining -= batch.numRows
        yield batch
      }
    }
  }
}

/** The logical schema restricted to `columns` (top-level names), in the order given. */
export function projectSchema(schema: StructType, columns: readonly string[] | undefined): StructType {
  if (!columns) return schema
  const fields = columns.map((name) => {
    const f = schema.fields.find((x) => x.name === name) ?? schema.fields.find((x) => x.name.toLowerCase() === name.toLowerCase())
    if (!f) {
      throw new InvalidArgumentError(`unknown column '${name}'; the table has: ${schema.fields.map((x) => x.name).join(', ')}`)
    }
    return f
  })
  return { type: 'struct', fields }
}
