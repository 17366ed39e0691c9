/**
 * Footer I/O: one ranged read from the end of the file (the last 512 KB, or the whole file when it
 * is smaller), and one more only when the metadata is larger than that.
 *
 * @packageDocumentation
 */
import type { FileMetaData } from 'hyparquet'
import { parquetMetadata } from 'hyparquet/src/metadata.js'
import type { FileMeta, FileSystem, IoOptions } from '../../engine/file-system.js'
import { ParquetError, throwIfAborted } from '../../errors.js'

/** Bytes fetched by the first footer read. */
export const INITIAL_FOOTER_FETCH = 512 * 1024

/** A parsed footer together with the raw bytes it came from (statistics are decoded from those). */
export interface LoadedFooter {
  readonly metadata: FileMetaData
  /** `metadata + length + "PAR1"`, the last bytes of the file. */
  readonly bytes: Uint8Array
}

/** Reads and parses the footer of `file` (at most two `readRange` calls). */
export async function loadFooter(fileSystem: FileSystem, file: FileMeta, options: IoOptions = {}): Promise<LoadedFooter> {
  throwIfAborted(options.signal)
  const size = file.size
  if (size < 12) throw new ParquetError(`parquet: expected a Parquet file of at least 12 bytes, found ${size} bytes in ${file.location}`)
  const start = Math.max(0, size - INITIAL_FOOTER_FETCH)
  const tail = await fileSystem.readRange(file.location, start, size, options)
  checkMagic(tail, file.location)
  const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength)
  const metadataLength = view.getUint32(tail.byteLength - 8, true)
  if (metadataLength + 8 > size - 4) {
    throw new ParquetError(`parquet: footer length ${metadataLength} exceeds the file size ${size} of ${file.location}`)
  }
  let bytes: Uint8Array
  if (metadataLength + 8 <= tail.byteLength) {
    bytes = tail.subarray(tail.byteLength - metadataLength - 8)
  } else {
    const metadataStart = size - metadataLength - 8
    const head = await fileSystem.readRange(file.location, metadataStart, start, options)
    bytes = new Uint8Array(metadataLength + 8)
    bytes.set(head, 0)
    bytes.set(tail, start - metadataStart)
  }
  try {
    return { metadata: parquetMetadata(bytes, { geoparquet: false }), bytes }
  } catch (cause) {
    throw new ParquetError(`parquet: cannot parse the footer of ${file.location}: ${String(cause)}`, { cause })
  }
}

function checkMagic(tail: Uint8Array, location: string): void {
  const n = tail.byteLength
  // "PAR1"
  if (tail[n - 4] !== 0x50 || tail[n - 3] !== 0x41 || tail[n - 2] !== 0x52 || tail[n - 1] !== 0x31) {
    throw new ParquetError(`parquet: expected the magic bytes PAR1 at the end of ${location}, found something else`)
  }
}

/**
 * A tiny cache of parsed footers, keyed by location, size and modification time, so that the
 * kernel's `readFooter` (for pruning) followed by `read` costs one footer fetch, not two.
 */
export class FooterCache {
  private readonly entries = new Map<string, Promise<LoadedFooter>>()
  constructor(private readonly capacity = 32) {}

  /** The footer of `file`, loaded through `load` on a miss. */
  get(file: FileMeta, load: () => Promise<LoadedFooter>): Promise<LoadedFooter> {
    const key = `${file.location}\u0000${file.size}\u0000${file.lastModified}`
    const hit = this.entries.get(key)
    if (hit) {
      this.entries.delete(key)
      this.entries.set(key, hit)
      return hit
    }
    const promise = load()
    this.entries.set(key, promise)
    promise.catch(() => this.entries.delete(key))
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!)
    return promise
  }
}
