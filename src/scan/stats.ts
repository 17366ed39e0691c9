/**
 * Per-file statistics (PROTOCOL.md "Per-file Statistics"): the `add.stats` JSON string, or the
 * already-typed `stats_parsed` struct of a checkpoint, as one shape ({@link FileStats}), and the
 * conversion of one column's min/max value to the comparable form of `scalar-compare.ts`.
 *
 * JSON numbers are kept as their text ({@link JsonNumber}) so 64-bit integers and decimals stay
 * exact; dates, timestamps and (sometimes) decimals arrive as strings. Per-column values are
 * nested like the schema and keyed by physical names.
 *
 * @packageDocumentation
 */
import { INT64_MAX, INT64_MIN } from '../protocol/civil-time.js'
import { parsePartitionValue } from '../protocol/partition-values.js'
import type { DataType } from '../protocol/schema-types.js'
import { type Comparable, type ExactDecimal, parseDecimalText, utf8 } from './scalar-compare.js'

/** A JSON number token, verbatim. */
export class JsonNumber {
  constructor(readonly text: string) {}
}

/** Nested per-column statistics values, keyed by physical field name. */
export type StatsTree = { readonly [name: string]: unknown }

/** Statistics of one data file. Every part is optional: what is absent is simply unknown. */
export interface FileStats {
  /** Physical number of records in the file (deleted rows included). */
  readonly numRecords?: unknown
  /** `false` when bounds are wide (e.g. after deletion vectors); absent means tight. */
  readonly tightBounds?: unknown
  readonly minValues?: StatsTree
  readonly maxValues?: StatsTree
  readonly nullCount?: StatsTree
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y
const LITERAL = /true|false|null/y
const WS = /[ \t\n\r]*/y

/**
 * Parses an `add.stats` JSON string. Returns `undefined` when it is not a JSON object: stats are
 * an optional hint, and a file whose stats cannot be read is simply never skipped.
 */
export function parseStats(json: string): FileStats | undefined {
  try {
    const v = parseJson(json)
    return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof JsonNumber) ? (v as FileStats) : undefined
  } catch {
    return undefined
  }
}

function parseJson(text: string): unknown {
  let pos = 0
  const skip = (): void => {
    WS.lastIndex = pos
    WS.exec(text)
    pos = WS.lastIndex
  }
  const match = (re: RegExp): string => {
    re.lastIndex = pos
    const m = re.exec(text)
    if (m === null) throw new SyntaxError(`bad JSON at offset ${pos}`)
    pos = re.lastIndex
    return m[0]
  }
  const value = (): unknown => {
    skip()
    const c = text[pos]
    if (c === '{') {
      pos++
      const out: Record<string, unknown> = {}
      skip()
      if (text[pos] === '}') return pos++, out
      for (;;) {
        skip()
        const key = JSON.parse(match(STRING)) as string
        skip()
        if (text[pos++] !== ':') throw new SyntaxError(`expected ':' at offset ${pos - 1}`)
        out[key] = value()
        skip()
        const sep = text[pos++]
        if (sep === '}') return out
        if (sep !== ',') throw new SyntaxError(`expected ',' or '}' at offset ${pos - 1}`)
      }
    }
    if (c === '[') {
      pos++
      const out: unknown[] = []
      skip()
      if (text[pos] === ']') return pos++, out
      for (;;) {
        out.push(value())
        skip()
        const sep = text[pos++]
        if (sep === ']') return out
        if (sep !== ',') throw new SyntaxError(`expected ',' or ']' at offset ${pos - 1}`)
      }
    }
    if (c === '"') return JSON.parse(match(STRING)) as string
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return new JsonNumber(match(NUMBER))
    return JSON.parse(match(LITERAL)) as unknown
  }
  const v = value()
  skip()
  if (pos !== text.length) throw new SyntaxError(`trailing text at offset ${pos}`)
  return v
}

