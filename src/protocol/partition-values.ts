/**
 * Partition values (PROTOCOL.md, "Partition Value Serialization"): the strings in
 * `add.partitionValues` to typed scalars and back, and Hive-style directory names.
 *
 * Scalar representation ({@link PartitionScalar}), by Delta type:
 * - `string` → string; `binary` → Uint8Array (the UTF-8 bytes of the string, as the Java and
 *   Rust kernels read it); `boolean` → boolean
 * - `long` → bigint; `integer`, `short`, `byte` → number; `float`, `double` → number
 *   (NaN and ±Infinity allowed; floats rounded to float32)
 * - `date` → number of days since 1970-01-01
 * - `timestamp`, `timestamp_ntz` → bigint microseconds since 1970-01-01T00:00:00 (UTC for
 *   `timestamp`; a zone-less `timestamp` string is read as UTC, as the Rust and Java kernels do,
 *   since the writer's zone the spec mentions is unknowable)
 * - `decimal(p,s)` → {@link DecimalValue} (exact unscaled bigint)
 * - `null` for a null value. Per the spec an empty string is null for every type, so an empty
 *   string (or empty binary) serialises to `null`.
 *
 * @packageDocumentation
 */
import { InvalidPartitionValueError } from '../errors.js'
import {
  daysFromCivil,
  daysInMonth,
  formatDate,
  formatTimestampMicros,
  INT64_MAX,
  INT64_MIN,
  microsFromCivil,
} from './civil-time.js'
import { describeType } from './schema.js'
import type { DataType, DecimalType } from './schema-types.js'

/** An exact decimal: `unscaled × 10^-scale`. */
export interface DecimalValue {
  readonly unscaled: bigint
  readonly scale: number
}

/** A typed partition value (see the module documentation for the mapping). */
export type PartitionScalar = null | string | number | bigint | boolean | Uint8Array | DecimalValue

const INT_RANGES = { integer: 2 ** 31, short: 2 ** 15, byte: 2 ** 7 } as const
const INTEGER = /^[+-]?\d+$/
const FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/
const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/
const DATE = /^([+-]\d{4,7}|\d{4})-(\d{1,2})-(\d{1,2})$/
const TIMESTAMP = /^([+-]\d{4,7}|\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}(?::?\d{2})?)?$/
const INT32_DAYS = 2 ** 31

/**
 * Parses a raw partition value of column `column` with Delta type `type`. `null` and `''` give
 * `null`. Throws {@link InvalidPartitionValueError} naming the column and the raw value when it
 * does not parse, is out of the type's range, or the type cannot be a partition column.
 */
export function parsePartitionValue(raw: string | null | undefined, type: DataType, column: string): PartitionScalar {
  if (raw === null || raw === undefined || raw === '') return null
  const fail = (why: string): never => {
    throw new InvalidPartitionValueError(`partition column "${column}" (${describeType(type)}): cannot parse ${JSON.stringify(raw)}: ${why}`)
  }
  switch (type.type) {
    case 'string':
      return raw
    case 'binary':
      return new TextEncoder().encode(raw)
    case 'boolean': {
      const lower = raw.toLowerCase()
      if (lower === 'true') return true
      if (lower === 'false') return false
      return fail('expected true or false')
    }
    case 'long': {
      if (!INTEGER.test(raw)) return fail('expected an integer')
      const v = BigInt(raw)
      if (v < INT64_MIN || v > INT64_MAX) return fail('out of the long range')
      return v
    }
    case 'integer':
    case 'short':
    case 'byte': {
      if (!INTEGER.test(raw)) return fail('expected an integer')
      const v = Number(raw)
      const limit = INT_RANGES[type.type]
      if (v < -limit || v >= limit) return fail(`out of the ${type.type} range ${-limit}..${limit - 1}`)
      return v
    }
    case 'float':
    case 'double': {
      const v = parseFloatText(raw)
      if (v === undefined) return fail('expected a number, NaN or Infinity')
      return type.type === 'float' ? Math.fround(v) : v
    }
    case 'decimal':
      return parseDecimal(raw, type, fail)
    case 'date': {
      const m = DATE.exec(raw)
      if (m === null) return fail('expected {year}-{month}-{day}')
      const days = civilDays(Number(m[1]), Number(m[2]), Number(m[3]), fail)
      if (days < -INT32_DAYS || days >= INT32_DAYS) return fail('out of the date range')
      return days
    }
    case 'timestamp':
    case 'timestamp_ntz':
      return parseTimestamp(raw, type.type === 'timestamp', fail)
    default:
      throw new InvalidPartitionValueError(`partition column "${column}": type ${describeType(type)} cannot be a partition column`)
  }
}

function parseFloatText(raw: string): number | undefined {
  if (FLOAT.test(raw)) return Number(raw)
  // Java writes NaN/Infinity/-Infinity, Rust NaN/inf/-inf; accept both spellings.
  const special = /^([+-]?)(nan|inf|infinity)$/i.exec(raw)
  if (special === null) return undefined
  if (special[2]!.toLowerCase() === 'nan') return NaN
  return special[1] === '-' ? -Infinity : Infinity
}

