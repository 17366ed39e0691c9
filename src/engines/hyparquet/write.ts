/**
 * Writes Arrow data as a Parquet file with hyparquet-writer's column writer, in the layout Spark
 * writes (see write-schema.ts), snappy-compressed by default, with statistics; the bytes go
 * through `fileSystem.put` in one call. Levels and values come straight from the Arrow buffers
 * (write-levels.ts); hyparquet-writer's own row-object input is bypassed, and with it most of
 * its garbage.
 *
 * Codecs: uncompressed, snappy (built in) and gzip (fflate). zstd is refused: hyparquet-writer
 * has no zstd compressor and none is bundled.
 *
 * @packageDocumentation
 */
import * as arrow from 'apache-arrow'
import { gzipSync } from 'fflate'
import type { ColumnChunk } from 'hyparquet'
import { ByteWriter, ParquetWriter } from 'hyparquet-writer'
import { writeColumn } from 'hyparquet-writer/src/column.js'
import type { FileSystem } from '../../engine/file-system.js'
import type { ParquetWriteOptions, WrittenParquetFile } from '../../engine/parquet.js'
import { DeltaError, InvalidArgumentError, ParquetError, UnsupportedFeatureError, throwIfAborted } from '../../errors.js'
import { leafPageData, type ColumnChunks } from './write-levels.js'
import { planWrite, writableFields, type WriteLeaf } from './write-schema.js'

/** Default rows per row group. */
export const DEFAULT_ROW_GROUP_SIZE = 100_000

/** Target uncompressed page size (hyparquet-writer's default). */
const PAGE_SIZE = 1 << 20

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
  const starts: number[] = []
  let numRows = 0
  for (const b of batches) {
    starts.push(numRows)
    numRows += b.numRows
  }
  const columns: ColumnChunks[] = fields.map((f) => {
    let index = arrowFields.findIndex((a) => a.name === f.name)
    if (index < 0 && arrowFields.length === options.schema.fields.length) index = options.schema.fields.indexOf(f)
    if (index < 0 && batches.length > 0) {
      throw new InvalidArgumentError(
        `parquet: expected a column ${f.name} in the data written to ${location}, found ${arrowFields.map((a) => a.name).join(', ')}`,
      )
    }
    return { chunks: batches.map((b) => b.data.children[index]!), starts }
  })
  const { codec, compressors } = codecOf(options.compression)
  const { elements, leaves } = planWrite(options.schema)
  try {
    const writer = new ByteWriter()
    const pq = new ParquetWriter({
      writer,
      schema: elements,
      codec,
      compressors,
      statistics: true,
      kvMetadata: Object.entries(options.keyValueMetadata ?? {}).map(([key, value]) => ({ key, value })),
      createdBy: 'delta-kernel (hyparquet-writer)',
    })
    const groupRows = Math.max(1, options.rowGroupSize ?? DEFAULT_ROW_GROUP_SIZE)
    for (let start = 0; start < numRows; start += groupRows) {
      const end = Math.min(numRows, start + groupRows)
      writeRowGroup(pq, leaves, columns, start, end)
    }
    pq.finish()
    return new Uint8Array(writer.getBuffer())
  } catch (cause) {
    if (cause instanceof DeltaError) throw cause
    throw new ParquetError(`parquet: cannot write ${location}: ${String(cause)}`, { cause })
  }
}

/** One row group, written leaf by leaf (what ParquetWriter.write does, minus its object-per-row input). */
function writeRowGroup(pq: ParquetWriter, leaves: readonly WriteLeaf[], columns: readonly ColumnChunks[], start: number, end: number): void {
  const groupStart = pq.writer.offset
  const chunks: ColumnChunk[] = []
  for (const leaf of leaves) {
    const names = leaf.path.slice(1).map((e) => e.name)
    const pageData = leafPageData(leaf, columns[leaf.top]!, start, end, names.join('.'))
    const result = writeColumn({
      writer: pq.writer,
      column: {
        columnName: names.join('.'),
        element: leaf.path[leaf.path.length - 1]!,
        schemaPath: [...leaf.path],
        codec: pq.codec,
        compressors: pq.compressors,
        stats: pq.statistics,
        statisticsTruncateLength: pq.statisticsTruncateLength,
        pageSize: PAGE_SIZE,
        columnIndex: false,
        offsetIndex: true,
      },
      pageData: pageData as Parameters<typeof writeColumn>[0]['pageData'],
    })
    chunks.push(result.chunk)
    pq.pendingIndexes.push(result)
  }
  let totalByteSize = 0n
  for (const c of chunks) totalByteSize += c.meta_data?.total_uncompressed_size ?? 0n
  pq.num_rows += BigInt(end - start)
  pq.row_groups.push({
    columns: chunks,
    total_byte_size: totalByteSize,
    num_rows: BigInt(end - start),
    total_compressed_size: BigInt(pq.writer.offset - groupStart),
  })
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
