/**
 * Writes Arrow data as a Parquet file with hyparquet-writer, in the layout Spark writes (see
 * write-schema.ts), snappy-compressed by default, with statistics; the bytes go through
 * `fileSystem.put` in one call.
 *
 * Codecs: uncompressed, snappy (built in) and gzip (fflate). zstd is refused: hyparquet-writer
 * has no zstd compressor and none is bundled.
 *
 * @packageDocumentation
 */
import * as arrow from 'apache-arrow'
import { gzipSync } from 'fflate'
import { parquetWriteBuffer, type ColumnSource } from 'hyparquet-writer'
import type { FileSystem } from '../../engine/file-system.js'
import type { ParquetWriteOptions, WrittenParquetFile } from '../../engine/parquet.js'
import { DeltaError, InvalidArgumentError, ParquetError, UnsupportedFeatureError, throwIfAborted } from '../../errors.js'
import { columnValues } from './arrow-to-js.js'
import { parquetSchemaOf, writableFields } from './write-schema.js'

/** Default rows per row group. */
export const DEFAULT_ROW_GROUP_SIZE = 100_000

/** Writes `data` (in the physical `options.schema`) as a Parquet file at `location`. */
export async function writeParquetFile(
  fileSystem: FileSystem,
  location: string,
  data: arrow.Table | readonly arrow.RecordBatch[],
  options: ParquetWriteOptions,
): Promise<WrittenParquetFile> {
  throwIfAborted(options.signal)
  const bytes = encodeParquet(data, options, location)
  await fileSystem.put(location, bytes, { signal: options.signal })
  return { location, size: bytes.byteLength, numRows: countRows(data) }
}

function countRows(data: arrow.Table | readonly arrow.RecordBatch[]): number {
  return data instanceof arrow.Table ? data.numRows : data.reduce((n, b) => n + b.numRows, 0)
}

/** The Parquet bytes for `data` (exported for tests that skip the file system). */
export function encodeParquet(
  data: arrow.Table | readonly arrow.RecordBatch[],
  options: ParquetWriteOptions,
  location: string,
): Uint8Array {
  const batches = data instanceof arrow.Table ? data.batches : data
  const arrowFields = batches[0]?.schema.fields ?? (data instanceof arrow.Table ? data.schema.fields : [])
  const fields = writableFields(options.schema)
  const columnData: ColumnSource[] = fields.map((f) => {
    let index = arrowFields.findIndex((a) => a.name === f.name)
    if (index < 0 && arrowFields.length === options.schema.fields.length) index = options.schema.fields.indexOf(f)
    if (index < 0 && batches.length > 0) {
      throw new InvalidArgumentError(`parquet: expected a column ${f.name} in the data written to ${location}, found ${arrowFields.map((a) => a.name).join(', ')}`)
    }
    const chunks = batches.map((b) => b.data.children[index]!)
    return { name: f.name, data: columnValues(f.type, chunks, f.name) as ColumnSource['data'], nullable: f.nullable }
  })
  const { codec, compressors } = codecOf(options.compression)
  try {
    const buffer = parquetWriteBuffer({
      columnData,
      schema: parquetSchemaOf(options.schema),
      codec,
      compressors,
      statistics: true,
      rowGroupSize: options.rowGroupSize ?? DEFAULT_ROW_GROUP_SIZE,
      kvMetadata: Object.entries(options.keyValueMetadata ?? {}).map(([key, value]) => ({ key, value })),
      createdBy: 'delta-kernel (hyparquet-writer)',
    })
    return new Uint8Array(buffer)
  } catch (cause) {
    if (cause instanceof DeltaError) throw cause
    throw new ParquetError(`parquet: cannot write ${location}: ${String(cause)}`, { cause })
  }
}

function codecOf(compression: ParquetWriteOptions['compression']): {
  codec: 'UNCOMPRESSED' | 'SNAPPY' | 'GZIP'
  compressors?: { GZIP: (input: Uint8Array) => Uint8Array }
} {
  switch (compression ?? 'snappy') {
    case 'uncompressed':
      return { codec: 'UNCOMPRESSED' }
    case 'snappy':
      return { codec: 'SNAPPY' }
    case 'gzip':
      return { codec: 'GZIP', compressors: { GZIP: (input) => gzipSync(input) } }
    default:
      throw new UnsupportedFeatureError('parquet zstd write', 'parquet: writing zstd-compressed Parquet is not supported by this engine (use snappy or gzip)')
  }
}
