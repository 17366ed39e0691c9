/**
 * The local engine's boundary: `file://` URLs to paths and back, and Node errors to kernel errors.
 *
 * Locations arrive percent-encoded (the kernel builds them with `new URL`), so a file named
 * `a%20b` on disk is `a%2520b` in a location, and `a b` is `a%20b`. Decoding goes through
 * `fileURLToPath` and listed names are encoded as WHATWG URL parsing spells them, so both
 * directions round-trip.
 *
 * @packageDocumentation
 */
import { fileURLToPath } from 'node:url'
import { AbortedError, DeltaError, FileNotFoundError, InvalidArgumentError, StorageError } from '../errors.js'

/**
 * Prefix of the temporary files that atomic writes stage next to their target. Listing hides
 * them: they are never complete objects, and a reader must not pick one up mid-write.
 */
export const TEMP_PREFIX = '.dk-tmp-'
const TEMP_NAME = /^\.dk-tmp-[0-9a-f]{16}$/

/** Whether a directory entry is one of our staging files. */
export function isTempName(name: string): boolean {
  return TEMP_NAME.test(name)
}

/**
 * The filesystem path of a `file://` location. Throws `InvalidArgumentError` for another scheme,
 * a malformed URL, or a raw `?` / `#` (which URL parsing would silently drop, reading the wrong
 * file; a file name containing them is spelled `%3F` / `%23`).
 */
export function toPath(location: string): string {
  let url: URL
  try {
    url = new URL(location)
  } catch {
    throw new InvalidArgumentError(`local file system: expected a file:// URL, got '${location}'`)
  }
  if (url.protocol !== 'file:') {
    throw new InvalidArgumentError(`local file system: expected a file:// URL, got scheme '${url.protocol}' in '${location}'`)
  }
  if (location.includes('?') || location.includes('#')) {
    throw new InvalidArgumentError(
      `local file system: '${location}' has a raw '?' or '#'; percent-encode them (%3F, %23) in file names`,
    )
  }
  try {
    return fileURLToPath(url)
  } catch (e) {
    throw new InvalidArgumentError(`local file system: '${location}' is not a valid file path: ${messageOf(e)}`)
  }
}

/**
 * The URL spelling of one directory entry name, to append to its directory's location. It is the
 * WHATWG-canonical spelling, the same that `new URL(name, dir)` gives for an encoded name, so a
 * listed location equals the one the kernel resolves from the log (vacuum compares them).
 * `pathToFileURL` is not used: it also escapes `~ [ ] | ^`, which URL parsing leaves alone.
 */
export function encodeName(name: string): string {
  // Escape what URL parsing would reinterpret (%, #, ?, backslash) or strip (controls, edge spaces).
  const escaped = name.replace(/[\x00-\x20%#?\\]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'))
  // './' keeps a name containing ':' from being read as a scheme.
  return new URL('./' + escaped, 'file:///').href.slice('file:///'.length)
}

/** The Node error code of `e`, if it has one. */
export function errnoOf(e: unknown): string | undefined {
  if (typeof e === 'object' && e !== null && 'code' in e) {
    const code = (e as { code: unknown }).code
    if (typeof code === 'string') return code
  }
  return undefined
}

/**
 * Wraps a Node failure once, naming the operation and the location. For reads, a missing file
 * (or a directory where an object was expected) becomes `FileNotFoundError`; for writes every
 * failure is a `StorageError`, since the target being absent is never the problem there.
 */
export function storageFailure(op: string, location: string, e: unknown, read: boolean): DeltaError {
  if (e instanceof DeltaError) return e
  if (e instanceof Error && e.name === 'AbortError') return new AbortedError(`${op} ${location} aborted`, { cause: e })
  const code = errnoOf(e)
  if (read && (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR')) {
    return new FileNotFoundError(location, { cause: e })
  }
  return new StorageError(`local file system: ${op} ${location} failed: ${messageOf(e)}`, { cause: e })
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}
