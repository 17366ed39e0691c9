/**
 * The default `FileSystem` for `file://` URLs, on `node:fs/promises`.
 *
 * `putIfAbsent` is atomic across processes on one machine (hard link publish, see
 * `local-fs-write.ts`), and across machines only on a shared file system whose `link` is atomic
 * (local disks, NFSv3+ are; some FUSE and SMB mounts are not).
 *
 * @packageDocumentation
 */
import { open, stat, unlink } from 'node:fs/promises'
import type { FileMeta, FileSystem, IoOptions, PutIfAbsentResult } from '../engine/file-system.js'
import { FileNotFoundError, StorageError, throwIfAborted } from '../errors.js'
import { assertRange } from './list-order.js'
import { listLocal } from './local-fs-list.js'
import { errnoOf, storageFailure, toPath } from './local-fs-paths.js'
import { putIfAbsentLocal, putLocal } from './local-fs-write.js'

/** Options of {@link createLocalFileSystem}. */
export interface LocalFileSystemOptions {
  /**
   * fsync written data and its directory before a write resolves, so a commit survives power
   * loss. Default true; tests and scratch tables may turn it off for speed.
   */
  readonly sync?: boolean
}

/** Creates the local file system engine for `file://` locations. */
export function createLocalFileSystem(options: LocalFileSystemOptions = {}): FileSystem {
  const sync = options.sync ?? true
  return {
    capabilities: { atomicPutIfAbsent: true },
    list: listLocal,
    read: readLocal,
    readRange: readRangeLocal,
    head: headLocal,
    putIfAbsent(location: string, data: Uint8Array, opts: IoOptions = {}): Promise<PutIfAbsentResult> {
      throwIfAborted(opts.signal)
      return putIfAbsentLocal(location, toPath(location), data, { sync, signal: opts.signal })
    },
    put(location: string, data: Uint8Array, opts: IoOptions = {}): Promise<void> {
      throwIfAborted(opts.signal)
      return putLocal(location, toPath(location), data, { sync, signal: opts.signal })
    },
    delete: deleteLocal,
  }
}

async function readLocal(location: string, opts: IoOptions = {}): Promise<Uint8Array> {
  throwIfAborted(opts.signal)
  const path = toPath(location)
  try {
    const handle = await open(path, 'r')
    try {
      throwIfAborted(opts.signal)
      return plainBytes(await handle.readFile({ signal: opts.signal }))
    } finally {
      await handle.close()
    }
  } catch (e) {
    throw storageFailure('read', location, e, true)
  }
}

async function readRangeLocal(location: string, start: number, end: number, opts: IoOptions = {}): Promise<Uint8Array> {
  throwIfAborted(opts.signal)
  assertRange(location, start, end)
  const path = toPath(location)
  try {
    // Opening even for an empty range: a missing file must still be reported as missing.
    const handle = await open(path, 'r')
    try {
      // Check the size before allocating: a hostile range (a DV descriptor's size or offset from
      // the log) must not make us allocate gigabytes, or pass node a length that aborts the process.
      const { size } = await handle.stat()
      if (end > size) {
        throw new StorageError(`local file system: range [${start}, ${end}) is past the end of ${location} (${size} bytes)`)
      }
      const out = new Uint8Array(end - start)
      let filled = 0
      while (filled < out.length) {
        throwIfAborted(opts.signal)
        // node's read takes an int32 length: read huge ranges in chunks.
        const { bytesRead } = await handle.read(out, filled, Math.min(out.length - filled, 0x40000000), start + filled)
        if (bytesRead === 0) {
          throw new StorageError(
            `local file system: range [${start}, ${end}) is past the end of ${location} (${start + filled} bytes)`,
          )
        }
        filled += bytesRead
      }
      return out
    } finally {
      await handle.close()
    }
  } catch (e) {
    throw storageFailure('readRange', location, e, true)
  }
}

async function headLocal(location: string, opts: IoOptions = {}): Promise<FileMeta> {
  throwIfAborted(opts.signal)
  const path = toPath(location)
  let s
  try {
    s = await stat(path)
  } catch (e) {
    throw storageFailure('head', location, e, true)
  }
  if (!s.isFile()) throw new FileNotFoundError(location)
  return { location, size: s.size, lastModified: Math.floor(s.mtimeMs) }
}

async function deleteLocal(location: string, opts: IoOptions = {}): Promise<void> {
  throwIfAborted(opts.signal)
  const path = toPath(location)
  try {
    await unlink(path)
  } catch (e) {
    if (errnoOf(e) === 'ENOENT') return
    throw storageFailure('delete', location, e, false)
  }
}

/**
 * A `Buffer` is a `Uint8Array` subclass with extra methods and, for small reads, a view into a
 * shared pool; hand out a plain array that owns its memory so `.buffer` is safe to use.
 */
function plainBytes(b: Uint8Array): Uint8Array {
  if (b.byteOffset === 0 && b.buffer.byteLength === b.byteLength) {
    return new Uint8Array(b.buffer, 0, b.byteLength)
  }
  return new Uint8Array(b)
}
