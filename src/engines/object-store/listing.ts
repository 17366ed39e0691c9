/**
 * Turning an object store's key listing into a `FileSystem.list` answer.
 *
 * Stores list in key order, but `list` must yield in location order, and the two differ once a
 * key needs percent-encoding (`a b` sorts before `a!b` as a key, `a%20b` after `a!b` as a
 * location). So a listing is collected whole, then filtered and sorted by location. A store-side
 * start key still cuts the common case (`_delta_log` after a version) to the tail of the log:
 * {@link storeStartAfter} computes one that can never skip an entry the caller wants.
 *
 * Runtime-neutral: no `node:*` imports.
 *
 * @packageDocumentation
 */
import type { FileMeta } from '../../engine/file-system.js'
import { orderListing } from '../list-order.js'
import { encodeKeyPath } from './keys.js'

/** One object as a store lists it. */
export interface ListedObject {
  /** Full object key. */
  readonly key: string
  readonly size: number
  /** Epoch milliseconds. */
  readonly lastModified: number
}

// Characters spelled the same in a key and in a location, and all sorting after '%', which
// starts every escape. See storeStartAfter for why both properties matter.
const SAME_SPELLING = /^[0-9A-Za-z._~/-]*/

/**
 * A key to pass as the store's exclusive "start after" for `list(dir, { startAfter })`, or
 * undefined for none. Taken as the longest prefix of `startAfter`'s path below `dir` made of
 * characters that keys and locations spell alike: any location sorting after `startAfter` either
 * extends that prefix (so its key does too, and sorts after it) or differs from it first at a
 * literal character greater than the prefix's (an escape starts with '%', which sorts below every
 * prefix character), so its key sorts after the prefix as well.
 */
export function storeStartAfter(dir: string, dirKey: string, startAfter: string | undefined): string | undefined {
  if (startAfter === undefined || !startAfter.startsWith(dir)) return undefined
  const same = SAME_SPELLING.exec(startAfter.slice(dir.length))![0]
  return same === '' ? undefined : dirKey + same
}

/**
 * The `list` answer for objects under `dirKey` (the key of directory location `dir`): locations
 * spelled below `dir`, without directory markers (keys ending in `/`) or unaddressable keys,
 * strictly after `startAfter`, ascending by UTF-8 bytes.
 */
export function toListing(
  dir: string,
  dirKey: string,
  objects: readonly ListedObject[],
  startAfter: string | undefined,
): FileMeta[] {
  const out: FileMeta[] = []
  for (const o of objects) {
    if (!o.key.startsWith(dirKey) || o.key.length === dirKey.length || o.key.endsWith('/')) continue
    const rel = encodeKeyPath(o.key.slice(dirKey.length))
    if (rel === undefined) continue
    out.push({ location: dir + rel, size: o.size, lastModified: o.lastModified })
  }
  return orderListing(out, startAfter)
}

/**
 * Modification times truncated to whole seconds: listings report milliseconds on some stores
 * while HEAD answers carry an HTTP date (seconds), and `list` and `head` must agree.
 */
export function wholeSeconds(date: Date | string | number | undefined): number {
  if (date === undefined) return 0
  const ms = date instanceof Date ? date.getTime() : typeof date === 'number' ? date : Date.parse(date)
  return Number.isFinite(ms) ? Math.floor(ms / 1000) * 1000 : 0
}