function civilDays(year: number, month: number, day: number, fail: (why: string) => never): number {
  if (month < 1 || month > 12) return fail(`month ${month} is not 1..12`)
  if (day < 1 || day > daysInMonth(year, month)) return fail(`day ${day} does not exist in ${year}-${month}`)
  return daysFromCivil(year, month, day)
}

function parseTimestamp(raw: string, utc: boolean, fail: (why: string) => never): bigint {
  const m = TIMESTAMP.exec(raw)
  if (m === null) return fail('expected {year}-{month}-{day} {hour}:{minute}:{second}[.{microsecond}] or ISO-8601')
  const [, y, mo, d, h, mi, s, frac = '', zone] = m
  if (!utc && zone !== undefined) return fail('a timestamp without time zone cannot carry a zone designator')
  civilDays(Number(y), Number(mo), Number(d), fail) // validates the date
  const hour = Number(h)
  const minute = Number(mi)
  const second = Number(s)
  if (hour > 23 || minute > 59 || second > 59) return fail('time of day out of range')
  const digits = frac.padEnd(9, '0')
  if (digits.slice(6) !== '000') return fail('finer than microsecond precision')
  let micros = microsFromCivil({ year: Number(y), month: Number(mo), day: Number(d), hour, minute, second, micros: Number(digits.slice(0, 6)) })
  if (zone !== undefined && zone !== 'Z') {
    const hhmm = zone.slice(1).replace(':', '')
    const offsetMinutes = Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(2) || '0')
    if (Number(hhmm.slice(0, 2)) > 18 || Number(hhmm.slice(2) || '0') > 59) return fail(`zone offset ${zone} out of range`)
    micros -= (zone[0] === '-' ? -1n : 1n) * BigInt(offsetMinutes) * 60_000_000n
  }
  if (micros < INT64_MIN || micros > INT64_MAX) return fail('out of the timestamp range')
  return micros
}

function parseDecimal(raw: string, type: DecimalType, fail: (why: string) => never): DecimalValue {
  // Accepts Java BigDecimal.toString output too, which uses exponents ("0E-10", "1.5E+3").
  const m = DECIMAL.exec(raw)
  if (m === null || (m[2] === '' && (m[3] ?? '') === '')) return fail('expected a decimal number')
  const [, sign, int = '', frac = '', exp = '0'] = m
  let unscaled = BigInt((int + frac) || '0')
  const shift = type.scale - frac.length + Number(exp) // power of ten to multiply by
  if (shift >= 0) unscaled *= 10n ** BigInt(shift)
  else {
    const divisor = 10n ** BigInt(-shift)
    if (unscaled % divisor !== 0n) return fail(`more than ${type.scale} fractional digits`)
    unscaled /= divisor
  }
  if (unscaled >= 10n ** BigInt(type.precision)) return fail(`more than ${type.precision} digits`)
  return { unscaled: sign === '-' ? -unscaled : unscaled, scale: type.scale }
}

/** Formats an exact decimal with exactly `scale` fractional digits (`-0.05`, `12.30`, `7`). */
export function formatDecimal(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n
  let digits = (negative ? -unscaled : unscaled).toString()
  if (scale <= 0) return (negative ? '-' : '') + digits + '0'.repeat(-scale)
  digits = digits.padStart(scale + 1, '0')
  return `${negative ? '-' : ''}${digits.slice(0, -scale)}.${digits.slice(-scale)}`
}

/**
 * Serialises a partition value for `add.partitionValues`. `null`, `''` and empty binary give
 * `null` (the protocol cannot tell an empty string from null). Timestamps are written as
 * ISO-8601 UTC with six fraction digits (`1970-01-01T00:00:00.123456Z`, the spec's recommended
 * form); timestamp_ntz as `1970-01-01 00:00:00[.ffffff]` (trailing zeros trimmed, as Spark
 * does); doubles as the shortest text that parses back to the same value (`10.0`, `NaN`).
 * Throws {@link InvalidPartitionValueError} when the value does not fit the type, or for binary
 * that is not valid UTF-8 (which the string encoding cannot carry).
 */
