/**
 * One total order for every value a predicate compares, shared by row evaluation and statistics
 * skipping so the two can never disagree. Values are first brought to a canonical "comparable"
 * form: numbers (ints, floats, dates, booleans as 0/1), bigints (longs, timestamps), exact
 * decimals, and bytes (strings as UTF-8, binary), which makes string order code-point order,
 * as Spark and Parquet compare.
 *
 * Floating point follows Spark: NaN equals NaN and is greater than every other value; -0 = 0.
 *
 * @packageDocumentation
 */
import type { Scalar } from './expression.js'

/** An exact decimal `unscaled × 10^-scale` (scale may be any integer). */
export interface ExactDecimal {
  readonly unscaled: bigint
  readonly scale: number
}

/** The canonical comparable form of a non-null value. */
export type Comparable = number | bigint | Uint8Array | ExactDecimal

const encoder = new TextEncoder()

/** UTF-8 bytes of a string (the comparable form of strings). */
export function utf8(s: string): Uint8Array {
  return encoder.encode(s)
}

/** The comparable form of a scalar; `undefined` for NULL. */
export function comparableOf(s: Scalar): Comparable | undefined {
  switch (s.type) {
    case 'null':
      return undefined
    case 'string':
      return utf8(s.value)
    case 'boolean':
      return s.value ? 1 : 0
    case 'decimal':
      return { unscaled: s.value.unscaled, scale: s.value.scale }
    default:
      return s.value
  }
}

/** Byte-wise order of two byte strings (unsigned), shorter first on a shared prefix. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!
  return a.length - b.length
}

/** Whether `bytes` starts with `prefix`. */
export function hasPrefix(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false
  return true
}

/** Spark's float order: NaN last and equal to itself; -0 = 0. */
export function compareNumbers(a: number, b: number): number {
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1
  if (Number.isNaN(b)) return -1
  return a < b ? -1 : a > b ? 1 : 0
}

function compareNumberBigint(a: number, b: bigint): number {
  if (Number.isNaN(a) || a === Infinity) return 1
  if (a === -Infinity) return -1
  const floor = Math.floor(a)
  const f = BigInt(floor)
  if (f !== b) return f < b ? -1 : 1
  return a === floor ? 0 : 1
}

function isDecimal(v: Comparable): v is ExactDecimal {
  return typeof v === 'object' && !(v instanceof Uint8Array)
}

function compareDecimals(a: ExactDecimal, b: ExactDecimal): number {
  const scale = Math.max(a.scale, b.scale)
  const x = a.unscaled * 10n ** BigInt(scale - a.scale)
  const y = b.unscaled * 10n ** BigInt(scale - b.scale)
  return x < y ? -1 : x > y ? 1 : 0
}

/** A number as an exact decimal, or `undefined` for NaN/±Infinity. */
function decimalOfNumber(n: number): ExactDecimal | undefined {
  if (!Number.isFinite(n)) return undefined
  if (Number.isInteger(n)) return { unscaled: BigInt(n), scale: 0 }
  // The shortest round-trip text is what a user wrote and what Spark casts to decimal.
  return parseDecimalText(String(n))
}

function asDecimal(v: number | bigint | ExactDecimal): ExactDecimal | undefined {
  if (typeof v === 'bigint') return { unscaled: v, scale: 0 }
  if (typeof v === 'number') return decimalOfNumber(v)
  return v
}

/**
 * Total order of two comparable values (negative, zero, positive). Mixed numeric forms compare
 * by exact value; bytes sort after every number (a type mismatch binding should have rejected).
 */
export function compareValues(a: Comparable, b: Comparable): number {
  if (typeof a === 'number' && typeof b === 'number') return compareNumbers(a, b)
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    if (a instanceof Uint8Array && b instanceof Uint8Array) return compareBytes(a, b)
    return a instanceof Uint8Array ? 1 : -1
  }
  if (typeof a === 'number' && typeof b === 'bigint') return compareNumberBigint(a, b)
  if (typeof a === 'bigint' && typeof b === 'number') return -compareNumberBigint(b, a)
  // At least one decimal: a non-finite number falls outside every decimal.
  if (typeof a === 'number' && !Number.isFinite(a)) return Number.isNaN(a) || a > 0 ? 1 : -1
  if (typeof b === 'number' && !Number.isFinite(b)) return Number.isNaN(b) || b > 0 ? -1 : 1
  const x = asDecimal(a)!
  const y = asDecimal(b)!
  return isDecimal(a) || isDecimal(b) ? compareDecimals(x, y) : 0
}

const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/

/**
 * Exact value of a decimal text (`-12.30`, `1e3`, `.5`); `undefined` when it is not one. The
 * scale is the number of fraction digits written (minus the exponent), so `12.30` keeps scale 2.
 */
export function parseDecimalText(text: string): ExactDecimal | undefined {
  const m = DECIMAL_TEXT.exec(text.trim())
  if (m === null || (m[2] === '' && (m[3] ?? '') === '')) return undefined
  const frac = m[3] ?? ''
  const unscaled = BigInt((m[2]! + frac) || '0')
  return { unscaled: m[1] === '-' ? -unscaled : unscaled, scale: frac.length - Number(m[4] ?? '0') }
}

/** The same decimal at scale `scale` if that is exact, else `undefined`. */
export function rescaleDecimal(d: ExactDecimal, scale: number): ExactDecimal | undefined {
  if (scale >= d.scale) return { unscaled: d.unscaled * 10n ** BigInt(scale - d.scale), scale }
  const divisor = 10n ** BigInt(d.scale - scale)
  return d.unscaled % divisor === 0n ? { unscaled: d.unscaled / divisor, scale } : undefined
}
