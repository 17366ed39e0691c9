/**
 * Listing a local directory as the `FileSystem.list` contract wants it: files only, ascending by
 * UTF-8 bytes of their locations, strictly after `startAfter`, optionally recursive.
 *
 * I/O budget: one `readdir` per directory visited, then one `stat` per entry that survives the
 * `startAfter` filter (sizes and times are part of `FileMeta`), issued in small parallel batches
 * and only as far as the caller iterates.
 *
 * @packageDocumentation
 */
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { FileMeta, ListOptions } from '../engine/file-system.js'
import { throwIfAborted } from '../errors.js'
import { assertDirectory, orderListing } from './list-order.js'
import { encodeName, errnoOf, isTempName, storageFailure, toPath } from './local-fs-paths.js'

const STAT_BATCH = 32

interface Candidate {
  readonly location: string
  readonly path: string
}

/** Lists `dir` (a `file://` location ending in `/`); a missing directory yields nothing. */
export async function* listLocal(dir: string, options: ListOptions = {}): AsyncIterable<FileMeta> {
  const { signal } = options
  throwIfAborted(signal)
  assertDirectory(dir)
  const candidates: Candidate[] = []
  await collect(dir, toPath(dir), options.recursive === true, candidates, signal)
  const ordered = orderListing(candidates, options.startAfter)
  for (let i = 0; i < ordered.length; i += STAT_BATCH) {
    throwIfAborted(signal)
    const metas = await Promise.all(ordered.slice(i, i + STAT_BATCH).map(statCandidate))
    for (const m of metas) {
      if (m === undefined) continue
      throwIfAborted(signal)
      yield m
    }
  }
}

async function collect(
  location: string,
  path: string,
  recursive: boolean,
  out: Candidate[],
  signal: AbortSignal | undefined,
): Promise<void> {
  throwIfAborted(signal)
  let entries
  try {
    entries = await readdir(path, { withFileTypes: true })
  } catch (e) {
    // Missing (or not a directory, or removed mid-walk): nothing is stored under it.
    const code = errnoOf(e)
    if (code === 'ENOENT' || code === 'ENOTDIR') return
    throw storageFailure('list', location, e, false)
  }
  for (const entry of entries) {
    const child = join(path, entry.name)
    if (entry.isDirectory()) {
      // Symlinked directories are not followed (they could loop); only real ones.
      if (recursive) await collect(location + encodeName(entry.name) + '/', child, true, out, signal)
    } else if (!isTempName(entry.name)) {
      // Files, symlinks and unknown types: stat decides, following links as reads do.
      out.push({ location: location + encodeName(entry.name), path: child })
    }
  }
}

async function statCandidate(c: Candidate): Promise<FileMeta | undefined> {
  try {
    const s = await stat(c.path)
    if (!s.isFile()) return undefined
    return { location: c.location, size: s.size, lastModified: Math.floor(s.mtimeMs) }
  } catch (e) {
    // Deleted between readdir and stat (vacuum, a concurrent delete): it is simply gone.
    const code = errnoOf(e)
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined
    throw storageFailure('list', c.location, e, false)
  }
}
