/**
 * Planning and running a scan of a snapshot: projection, predicate, data skipping (partition
 * values and file statistics), the list of scan files, and the batches.
 *
 * @packageDocumentation
 */
import type { RecordBatch } from 'apache-arrow'
import { InvalidArgumentError, throwIfAborted } from '../errors.js'
import { columnMappingMode, physicalName, toPhysicalSchema } from '../protocol/column-mapping.js'
import { parsePartitionValue } from '../protocol/partition-values.js'
import { resolveTablePath } from '../protocol/paths.js'
import type { StructType } from '../protocol/schema-types.js'
import type { Snapshot } from '../snapshot.js'
import { partitionRowOf } from '../txn/predicate.js'
import type { Expression } from './expression.js'
import { bindExpression } from './expression-bind.js'
import { formatExpression } from './expression-format.js'
import { parseExpression } from './expression-parser.js'
import type { ScanFileReader } from './parallel.js'
import { readScanFile } from './read-file.js'
import { type ScanFile, type ScanState, readFields, scanFileOf } from './scan-file.js'
import { newScanMetrics, type ScanMetrics } from './scan-metrics.js'
import { canSkipFile } from './skipping.js'

/** Options of a scan. */
export interface ScanOptions {
  /** Top-level logical columns to read, in output order. Default: every column of the table. */
  readonly columns?: readonly string[]
  /**
   * Rows to return: an expression (see `parseExpression` for the text form, e.g.
   * `"a > 3 AND part = 'x'"`). Files and row groups that cannot match are skipped; the rest are
   * filtered row by row, so the result is exact.
   */
  readonly predicate?: Expression | string
  /** Stop after this many rows. */
  readonly limit?: number
  /** Allow data files with absolute paths (shallow clones). Default false. */
  readonly allowAbsolutePaths?: boolean
}

/** Options of {@link Scan.batches}. */
export interface ScanRunOptions {
  readonly signal?: AbortSignal
  /**
   * Read the files with this reader (the Node worker pool, or `createConcurrentScanReader`)
   * instead of one after another in this thread. Default: sequential.
   */
  readonly pool?: ScanFileReader
  /** With `pool`: yield in scan-file order (default true) or as batches are ready. */
  readonly ordered?: boolean
  /** With `pool`: files read at the same time (default: the pool's). */
  readonly maxInFlight?: number
}

/** A planned scan of one snapshot. */
export class Scan {
  readonly snapshot: Snapshot
  /** The plain state every file read needs (ship it with the scan files). */
  readonly state: ScanState
  readonly limit: number | undefined
  /** The predicate bound to the table schema, if any. */
  readonly predicate: Expression | undefined
  /** Counters of files and row groups considered and skipped (filled as the scan runs). */
  readonly metrics: ScanMetrics = newScanMetrics()
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
    const raw = typeof options.predicate === 'string' ? parseExpression(options.predicate) : options.predicate
    this.predicate = raw ? bindExpression(raw, schema) : undefined
    const fields = readFields(readSchema, this.predicate, schema)
    const dataFields = fields.filter((f) => !partitionColumns.includes(f.name))
    this.state = {
      tableRoot: snapshot.tableRoot,
      version: snapshot.version,
      readSchema,
      physicalSchema: toPhysicalSchema({ type: 'struct', fields: dataFields }, mode),
      partitionColumns,
      tableSchema: schema,
      columnMappingMode: mode,
      allowAbsolutePaths: options.allowAbsolutePaths ?? false,
      ...(this.predicate ? { predicate: formatExpression(this.predicate) } : {}),
    }
  }

  /** The files this scan reads (after skipping), as plain values, in path order. */
  scanFiles(): readonly ScanFile[] {
    if (this.#files) return this.#files
    const schema = this.snapshot.schema
    const partitionSchema: StructType = { type: 'struct', fields: schema.fields.filter((f) => this.state.partitionColumns.includes(f.name)) }
    let physToLogical: Map<string, string> | undefined
    if (this.state.columnMappingMode !== 'none') {
      physToLogical = new Map(partitionSchema.fields.map((f) => [physicalName(f), f.name]))
    }
    const m = this.metrics
    const out: ScanFile[] = []
    for (const add of this.snapshot.files()) {
      m.filesTotal++
      if (this.predicate) {
        const partitions = partitionSchema.fields.length > 0 ? partitionRowOf(add.partitionValues, partitionSchema) : undefined
        if (partitions && canSkipFile(this.predicate, undefined, partitions, schema)) {
          m.filesSkippedByPartition++
          continue
        }
        if (canSkipFile(this.predicate, add.stats, partitions, schema)) {
          m.filesSkippedByStats++
          continue
        }
      }
      out.push(scanFileOf(add, physToLogical))
    }
    // Deterministic order, so repeated scans (and limits) see the same rows.
    out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    return (this.#files = out)
  }

  /** Reads the scan files in order, yielding logical Arrow batches. */
  async *batches(options: ScanRunOptions = {}): AsyncGenerator<RecordBatch> {
    const { signal } = options
    let remaining = this.limit ?? Number.POSITIVE_INFINITY
    if (remaining === 0) return
    if (options.pool) {
      const { ordered, maxInFlight } = options
      const run = { metrics: this.metrics, ...(signal ? { signal } : {}), ...(ordered !== undefined ? { ordered } : {}), ...(maxInFlight !== undefined ? { maxInFlight } : {}) }
      for await (const batch of options.pool.readScanFiles(this.state, this.scanFiles(), run)) {
        if (batch.numRows === 0) continue
        if (batch.numRows >= remaining) {
          yield batch.slice(0, remaining)
          return
        }
        remaining -= batch.numRows
        yield batch
      }
      return
    }
    for (const file of this.scanFiles()) {
      throwIfAborted(signal)
      this.metrics.filesRead++
      this.metrics.bytesRead += file.size
      for await (const batch of readScanFile(this.snapshot.engine, this.state, file, { signal, metrics: this.metrics })) {
        if (batch.numRows === 0) continue
        if (batch.numRows >= remaining) {
          yield batch.slice(0, remaining)
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
