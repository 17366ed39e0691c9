/**
 * Writing Parquet files (placeholder until the writer lands).
 *
 * @packageDocumentation
 */
import type { RecordBatch, Table } from 'apache-arrow'
import type { FileSystem } from '../../engine/file-system.js'
import type { ParquetWriteOptions, WrittenParquetFile } from '../../engine/parquet.js'
import { ParquetError } from '../../errors.js'

/** Writes `data` as a Parquet file at `location`. */
export async function writeParquetFile(
  _fileSystem: FileSystem,
  location: string,
  _data: Table | readonly RecordBatch[],
  _options: ParquetWriteOptions,
): Promise<WrittenParquetFile> {
  throw new ParquetError(`parquet: writing ${location} is not implemented yet`)
}
