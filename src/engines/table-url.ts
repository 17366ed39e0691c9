/**
 * Turning what a person types (a path, relative or absolute, or a URL) into the table root URL
 * the kernel wants: absolute, normalised, ending in `/`.
 *
 * @packageDocumentation
 */
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { InvalidArgumentError } from '../errors.js'

// Two or more characters, so a Windows drive letter (`C:\data`) stays a path.
const URL_SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]+:/

/**
 * The table root URL for a filesystem path or URL. Paths are resolved against `process.cwd()`
 * and percent-encoded (`/data/my table` → `file:///data/my%20table/`); `file:` URLs are
 * normalised (`file:/data/t` → `file:///data/t/`); other URLs (`s3://b/t`) are normalised and
 * passed through. Throws `InvalidArgumentError` for an empty string, a malformed URL, or a URL
 * with a query or fragment (which no table root has).
 */
export function toTableUrl(pathOrUrl: string): string {
  if (pathOrUrl === '') throw new InvalidArgumentError('table location: expected a path or URL, got an empty string')
  let href: string
  if (URL_SCHEME.test(pathOrUrl)) {
    let url: URL
    try {
      url = new URL(pathOrUrl)
    } catch {
      throw new InvalidArgumentError(`table location: '${pathOrUrl}' is not a valid URL`)
    }
    if (url.search !== '' || url.hash !== '' || pathOrUrl.includes('#') || pathOrUrl.includes('?')) {
      throw new InvalidArgumentError(
        `table location: '${pathOrUrl}' has a query or fragment; percent-encode '?' and '#' in paths`,
      )
    }
    href = url.href
  } else {
    href = pathToFileURL(resolve(process.cwd(), pathOrUrl)).href
  }
  return href.endsWith('/') ? href : href + '/'
}
