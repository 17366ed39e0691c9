/**
 * Building and checking the file actions of a commit (PROTOCOL.md "Add File and Remove File",
 * "Delta Log Entries"): paths written as URI references, removes derived from the adds they
 * retire, and the per-commit uniqueness rules.
 *
 * @packageDocumentation
 */
import { InvalidArgumentError } from '../errors.js'
import type { Add, Remove } from '../protocol/actions.js'

// RFC 3986 path characters that need no escaping (unreserved, sub-delims, ':' and '@').
const SAFE = /[A-Za-z0-9\-._~!$&'()*+,;=:@]/

/**
 * A table-relative file path (`a=1/part-0.parquet`, segments separated by `/`) as the URI
 * reference the log stores: each segment percent-encodes (UTF-8) every character outside the
 * RFC 3986 path set, so `%` becomes `%25` and a space `%20`. A directory named
 * `ts=2021-01-01 10%3A00` is written `ts=2021-01-01%2010%253A00`, exactly as Delta Spark does.
 */
export function encodeRelativePath(path: string): string {
  return path
    .split('/')
    .map((segment) => {
      let out = ''
      for (const ch of segment) {
        if (SAFE.test(ch)) out += ch
        else for (const b of new TextEncoder().encode(ch)) out += '%' + b.toString(16).toUpperCase().padStart(2, '0')
      }
      return out
    })
    .join('/')
}

/** The `remove` action that retires a live `add` at `deletionTimestamp`, with extended file metadata. */
export function removeFor(add: Add, deletionTimestamp: number, dataChange: boolean): Remove {
  return {
    path: add.path,
    deletionTimestamp,
    dataChange,
    extendedFileMetadata: true,
    partitionValues: add.partitionValues,
    size: add.size,
    ...(add.stats != null ? { stats: add.stats } : {}),
    ...(add.tags != null ? { tags: add.tags } : {}),
    ...(add.deletionVector != null ? { deletionVector: add.deletionVector } : {}),
    ...(add.baseRowId != null ? { baseRowId: add.baseRowId } : {}),
    ...(add.defaultRowCommitVersion != null ? { defaultRowCommitVersion: add.defaultRowCommitVersion } : {}),
  }
}

/**
 * Checks a connector-supplied `add`: required fields present and sane, partition values keyed by
 * exactly the table's (physical) partition column names. Throws `InvalidArgumentError`.
 */
export function checkAdd(add: Add, partitionKeys: readonly string[], where: string): void {
  const w = `${where}: add ${JSON.stringify(add?.path)}`
  if (typeof add?.path !== 'string' || add.path === '') throw new InvalidArgumentError(`${w}: path must be a non-empty string`)
  if (!Number.isSafeInteger(add.size) || add.size < 0) throw new InvalidArgumentError(`${w}: size must be a non-negative integer, got ${add.size}`)
  if (!Number.isSafeInteger(add.modificationTime)) throw new InvalidArgumentError(`${w}: modificationTime must be an integer, got ${add.modificationTime}`)
  if (typeof add.dataChange !== 'boolean') throw new InvalidArgumentError(`${w}: dataChange must be a boolean`)
  if (add.deletionVector != null) throw new InvalidArgumentError(`${w}: connector-supplied deletion vectors are not accepted; Transaction.delete writes them`)
  const keys = Object.keys(add.partitionValues ?? {}).sort()
  const expected = [...partitionKeys].sort()
  if (keys.length !== expected.length || keys.some((k, i) => k !== expected[i])) {
    throw new InvalidArgumentError(`${w}: partitionValues must have exactly the keys [${expected.join(', ')}], found [${keys.join(', ')}]`)
  }
  for (const [k, v] of Object.entries(add.partitionValues)) {
    if (v !== null && typeof v !== 'string') throw new InvalidArgumentError(`${w}: partition value of ${k} must be a string or null`)
  }
}

/**
 * Enforces "at most one file action of the same type per path" within one commit
 * (PROTOCOL.md "Add File and Remove File"). Throws `InvalidArgumentError` naming the path.
 */
export function checkUniquePaths(adds: readonly Add[], removes: readonly Remove[], where: string): void {
  const seen = new Set<string>()
  for (const a of adds) {
    if (seen.has(a.path)) throw new InvalidArgumentError(`${where}: file ${a.path} is added twice in one commit`)
    seen.add(a.path)
  }
  seen.clear()
  for (const r of removes) {
    if (seen.has(r.path)) throw new InvalidArgumentError(`${where}: file ${r.path} is removed twice in one commit`)
    seen.add(r.path)
  }
}
