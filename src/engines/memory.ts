/**
 * An in-memory `FileSystem` for tests, examples and browsers: a map from location to bytes.
 * Any URL scheme works (`memory:///t/`); locations are compared as plain strings, so the caller
 * picks one spelling per object (the kernel always passes normalised URLs).
 *
 * Runtime-neutral: no `node:*` imports.
 *
 * @packageDocumentation
 */
import type {
  FileMeta,
  FileSystem,
  IoOptions,
  ListOptions,
  PutIfAbsentResult,
} from '../engine/file-system.js'
import { FileNotFoundError, InvalidArgumentError, StorageError, throwIfAborted } from '../errors.js'
import { assertDirectory, assertRange, orderListing } from './list-order.js'

/** Options of {@link createMemoryFileSystem}. */
export interface MemoryFileSystemOptions {
  /**
   * Clock for `lastModified`, in epoch milliseconds. Default `Date.now`. Inject one to give
   * commits chosen timestamps (timestamp time travel tests).
   */
  readonly now?: () => number
}

interface StoredObject {
  readonly bytes: Uint8Array
  readonly lastModified: number
}

/**
 * Creates an empty in-memory file system. `putIfAbsent` is atomic: its check-and-set runs in one
 * synchronous step, which nothing else in the same JavaScript realm can interleave with.
 * Stored and returned bytes are copies, so callers may reuse their buffers.
 */
export function createMemoryFileSystem(options: MemoryFileSystemOptions = {}): FileSystem {
  const now = options.now ?? Date.now
  const objects = new Map<string, StoredObject>()

  const stamp = (location: string): number => {
    const t = now()
    if (!Number.isFinite(t)) throw new StorageError(`memory: clock returned ${t} while writing ${location}`)
    return Math.floor(t)
  }
  const get = (location: string): StoredObject => {
    const o = objects.get(location)
    if (!o) throw new FileNotFoundError(location)
    return o
  }
  const meta = (location: string, o: StoredObject): FileMeta => ({
    location,
    size: o.bytes.byteLength,
    lastModified: o.lastModified,
  })

  return {
    capabilities: { atomicPutIfAbsent: true },

    async *list(dir: string, opts: ListOptions = {}): AsyncIterable<FileMeta> {
      throwIfAborted(opts.signal)
      assertDirectory(dir)
      // Snapshot first: writes made while the caller iterates must not disturb the order.
      const found: FileMeta[] = []
      for (const [location, o] of objects) {
        if (!location.startsWith(dir) || location.length === dir.length) continue
        if (!opts.recursive && location.indexOf('/', dir.length) !== -1) continue
        found.push(meta(location, o))
      }
      for (const m of orderListing(found, opts.startAfter)) {
        throwIfAborted(opts.signal)
        yield m
      }
    },

    async read(location: string, opts: IoOptions = {}): Promise<Uint8Array> {
      throwIfAborted(opts.signal)
      return get(location).bytes.slice()
    },

    async readRange(location: string, start: number, end: number, opts: IoOptions = {}): Promise<Uint8Array> {
      throwIfAborted(opts.signal)
      assertRange(location, start, end)
      const { bytes } = get(location)
      if (end > bytes.byteLength) {
        throw new StorageError(
          `memory: range [${start}, ${end}) is past the end of ${location} (${bytes.byteLength} bytes)`,
        )
      }
      return bytes.slice(start, end)
    },

    async head(location: string, opts: IoOptions = {}): Promise<FileMeta> {
      throwIfAborted(opts.signal)
      return meta(location, get(location))
    },

    async putIfAbsent(location: string, data: Uint8Array, opts: IoOptions = {}): Promise<PutIfAbsentResult> {
      throwIfAborted(opts.signal)
      assertObjectLocation(location)
      // No await between the check and the set: this is the atomicity guarantee.
      if (objects.has(location)) return { status: 'exists' }
      objects.set(location, { bytes: data.slice(), lastModified: stamp(location) })
      return { status: 'created' }
    },

    async put(location: string, data: Uint8Array, opts: IoOptions = {}): Promise<void> {
      throwIfAborted(opts.signal)
      assertObjectLocation(location)
      objects.set(location, { bytes: data.slice(), lastModified: stamp(location) })
    },

    async delete(location: string, opts: IoOptions = {}): Promise<void> {
      throwIfAborted(opts.signal)
      objects.delete(location)
    },
  }
}

/** A location ending in `/` names a directory; storing bytes there would make it unlistable. */
function assertObjectLocation(location: string): void {
  if (typeof location !== 'string' || location === '' || location.endsWith('/')) {
    throw new InvalidArgumentError(`memory: expected an object location not ending in '/', got '${String(location)}'`)
  }
}
