/**
 * Decoding one primitive value of the `--format ndjson` contract (README, and
 * `protocol/value-encoding.ts`) back to its typed value: exactly the inverse of the encoding,
 * plus a few forgiving spellings that cannot be misread (an integer given as a string, a
 * decimal given as a plain JSON number, a timestamp with fewer fraction digits or a `±HH:MM`
 * offset). Nothing is ever rounded: a value that does not fit its type exactly is an error.
 *
 * Typed values, by Delta type: long → bigint; integer/short/byte/float/double → number;
 * decimal → bigint (unscaled); boolean → boolean; string → string; binary → Uint8Array;
 * date → number (days since 1970-01-01); timestamp/timestamp_ntz → bigint (microseconds).
 *
 * @packageDocumentation
 */
import { daysFromCivil, daysInMonth, INT64_MAX, INT64_MIN, MICROS_PER_DAY } from '../../protocol/civil-time.js'
import { describeType } from '../../protocol/schema.js'
import type { DecimalType, PrimitiveType } from '../../protocol/schema-types.js'

/** A value that does not decode; `path` is filled in by the enclosing builders (outermost first). */
export class BadValue extends Error {
  readonly path: string[] = []
}

/** A decoded primitive value (see the module documentation). */
export type TypedValue = string | number | bigint | boolean | Uint8Array

const INT_BOUNDS = { byte: 2n ** 7n, short: 2n ** 15n, integer: 2n ** 31n, long: 2n ** 63n } as const
const DECIMAL_TEXT = /^([+-]?)(\d+)(?:\.(\d+))?$/
const DATE_TEXT = /^([+-]\d{4,}|\d{4})-(\d{2})-(\d{2})$/
const TIMESTAMP_TEXT = /^([+-]\d{4,}|\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})?$/
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

