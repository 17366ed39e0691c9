/**
 * Names of the files in `_delta_log` (PROTOCOL.md "Delta Log Entries", "Checkpoints", "Log
 * Compaction Files", "Version Checksum File"): parsing a listed location into what it is, and
 * formatting the names writers create.
 *
 * @packageDocumentation
 */
import type { FileMeta } from '../engine/file-system.js'

/** What a `_delta_log` entry is. */
export type LogFileKind =
  | { readonly type: 'commit' }
  | { readonly type: 'checkpoint'; readonly layout: 'classic' }
  | { readonly type: 'checkpoint'; readonly layout: 'multipart'; readonly part: number; readonly parts: number }
  | { readonly type: 'checkpoint'; readonly layout: 'uuid'; readonly uuid: string; readonly format: 'json' | 'parquet' }
  | { readonly type: 'compaction'; readonly endVersion: number }
  | { readonly type: 'crc' }

/** A listed log file with its parsed name. */
export interface LogFile extends FileMeta {
  readonly version: number
  readonly kind: LogFileKind
}

const VERSION = '(\\d{20})'
const COMMIT = new RegExp(`^${VERSION}\\.json$`)
const CLASSIC = new RegExp(`^${VERSION}\\.checkpoint\\.parquet$`)
const MULTIPART = new RegExp(`^${VERSION}\\.checkpoint\\.(\\d{10})\\.(\\d{10})\\.parquet$`)
const UUID_CP = new RegExp(`^${VERSION}\\.checkpoint\\.([0-9A-Za-z-]+)\\.(json|parquet)$`)
const COMPACTION = new RegExp(`^${VERSION}\\.${VERSION}\\.compacted\\.json$`)
const CRC = new RegExp(`^${VERSION}\\.crc$`)

/** Parses a 20-digit version; undefined if it does not fit a safe integer. */
function version(digits: string): number | undefined {
  const v = Number(digits)
  return Number.isSafeInteger(v) ? v : undefined
}

/** Classifies a listed `_delta_log` entry; undefined for anything that is not a log file. */
export function parseLogFile(meta: FileMeta): LogFile | undefined {
  const slash = meta.location.lastIndexOf('/')
  const name = meta.location.slice(slash + 1)
  let m: RegExpExecArray | null
  if ((m = COMMIT.exec(name))) return withKind(meta, m[1]!, { type: 'commit' })
  if ((m = CLASSIC.exec(name))) return withKind(meta, m[1]!, { type: 'checkpoint', layout: 'classic' })
  if ((m = MULTIPART.exec(name))) {
    const part = Number(m[2])
    const parts = Number(m[3])
    if (part < 1 || parts < 1 || part > parts) return undefined
    return withKind(meta, m[1]!, { type: 'checkpoint', layout: 'multipart', part, parts })
  }
  if ((m = UUID_CP.exec(name))) {
    return withKind(meta, m[1]!, { type: 'checkpoint', layout: 'uuid', uuid: m[2]!, format: m[3] as 'json' | 'parquet' })
  }
  if ((m = COMPACTION.exec(name))) {
    const end = version(m[2]!)
    if (end === undefined) return undefined
    return withKind(meta, m[1]!, { type: 'compaction', endVersion: end })
  }
  if ((m = CRC.exec(name))) return withKind(meta, m[1]!, { type: 'crc' })
  return undefined
}

function withKind(meta: FileMeta, digits: string, kind: LogFileKind): LogFile | undefined {
  const v = version(digits)
  if (v === undefined) return undefined
  return { location: meta.location, size: meta.size, lastModified: meta.lastModified, version: v, kind }
}

/** Zero-pads a version to the spec's 20 digits. */
export function padVersion(v: number): string {
  return String(v).padStart(20, '0')
}

/** `00000000000000000005.json` */
export function commitFileName(v: number): string {
  return `${padVersion(v)}.json`
}

/** `00000000000000000005.checkpoint.parquet` */
export function classicCheckpointFileName(v: number): string {
  return `${padVersion(v)}.checkpoint.parquet`
}

/** `00000000000000000005.crc` */
export function checksumFileName(v: number): string {
  return `${padVersion(v)}.crc`
}

/** The `_delta_log/` directory of a table root URL (which ends in `/`). */
export function logDir(tableRoot: string): string {
  return `${tableRoot}_delta_log/`
}
