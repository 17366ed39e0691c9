/**
 * Resolving paths found in the log (`add.path`, `remove.path`, `cdc.path`, DV paths) against the
 * table root, and refusing those that escape it. The log stores RFC 2396 URI references: a
 * relative reference is resolved against the root URL, so `a%20b.parquet` names the file `a b.parquet`.
 *
 * @packageDocumentation
 */
import { InvalidPathError } from '../errors.js'

const SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:/

/** Options of {@link resolveTablePath}. */
export interface ResolvePathOptions {
  /**
   * Allow absolute URIs (shallow clones reference files of other tables). Default false: an
   * absolute path is refused so a crafted log cannot make the kernel read outside the table.
   */
  readonly allowAbsolutePaths?: boolean
}

/** Whether a log path is an absolute URI (has a scheme) rather than a table-relative reference. */
export function isAbsolutePath(path: string): boolean {
  return SCHEME.test(path) || path.startsWith('/')
}

/**
 * The absolute location of a path from the log. Throws `InvalidPathError` when the path is empty,
 * escapes the table root (`../`, `%2e%2e/`), or is absolute and absolute paths are not allowed.
 */
export function resolveTablePath(tableRoot: string, path: string, options: ResolvePathOptions = {}): string {
  if (path === '') throw new InvalidPathError(`${tableRoot}: empty file path in the log`)
  if (isAbsolutePath(path)) {
    if (!options.allowAbsolutePaths) {
      // An absolute path inside the table root is harmless; anything else needs the opt-in.
      const abs = SCHEME.test(path) ? normaliseAbsolute(path) : undefined
      if (abs && abs.startsWith(tableRoot)) return abs
      throw new InvalidPathError(
        `${tableRoot}: absolute path '${path}' in the log points outside the table (set allowAbsolutePaths to read shallow clones)`,
      )
    }
    const abs = SCHEME.test(path) ? normaliseAbsolute(path) : new URL(path, tableRoot).href
    return abs
  }
  // './' keeps a first segment containing ':' from being read as a scheme.
  let resolved: string
  try {
    resolved = new URL(`./${path}`, tableRoot).href
  } catch {
    throw new InvalidPathError(`${tableRoot}: invalid file path '${path}' in the log`)
  }
  if (!resolved.startsWith(tableRoot) || resolved.length === tableRoot.length) {
    throw new InvalidPathError(`${tableRoot}: path '${path}' in the log escapes the table root`)
  }
  return resolved
}

/** Spark writes `file:/a/b` (one slash); URL parsing turns it into `file:///a/b`. */
function normaliseAbsolute(path: string): string {
  try {
    return new URL(path).href
  } catch {
    throw new InvalidPathError(`invalid absolute path '${path}' in the log`)
  }
}
