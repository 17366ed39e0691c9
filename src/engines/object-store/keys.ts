/**
 * Object keys and location URLs, for every object-store engine (S3, Azure, HTTP).
 *
 * A location's path is the percent-encoded object key (the kernel builds locations with
 * `new URL`), so the key `t/a b` is `…/t/a%20b` and the key `t/a%20b` is `…/t/a%2520b`. Listed
 * keys are spelled back exactly as WHATWG URL parsing spells them, so a listed location equals
 * the one the kernel resolves from a log path (vacuum and log replay compare them as strings).
 *
 * Runtime-neutral: no `node:*` imports.
 *
 * @packageDocumentation
 */
import { InvalidArgumentError } from '../../errors.js'

/** Any non-special scheme resolves paths the same way; this one is never shown to callers. */
const BASE = 'dk-key://h/'

/**
 * The URL spelling of a key path relative to a directory (`sub/a b` → `sub/a%20b`). Returns
 * undefined for a key no URL can address: a `.` or `..` segment, which URL parsing removes
 * (`%2E` is treated as a dot too), so listing skips such objects rather than yield a location
 * that names a different object.
 */
export function encodeKeyPath(relative: string): string | undefined {
  if (relative.split('/').some((s) => s === '.' || s === '..')) return undefined
  // Escape what URL parsing would reinterpret (%, #, ?, backslash) or strip (controls, spaces).
  const escaped = relative.replace(
    /[\x00-\x20%#?\\]/g,
    (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'),
  )
  // './' keeps a first segment containing ':' from being read as a scheme.
  return new URL('./' + escaped, BASE).href.slice(BASE.length)
}

/**
 * The object key of a URL path (`/t/a%20b` → `t/a b`): the path without its leading `/`,
 * percent-decoded. `engine` and `location` name the call in the error for malformed escapes.
 */
export function decodeKeyPath(pathname: string, engine: string, location: string): string {
  const raw = pathname.startsWith('/') ? pathname.slice(1) : pathname
  try {
    return decodeURIComponent(raw)
  } catch {
    throw new InvalidArgumentError(`${engine}: '${location}' has a malformed percent-escape in its path`)
  }
}

/**
 * Parses `location` as a URL with one of `schemes` (without the colon). Throws
 * `InvalidArgumentError` for a malformed URL, another scheme, or a query or fragment (a raw `?`
 * or `#` would silently cut the key; spell them `%3F` and `%23`).
 */
export function parseLocation(location: string, schemes: readonly string[], engine: string): URL {
  let url: URL
  try {
    url = new URL(location)
  } catch {
    throw new InvalidArgumentError(`${engine}: expected a ${schemes.map((s) => s + '://').join(' or ')} URL, got '${location}'`)
  }
  const scheme = url.protocol.slice(0, -1)
  if (!schemes.includes(scheme)) {
    throw new InvalidArgumentError(
      `${engine}: expected a ${schemes.map((s) => s + '://').join(' or ')} URL, got scheme '${scheme}' in '${location}'`,
    )
  }
  if (location.includes('?') || location.includes('#')) {
    throw new InvalidArgumentError(`${engine}: '${location}' has a raw '?' or '#'; percent-encode them (%3F, %23) in keys`)
  }
  return url
}
