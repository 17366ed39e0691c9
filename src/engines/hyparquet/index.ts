/**
 * The default Parquet engine: hyparquet's page decoders behind the kernel's
 * {@link ParquetHandler} contract, with exact values and Arrow output built from flat buffers.
 *
 * @packageDocumentation
 */
import type { Compressors } from 'hyparquet'
import { compressors as allCompressors } from 'hyparquet-compressors'
import type { FileMeta, FileSystem, IoOptions } from '../../engine/file-system.js'
import type { ParquetFooter, ParquetHandler } from '../../engine/parquet.js'
import { FooterCache, loadFooter } from './footer.js'
import { readParquetFile } from './read.js'
import { toParquetFooter } from './statistics.js'
import { writeParquetFile } from './write.js'

/** Options of {@link createHyparquetHandler}. */
export interface HyparquetHandlerOptions {
  /** Decompressors by codec; default hyparquet-compressors (snappy, gzip, zstd, brotli, lz4). */
  readonly compressors?: Compressors
}

/** A {@link ParquetHandler} reading and writing through `fileSystem`. */
export function createHyparquetHandler(fileSystem: FileSystem, options: HyparquetHandlerOptions = {}): ParquetHandler {
  const compressors = options.compressors ?? (allCompressors as Compressors)
  const cache = new FooterCache()
  const footer = (file: FileMeta, signal: AbortSignal | undefined) =>
    cache.get(file, () => loadFooter(fileSystem, file, { signal }))
  return {
    async readFooter(file: FileMeta, io: IoOptions = {}): Promise<ParquetFooter> {
      const loaded = await footer(file, io.signal)
      return toParquetFooter(loaded.metadata, loaded.bytes)
    },
    read(file, readOptions) {
      return readParquetFile({ fileSystem, compressors, footer: async (f, s) => (await footer(f, s)).metadata }, file, readOptions)
    },
    write(location, data, writeOptions) {
      return writeParquetFile(fileSystem, location, data, writeOptions)
    },
  }
}
