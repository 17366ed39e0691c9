/**
 * hyparquet's byte-source abstraction over the engine's {@link FileSystem}: every `slice` is one
 * `readRange` call, so the I/O budget of a read is visible in the file system's request log.
 * The handler itself plans its ranged reads directly (footer.ts, read.ts); this adapter is for
 * callers that want hyparquet's own APIs (e.g. `parquetMetadataAsync`) over a FileSystem.
 *
 * @packageDocumentation
 */
import type { AsyncBuffer } from 'hyparquet'
import type { FileMeta, FileSystem, IoOptions } from '../../engine/file-system.js'
import { throwIfAborted } from '../../errors.js'

/** An `AsyncBuffer` reading `file` through `fileSystem.readRange`, honouring `options.signal`. */
export function fileSystemAsyncBuffer(fileSystem: FileSystem, file: FileMeta, options: IoOptions = {}): AsyncBuffer {
  return {
    byteLength: file.size,
    async slice(start: number, end?: number): Promise<ArrayBuffer> {
      throwIfAborted(options.signal)
      const bytes = await fileSystem.readRange(file.location, start, end ?? file.size, options)
      return toArrayBuffer(bytes)
    },
  }
}

/** The bytes as an exactly-sized `ArrayBuffer` (copies only when the view does not span its buffer). */
export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) {
    return bytes.buffer
  }
  return bytes.slice().buffer
}
