/**
 * What every CLI command shares: opening a table on the local engines, output, exit codes.
 *
 * @packageDocumentation
 */
import { DeltaError } from '../errors.js'
import type { Engine } from '../engine/engine.js'
import { createNodeEngine, toTableUrl } from '../node.js'
import { Table } from '../table.js'

/**
 * Exit codes: a contract for scripts (add new ones, never renumber).
 * 0 success · 1 internal error · 2 usage error · 3 table not found · 4 version not found ·
 * 5 unsupported feature · 6 invalid or corrupt table · 7 commit conflict or failure · 8 other error ·
 * 9 table already exists · 10 invalid write (input data does not fit the table, or the write breaks a table rule)
 */
export const EXIT = {
  ok: 0,
  internal: 1,
  usage: 2,
  tableNotFound: 3,
  versionNotFound: 4,
  unsupported: 5,
  corrupt: 6,
  commit: 7,
  other: 8,
  tableExists: 9,
  invalidWrite: 10,
} as const

/** A bad command line; printed with usage help, exit 2. */
export class UsageError extends Error {}

/** Maps an error to its exit code. */
export function exitCodeOf(e: unknown): number {
  if (e instanceof UsageError) return EXIT.usage
  if (!(e instanceof DeltaError)) return EXIT.internal
  switch (e.code) {
    case 'TABLE_NOT_FOUND':
      return EXIT.tableNotFound
    case 'VERSION_NOT_FOUND':
      return EXIT.versionNotFound
    case 'UNSUPPORTED_FEATURE':
      return EXIT.unsupported
    case 'LOG_GAP':
    case 'MISSING_PROTOCOL':
    case 'MISSING_METADATA':
    case 'INVALID_LOG':
    case 'CORRUPT_CHECKPOINT':
    case 'INVALID_SCHEMA':
    case 'INVALID_PARTITION_VALUE':
    case 'INVALID_PATH':
    case 'DELETION_VECTOR_ERROR':
    case 'PARQUET_ERROR':
      return EXIT.corrupt
    case 'CONCURRENT_MODIFICATION':
    case 'COMMIT_FAILED':
      return EXIT.commit
    case 'INVALID_ARGUMENT':
    case 'EXPRESSION_ERROR':
      return EXIT.usage
    case 'FILE_ALREADY_EXISTS':
      return EXIT.tableExists
    case 'INVALID_WRITE':
      return EXIT.invalidWrite
    default:
      return EXIT.other
  }
}

/** Opens `<table>` (a path or file:// URL) on the Node engines. */
export function openTable(location: string, engine: Engine = createNodeEngine()): Table {
  return Table.open(toTableUrl(location), engine)
}

/** Parses `--version N`. */
export function parseVersionFlag(v: string | undefined): number | undefined {
  if (v === undefined) return undefined
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v))) throw new UsageError(`--version must be a non-negative integer, got '${v}'`)
  return Number(v)
}

/** Parses a positive integer flag such as `--limit`. */
export function parseCountFlag(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v))) throw new UsageError(`--${name} must be a non-negative integer, got '${v}'`)
  return Number(v)
}

/** Writes to stdout, waiting when the pipe is full (large scans). */
export function writeOut(text: string): Promise<void> | void {
  if (!process.stdout.write(text)) {
    return new Promise((resolve) => process.stdout.once('drain', () => resolve()))
  }
}
