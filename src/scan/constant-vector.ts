/**
 * Arrow vectors that repeat one value, built from buffers (partition columns are one value per
 * file, materialised for every row of every batch, so this is on the scan's hot path).
 *
 * @packageDocumentation
 */
import * as A from 'apache-arrow'
import { InvalidPartitionValueError } from '../errors.js'

const encoder = new TextEncoder()

function validity(n: number, valid: boolean): Uint8Array {
  const bytes = new Uint8Array(Math.ceil(n / 8))
  if (valid) bytes.fill(0xff)
  return bytes
}

/** Unscaled decimal value as four little-endian 32-bit words (two's complement, 128 bits). */
function decimalWords(unscaled: bigint): Uint32Array {
  const words = new Uint32Array(4)
  let v = BigInt.asUintN(128, unscaled)
  for (let i = 0; i < 4; i++) {
    words[i] = Number(v & 0xffffffffn)
    v >>= 32n
  }
  return words
}

function toBigInt(value: unknown, what: string): bigint {
  if (typeof value === 'bigint') return value
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value)
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value)
  throw new InvalidPartitionValueError(`cannot use ${String(value)} as ${what}`)
}

/** The unscaled integer of a decimal partition value (bigint unscaled, or `{ unscaled }`, or a decimal string). */
function unscaledOf(value: unknown, scale: number): bigint {
  if (typeof value === 'object' && value !== null && 'unscaled' in value) return toBigInt((value as { unscaled: unknown }).unscaled, 'decimal')
  if (typeof value === 'string') {
    const m = /^(-?)(\d*)(?:\.(\d*))?$/.exec(value)
    if (!m) throw new InvalidPartitionValueError(`invalid decimal '${value}'`)
    const frac = (m[3] ?? '').padEnd(scale, '0')
    if (frac.length > scale) throw new InvalidPartitionValueError(`decimal '${value}' has more than ${scale} fractional digits`)
    const u = BigInt((m[2] || '0') + frac)
    return m[1] ? -u : u
  }
  return toBigInt(value, 'decimal')
}

/**
 * A vector of `n` copies of `value` with Arrow type `type`; `value` null gives an all-null
 * vector. Values use the kernel's scalar representation: bigint for int64 and timestamps
 * (microseconds), number of days for dates, Uint8Array for binary, unscaled bigint for decimals.
 */
export function constantVector(type: A.DataType, value: unknown, n: number): A.Vector {
  const valid = value !== null && value !== undefined
  if (A.DataType.isNull(type)) return A.makeVector(A.makeData({ type, length: n, nullCount: n }))
  const nullBitmap = valid ? undefined : validity(n, false)
  const nullCount = valid ? 0 : n
  if (A.DataType.isUtf8(type) || A.DataType.isBinary(type)) {
    const bytes = !valid ? new Uint8Array(0) : typeof value === 'string' ? encoder.encode(value) : (value as Uint8Array)
    const data = new Uint8Array(bytes.length * n)
    const offsets = new Int32Array(n + 1)
    for (let i = 0; i < n; i++) {
      data.set(bytes, i * bytes.length)
      offsets[i + 1] = (i + 1) * bytes.length
    }
    return A.makeVector(A.makeData({ type: type as A.Utf8, length: n, nullCount, nullBitmap, valueOffsets: offsets, data }))
  }
  if (A.DataType.isBool(type)) {
    const data = validity(n, valid && value === true)
    return A.makeVector(A.makeData({ type: type as A.Bool, length: n, nullCount, nullBitmap, data }))
  }
  if (A.DataType.isDecimal(type)) {
    const data = new Uint32Array(4 * n)
    if (valid) {
      const w = decimalWords(unscaledOf(value, (type as A.Decimal).scale))
      for (let i = 0; i < n; i++) data.set(w, i * 4)
    }
    return A.makeVector(A.makeData({ type: type as A.Decimal, length: n, nullCount, nullBitmap, data }))
  }
  if (A.DataType.isInt(type) && (type as A.Int).bitWidth === 64) {
    const data = new BigInt64Array(n)
    if (valid) data.fill(toBigInt(value, 'long'))
    return A.makeVector(A.makeData({ type: type as A.Int64, length: n, nullCount, nullBitmap, data }))
  }
  if (A.DataType.isTimestamp(type)) {
    const data = new BigInt64Array(n)
    if (valid) data.fill(toBigInt(value, 'timestamp'))
    return A.makeVector(A.makeData({ type: type as A.Timestamp, length: n, nullCount, nullBitmap, data }))
  }
  if (A.DataType.isInt(type) || A.DataType.isFloat(type) || A.DataType.isDate(type)) {
    const Ctor = (type as A.Int).ArrayType as unknown as new (n: number) => Int32Array | Float64Array
    const data = new Ctor(n)
    if (valid) data.fill(Number(value))
    return A.makeVector(A.makeData({ type: type as A.Int32, length: n, nullCount, nullBitmap, data: data as Int32Array }))
  }
  throw new InvalidPartitionValueError(`partition columns of type ${String(type)} are not supported`)
}