export function serializePartitionValue(value: PartitionScalar | undefined, type: DataType): string | null {
  if (value === null || value === undefined) return null
  const fail = (): never => {
    const shown =
      typeof value === 'bigint'
        ? `${value}n`
        : value instanceof Uint8Array
          ? `bytes(${value.length})`
          : typeof value === 'object'
            ? `decimal ${formatDecimal(value.unscaled, value.scale)}`
            : JSON.stringify(value)
    throw new InvalidPartitionValueError(`cannot serialise ${shown} as a ${describeType(type)} partition value`)
  }
  switch (type.type) {
    case 'string':
      return typeof value === 'string' ? (value === '' ? null : value) : fail()
    case 'binary': {
      if (!(value instanceof Uint8Array)) return fail()
      if (value.length === 0) return null
      try {
        return new TextDecoder('utf-8', { fatal: true }).decode(value)
      } catch {
        throw new InvalidPartitionValueError('binary partition value is not valid UTF-8, so the protocol\'s string encoding cannot represent it')
      }
    }
    case 'boolean':
      return typeof value === 'boolean' ? String(value) : fail()
    case 'long':
      return typeof value === 'bigint' && value >= INT64_MIN && value <= INT64_MAX ? value.toString() : fail()
    case 'integer':
    case 'short':
    case 'byte': {
      const limit = INT_RANGES[type.type]
      return typeof value === 'number' && Number.isInteger(value) && value >= -limit && value < limit ? String(value) : fail()
    }
    case 'float':
    case 'double':
      return typeof value === 'number' ? formatFloating(value, type.type === 'float') : fail()
    case 'decimal': {
      if (typeof value !== 'object' || value instanceof Uint8Array || value.scale !== type.scale) return fail()
      const abs = value.unscaled < 0n ? -value.unscaled : value.unscaled
      return abs < 10n ** BigInt(type.precision) ? formatDecimal(value.unscaled, value.scale) : fail()
    }
    case 'date':
      return typeof value === 'number' && Number.isInteger(value) && value >= -INT32_DAYS && value < INT32_DAYS ? formatDate(value) : fail()
    case 'timestamp':
      return typeof value === 'bigint' && value >= INT64_MIN && value <= INT64_MAX ? formatTimestampMicros(value, 'T') + 'Z' : fail()
    case 'timestamp_ntz': {
      if (typeof value !== 'bigint' || value < INT64_MIN || value > INT64_MAX) return fail()
      return formatTimestampMicros(value, ' ').replace(/\.?0+$/, '')
    }
    default:
      return fail()
  }
}

/**
 * Shortest decimal text that parses back to `v` (as float32 when `single`), with Java's
 * spellings: `NaN`, `Infinity`, `-Infinity`, and a `.0` on integral values.
 */
export function formatFloating(v: number, single = false): string {
  if (Number.isNaN(v)) return 'NaN'
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity'
  if (Object.is(v, -0)) return '-0.0'
  let text = String(v)
  if (single) {
    for (let p = 1; p <= 9; p++) {
      const candidate = String(Number(v.toPrecision(p)))
      if (Math.fround(Number(candidate)) === v) {
        text = candidate
        break
      }
    }
  }
  return /[.eEN]/.test(text) ? text : `${text}.0`
}

/** Directory value Hive and Spark use for a null (or empty-string) partition value. */
export const HIVE_DEFAULT_PARTITION = '__HIVE_DEFAULT_PARTITION__'

// Spark's ExternalCatalogUtils.charToEscape on non-Windows hosts: control characters
// 0x01-0x1F, 0x7F, and " # % ' * / : = ? \ { [ ] ^. Escaped per UTF-16 unit as %XX (upper case).
const ESCAPED = new Set<number>([...Array.from({ length: 31 }, (_, i) => i + 1), 0x7f, ...Array.from('"#%\'*/:=?\\{[]^', (c) => c.charCodeAt(0))])

/** Escapes a partition column name or value for a directory name, exactly as Spark does. */
export function escapePartitionPathComponent(s: string): string {
  let out = ''
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i)
    out += ESCAPED.has(code) ? '%' + code.toString(16).toUpperCase().padStart(2, '0') : s[i]
  }
  return out
}

/**
 * Reverses {@link escapePartitionPathComponent}: every `%XX` (two hex digits, either case)
 * becomes that character; a `%` not followed by two hex digits is kept, as Spark does.
 */
export function unescapePartitionPathComponent(s: string): string {
  return s.replace(/%([0-9a-fA-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)))
}

/** One `column=value` directory name; a null or empty value becomes {@link HIVE_DEFAULT_PARTITION}. */
export function partitionPathSegment(column: string, serializedValue: string | null): string {
  const value = serializedValue === null || serializedValue === '' ? HIVE_DEFAULT_PARTITION : escapePartitionPathComponent(serializedValue)
  return `${escapePartitionPathComponent(column)}=${value}`
}

/** The relative directory for a file's partition values, `a=1/b=x/` (empty for no columns). */
export function partitionDirectory(partitionColumns: readonly string[], values: Readonly<Record<string, string | null>>): string {
  return partitionColumns.map((c) => partitionPathSegment(c, values[c] ?? null) + '/').join('')
}

/** Parses a `column=value` directory name; `null` value for {@link HIVE_DEFAULT_PARTITION}. */
export function parsePartitionPathSegment(segment: string): { column: string; value: string | null } {
  const eq = segment.indexOf('=')
  if (eq <= 0) throw new InvalidPartitionValueError(`partition directory ${JSON.stringify(segment)}: expected column=value`)
  const raw = segment.slice(eq + 1)
  return {
    column: unescapePartitionPathComponent(segment.slice(0, eq)),
    value: raw === HIVE_DEFAULT_PARTITION ? null : unescapePartitionPathComponent(raw),
  }
}
