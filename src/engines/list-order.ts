/**
 * Listing semantics shared by the engines: which entries a `list` call yields, given a snapshot
 * of candidate locations. Kept pure so the in-memory engine and the local engine agree exactly.
 *
 * @packageDocumentation
 */
import { InvalidArgumentError } from '../errors.js'
import { compareUtf8 } from './utf8-order.js'

/** Throws `InvalidArgumentError` unless `dir` is a directory location (ends in `/`). */
export function assertDirectory(dir: string): void {
  if (typeof dir !== 'string' || !dir.endsWith('/')) {
    throw new InvalidArgumentError(`list: expected a directory location ending in '/', got '${String(dir)}'`)
  }
}

/**
 * Sorts locations ascending by UTF-8 bytes (in place) and drops those not strictly after
 * `startAfter`. Strict, because the kernel passes the last location it already has.
 */
export function orderListing<T extends { readonly location: string }>(entries: T[], startAfter?: string): T[] {
  const kept = startAfter === undefined ? entries : entries.filter((e) => compareUtf8(e.location, startAfter) > 0)
  return kept.sort((a, b) => compareUtf8(a.location, b.location))
}

/** Throws `InvalidArgumentError` unless `[start, end)` is a valid byte range. */
export function assertRange(location: string, start: number, end: number): void {
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new InvalidArgumentError(
      `readRange: expected integers 0 <= start <= end, got start=${start} end=${end} for ${location}`,
    )
  }
}
