/**
 * Atomic writes on a local file system. Every write stages the bytes in a temporary file in the
 * target's directory, then publishes it in one step, so a reader sees either nothing (or the old
 * object) or the complete new one, never a prefix:
 * - put-if-absent publishes with `link(temp, target)`, which fails with EEXIST if anything is
 *   already there, atomically even against other processes (`open(..., 'wx')` alone would be
 *   atomic too, but readers could see the file while it is still being written);
 * - put publishes with `rename(temp, target)`, which atomically replaces the target.
 *
 * A process that dies mid-write can leave a `.dk-tmp-*` file behind; listings hide these.
 *
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto'
import { link, mkdir, open, rename, unlink } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { PutIfAbsentResult } from '../engine/file-system.js'
import { throwIfAborted } from '../errors.js'
import { TEMP_PREFIX, errnoOf, storageFailure } from './local-fs-paths.js'

/** How durable a published write is. */
export interface WriteOptions {
  /** fsync the data before publishing and the directory after (survives power loss). */
  readonly sync: boolean
  readonly signal?: AbortSignal
}

/** Creates `path` with `data` unless something exists there; see the module doc. */
export async function putIfAbsentLocal(
  location: string,
  path: string,
  data: Uint8Array,
  options: WriteOptions,
): Promise<PutIfAbsentResult> {
  const temp = await stage(location, path, data, options)
  try {
    // Last chance to cancel: once the link lands the object exists, and reporting "aborted"
    // for a write that happened would mislead a committer.
    throwIfAborted(options.signal)
    await link(temp, path)
  } catch (e) {
    if (errnoOf(e) === 'EEXIST') return { status: 'exists' }
    throw storageFailure('putIfAbsent', location, e, false)
  } finally {
    await unlink(temp).catch(() => undefined)
  }
  if (options.sync) await syncDirectory(dirname(path))
  return { status: 'created' }
}

/** Creates or atomically replaces `path` with `data`. */
export async function putLocal(location: string, path: string, data: Uint8Array, options: WriteOptions): Promise<void> {
  const temp = await stage(location, path, data, options)
  try {
    throwIfAborted(options.signal)
    await rename(temp, path)
  } catch (e) {
    await unlink(temp).catch(() => undefined)
    throw storageFailure('put', location, e, false)
  }
  if (options.sync) await syncDirectory(dirname(path))
}

/** Writes `data` to a fresh temporary file beside `path`, creating directories as needed. */
async function stage(location: string, path: string, data: Uint8Array, options: WriteOptions): Promise<string> {
  throwIfAborted(options.signal)
  const dir = dirname(path)
  const temp = join(dir, TEMP_PREFIX + randomBytes(8).toString('hex'))
  try {
    let handle
    try {
      handle = await open(temp, 'wx')
    } catch (e) {
      if (errnoOf(e) !== 'ENOENT') throw e
      // First write into a new directory: create it, then retry once.
      await mkdir(dir, { recursive: true })
      handle = await open(temp, 'wx')
    }
    try {
      await handle.writeFile(data)
      if (options.sync) await handle.sync()
    } catch (e) {
      await handle.close().catch(() => undefined)
      await unlink(temp).catch(() => undefined)
      throw e
    }
    await handle.close()
    return temp
  } catch (e) {
    throw storageFailure('write', location, e, false)
  }
}

/** Persists a directory entry change; best effort, as some platforms cannot open directories. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r')
    try {
      await handle.sync()
    } finally {
      await handle.close()
    }
  } catch {
    // EISDIR/EPERM/EINVAL on platforms without directory fsync: the data itself is synced.
  }
}
