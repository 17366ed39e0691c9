/** A FileSystem wrapper counting the objects and bytes read, to report a scan's real I/O. */
import type { FileSystem } from '../../src/engine/file-system.js'

/** A wrapped file system plus its counters. */
export interface CountingFileSystem {
  readonly fileSystem: FileSystem
  /** Distinct locations read (whole or ranged) since the last reset, matching `filter` if given. */
  files(filter?: (location: string) => boolean): number
  /** Bytes read since the last reset, from locations matching `filter` if given. */
  bytes(filter?: (location: string) => boolean): number
  reset(): void
}

/** Wraps `inner`, counting every byte `read` and `readRange` return. */
export function countingFileSystem(inner: FileSystem): CountingFileSystem {
  const read = new Map<string, number>()
  const count = (location: string, data: Uint8Array) => {
    read.set(location, (read.get(location) ?? 0) + data.byteLength)
    return data
  }
  const matching = (filter?: (location: string) => boolean) => [...read].filter(([l]) => !filter || filter(l))
  const fileSystem: FileSystem = {
    capabilities: inner.capabilities,
    list: (dir, options) => inner.list(dir, options),
    read: async (location, options) => count(location, await inner.read(location, options)),
    readRange: async (location, start, end, options) => count(location, await inner.readRange(location, start, end, options)),
    head: (location, options) => inner.head(location, options),
    putIfAbsent: (location, data, options) => inner.putIfAbsent(location, data, options),
    put: (location, data, options) => inner.put(location, data, options),
    delete: (location, options) => inner.delete(location, options),
  }
  return {
    fileSystem,
    files: (filter) => matching(filter).length,
    bytes: (filter) => matching(filter).reduce((n, [, b]) => n + b, 0),
    reset: () => read.clear(),
  }
}