/** Short text of a found value for messages (bounded). */
export function shown(v: unknown): string {
  const s = typeof v === 'bigint' ? v.toString() : typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x))
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 60)}…` : s
}

function bad(type: PrimitiveType | DecimalType, v: unknown, why: string): never {
  throw new BadValue(`expected ${describeType(type)} (${why}), found ${shown(v)}`)
}

/** Decodes a non-null JSON value (integers outside the safe range may come as bigint) of `type`. */
export function decodeScalar(type: PrimitiveType | DecimalType, v: unknown): TypedValue {
  switch (type.type) {
    case 'string':
      return typeof v === 'string' ? v : bad(type, v, 'a JSON string')
    case 'boolean':
      return typeof v === 'boolean' ? v : bad(type, v, 'true or false')
    case 'byte':
    case 'short':
    case 'integer':
    case 'long': {
      const n = integerOf(type, v)
      const bound = INT_BOUNDS[type.type]
      if (n < -bound || n >= bound) bad(type, v, `out of range ${-bound}..${bound - 1n}`)
      return type.type === 'long' ? n : Number(n)
    }
    case 'float':
    case 'double':
      return floatingOf(type, v)
    case 'decimal':
      return decimalOf(type, v)
    case 'date':
      return typeof v === 'string' ? dateOf(type, v) : bad(type, v, 'a "YYYY-MM-DD" string')
    case 'timestamp':
    case 'timestamp_ntz':
      return typeof v === 'string' ? timestampOf(type, v) : bad(type, v, 'an ISO-8601 string')
    case 'binary':
      if (typeof v !== 'string' || !BASE64.test(v)) bad(type, v, 'a standard base64 string with padding')
      return new Uint8Array(Buffer.from(v, 'base64'))
    default:
      return bad(type, v, `type ${type.type} cannot hold a non-null value here`)
  }
}

function integerOf(type: PrimitiveType, v: unknown): bigint {
  if (typeof v === 'bigint') return v
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v)
  if (typeof v === 'string' && /^[+-]?\d+$/.test(v)) return BigInt(v)
  return bad(type, v, 'an integer number or a string of digits')
}

function floatingOf(type: PrimitiveType, v: unknown): number {
  let n: number
  if (typeof v === 'number') n = v
  else if (typeof v === 'bigint') n = Number(v)
  else if (v === 'NaN') return NaN
  else if (v === 'Infinity') return Infinity
  else if (v === '-Infinity') return -Infinity
  else return bad(type, v, 'a number, "NaN", "Infinity" or "-Infinity"')
  if (type.type === 'float') {
    const f = Math.fround(n)
    if (!Number.isFinite(f)) bad(type, v, 'outside the float range')
    return f
  }
  if (!Number.isFinite(n)) bad(type, v, 'outside the double range')
  return n
}

function decimalOf(type: DecimalType, v: unknown): bigint {
  const text = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'bigint' ? String(v) : bad(type, v, 'a decimal string such as "12.30"')
  const m = DECIMAL_TEXT.exec(text)
  if (m === null) return bad(type, v, 'a decimal string such as "12.30"')
  const fraction = m[3] ?? ''
  if (fraction.length > type.scale && /[^0]/.test(fraction.slice(type.scale))) bad(type, v, `more than ${type.scale} fraction digits; it would be rounded`)
  const digits = (m[2]! + fraction.slice(0, type.scale).padEnd(type.scale, '0')).replace(/^0+(?=\d)/, '')
  if (digits.length > type.precision) bad(type, v, `more than ${type.precision} significant digits`)
  const unscaled = BigInt(digits)
  return m[1] === '-' ? -unscaled : unscaled
}

function civilDays(type: PrimitiveType, v: string, year: string, month: string, day: string): number {
  const y = Number(year)
  const mo = Number(month)
  const d = Number(day)
  if (!Number.isSafeInteger(y) || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) bad(type, v, 'no such calendar date')
  return daysFromCivil(y, mo, d)
}

function dateOf(type: PrimitiveType, v: string): number {
  const m = DATE_TEXT.exec(v)
  if (m === null) return bad(type, v, 'a "YYYY-MM-DD" string')
  const days = civilDays(type, v, m[1]!, m[2]!, m[3]!)
  if (days < -(2 ** 31) || days >= 2 ** 31) bad(type, v, 'outside the int32 day range')
  return days
}

function timestampOf(type: PrimitiveType, v: string): bigint {
  const ntz = type.type === 'timestamp_ntz'
  const example = ntz ? '"2021-01-02T03:04:05.123456"' : '"2021-01-02T03:04:05.123456Z"'
  const m = TIMESTAMP_TEXT.exec(v)
  if (m === null) return bad(type, v, `an ISO-8601 string such as ${example}`)
  const zone = m[8]
  if (ntz && zone !== undefined) bad(type, v, 'timestamp_ntz values have no zone designator')
  if (!ntz && zone === undefined) bad(type, v, `timestamp values need a zone designator (Z or ±HH:MM), e.g. ${example}`)
  const [hour, minute, second] = [Number(m[4]), Number(m[5]), Number(m[6])]
  if (hour > 23 || minute > 59 || second > 59) bad(type, v, 'no such time of day')
  const fraction = (m[7] ?? '').padEnd(9, '0')
  if (/[^0]/.test(fraction.slice(6))) bad(type, v, 'finer than microseconds; it would be truncated')
  const days = BigInt(civilDays(type, v, m[1]!, m[2]!, m[3]!))
  let micros = days * MICROS_PER_DAY + BigInt(hour * 3600 + minute * 60 + second) * 1_000_000n + BigInt(fraction.slice(0, 6))
  if (zone !== undefined && zone !== 'Z') {
    const sign = zone[0] === '-' ? -1n : 1n
    const [h, mi] = [Number(zone.slice(1, 3)), Number(zone.slice(4, 6))]
    if (h > 18 || mi > 59) bad(type, v, 'zone offset out of range')
    micros -= sign * BigInt(h * 3600 + mi * 60) * 1_000_000n
  }
  if (micros < INT64_MIN || micros > INT64_MAX) bad(type, v, 'outside the int64 microsecond range')
  return micros
}
