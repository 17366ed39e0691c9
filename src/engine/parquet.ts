/**
 * The Parquet contract: footers, reads into Apache Arrow, and writes.
 *
 * MUST rules (checked by the engine conformance suite):
 * - `read` yields batches in file order, never merging rows of two files, each tagged with the
 *   index of its first row in the file (deletion vectors address rows by that index).
 * - The batches have exactly the requested `schema` (converted with `toArrowSchema`), in its field
 *   order. A requested column missing from the file is all-null (schema evolution); it is an error
 *   only if the field is non-nullable and the file has rows.
 * - Columns are matched by Parquet field id when the requested field carries
 *   `parquet.field.id` metadata and the file has field ids, otherwise by physical name.
 * - Values are exact: int64 and decimals never pass through a JS `number`; timestamps keep
 *   microseconds (INT96, millis and micros all become microseconds since the epoch).
 * - `rowGroups` restricts the read to those row-group indexes (ascending).
 *
 * @packageDocumentation
 */
import type { RecordBatch, Table } from 'apache-arrow'
import type { FileMeta, IoOptions } from './file-system.js'
import type { StructType } from '../protocol/schema-types.js'

/** Min/max/null-count statistics of one column chunk, decoded to JS values of the column type. */
export interface ParquetColumnStatistics {
  /** Dotted physical path of the leaf column, e.g. `a.b`. */
  readonly path: string
  /** Minimum value (bigint for int64, string for strings, number for numbers), if known. */
  readonly min?: unknown
  readonly max?: unknown
  readonly nullCount?: number
}

/** One row group of a footer. */
export interface ParquetRowGroup {
  readonly numRows: number
  readonly columns: readonly ParquetColumnStatistics[]
}

/** What the kernel needs from a Parquet footer. */
export interface ParquetFooter {
  readonly numRows: number
  readonly rowGroups: readonly ParquetRowGroup[]
  /** Key/value metadata of the file. */
  readonly keyValueMetadata: Readonly<Record<string, string>>
}

/** A batch read from a Parquet file. */
export interface ParquetBatch {
  readonly batch: RecordBatch
  /** Index, within the file, of the batch's first row. */
  readonly firstRowIndex: number
}

/** Options of {@link ParquetHandler.read}. */
export interface ParquetReadOptions extends IoOptions {
  /** The physical schema to produce (see the MUST rules). */
  readonly schema: StructType
  /** Only these row groups (indexes into the footer), ascending. Default: all. */
  readonly rowGroups?: readonly number[]
}

/** Options of {@link ParquetHandler.write}. */
export interface ParquetWriteOptions extends IoOptions {
  /** The physical schema of the file (field ids in `parquet.field.id` metadata are written). */
  readonly schema: StructType
  /** Key/value metadata to store in the footer. */
  readonly keyValueMetadata?: Readonly<Record<string, string>>
  /** Compression codec; engines document which they support. Default snappy. */
  readonly compression?: 'uncompressed' | 'snappy' | 'gzip' | 'zstd'
  /** Rows per row group. */
  readonly rowGroupSize?: number
}

/** Result of {@link ParquetHandler.write}. */
export interface WrittenParquetFile {
  readonly location: string
  readonly size: number
  readonly numRows: number
}

/** Reads and writes Parquet files through a {@link FileSystem}. */
export interface ParquetHandler {
  /** Reads the footer (one ranged read from the end of the file, at most one more). */
  readFooter(file: FileMeta, options?: IoOptions): Promise<ParquetFooter>
  /** Reads the requested columns of a file as Arrow batches. */
  read(file: FileMeta, options: ParquetReadOptions): AsyncIterable<ParquetBatch>
  /** Writes `data` as a new Parquet file at `location` (overwriting). */
  write(location: string, data: Table | readonly RecordBatch[], options: ParquetWriteOptions): Promise<WrittenParquetFile>
}