/** The value at `path` in a nested stats tree; `undefined` when absent. */
export function statAt(tree: unknown, path: readonly string[]): unknown {
  let v = tree
  for (const name of path) {
    if (typeof v !== 'object' || v === null || v instanceof JsonNumber || v instanceof Uint8Array) return undefined
    v = (v as StatsTree)[name]
  }
  return v
}

/** A count (`numRecords`, `nullCount`) as a non-negative number, or `undefined` if unusable. */
export function countOf(v: unknown): number | undefined {
  const n = v instanceof JsonNumber ? Number(v.text) : typeof v === 'bigint' ? Number(v) : v
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : undefined
}

function numberOf(v: unknown): number | undefined {
  if (v instanceof JsonNumber) return Number(v.text)
  if (typeof v === 'number') return v
  if (typeof v === 'bigint') return Number(v)
  if (typeof v === 'string') {
    // Spark's JSON writer spells non-finite floats as strings.
    const special: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity }
    return special[v]
  }
  return undefined
}

function bigintOf(v: unknown): bigint | undefined {
  if (typeof v === 'bigint') return v
  if (typeof v === 'number') return Number.isSafeInteger(v) ? BigInt(v) : undefined
  const text = v instanceof JsonNumber ? v.text : typeof v === 'string' ? v : undefined
  if (text === undefined || !/^-?\d+$/.test(text)) return undefined
  const b = BigInt(text)
  return b >= INT64_MIN && b <= INT64_MAX ? b : undefined
}

function decimalOf(v: unknown): ExactDecimal | undefined {
  if (v instanceof JsonNumber) return parseDecimalText(v.text)
  if (typeof v === 'string') return parseDecimalText(v)
  if (typeof v === 'bigint') return { unscaled: v, scale: 0 }
  if (typeof v === 'number') return Number.isFinite(v) ? parseDecimalText(String(v)) : undefined
  if (typeof v === 'object' && v !== null && 'unscaled' in v && 'scale' in v) {
    const d = v as { unscaled: unknown; scale: unknown }
    return typeof d.unscaled === 'bigint' && typeof d.scale === 'number' ? { unscaled: d.unscaled, scale: d.scale } : undefined
  }
  return undefined
}

function textAs(v: string, type: DataType): number | bigint | undefined {
  try {
    return parsePartitionValue(v, type, 'stats') as number | bigint | undefined
  } catch {
    // A zone-suffixed value in a timestamp_ntz column (some writers add `Z`): same instant text.
    if (type.type === 'timestamp_ntz' && /Z$/.test(v)) return textAs(v.slice(0, -1), type)
    return undefined
  }
}

/**
 * One min/max statistic of a column of Delta type `type`, in comparable form; `undefined` when
 * absent or not understood (the caller then treats that bound as unknown). Accepts the JSON forms
 * (numbers, `"2021-01-01"`, `"2021-01-01T00:00:00.000Z"`) and typed forms (bigint, days, exact
 * decimals, strings), so JSON stats, `stats_parsed` and Parquet footers share it.
 */
export function statValue(v: unknown, type: DataType): Comparable | undefined {
  if (v === undefined || v === null) return undefined
  switch (type.type) {
    case 'byte':
    case 'short':
    case 'integer':
    case 'float':
    case 'double':
      return numberOf(v)
    case 'long':
      return bigintOf(v)
    case 'decimal':
      return decimalOf(v)
    case 'string':
      return typeof v === 'string' ? utf8(v) : v instanceof Uint8Array ? v : undefined
    case 'date':
      if (typeof v === 'number') return Number.isInteger(v) ? v : undefined
      return typeof v === 'string' ? textAs(v, type) : undefined
    case 'timestamp':
    case 'timestamp_ntz':
      if (typeof v === 'string') return textAs(v, type)
      if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : BigInt(v.getTime()) * 1000n
      return bigintOf(v)
    default:
      // Delta collects no min/max for booleans, binary or nested types; ignore any that appear.
      return undefined
  }
}
