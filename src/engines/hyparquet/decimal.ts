/**
 * Exact decimal arithmetic on unscaled bigints: Parquet stores a decimal as a two's-complement
 * integer (INT32, INT64 or big-endian bytes) and Arrow's Decimal128 as four little-endian 32-bit
 * words. Nothing here goes through a JS `number`.
 *
 * @packageDocumentation
 */

/** The signed big-endian two's-complement integer in `bytes` (FIXED_LEN_BYTE_ARRAY / BYTE_ARRAY decimals). */
export function bigEndianSigned(bytes: Uint8Array, start = 0, end = bytes.length): bigint {
  if (end <= start) return 0n
  let value = 0n
  let i = start
  // Eight bytes at a time keeps the bigint work proportional to the width, not per byte.
  for (; i + 8 <= end; i += 8) {
    let chunk = 0n
    for (let j = 0; j < 8; j++) chunk = (chunk << 8n) | BigInt(bytes[i + j]!)
    value = (value << 64n) | chunk
  }
  for (; i < end; i++) value = (value << 8n) | BigInt(bytes[i]!)
  const bits = BigInt((end - start) * 8)
  return bytes[start]! & 0x80 ? value - (1n << bits) : value
}

const POW10: bigint[] = [1n]
/** 10^n as a bigint (cached). */
export function pow10(n: number): bigint {
  while (POW10.length <= n) POW10.push(POW10[POW10.length - 1]! * 10n)
  return POW10[n]!
}

/** `unscaled × 10^-scale` in plain decimal notation, e.g. (-1234n, 2) → "-12.34". */
export function decimalToString(unscaled: bigint, scale: number): string {
  if (scale <= 0) return (unscaled * pow10(-scale)).toString()
  const negative = unscaled < 0n
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0')
  const text = `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`
  return negative ? `-${text}` : text
}

const MASK32 = 0xffffffffn

/** Writes `value` as a 128-bit little-endian two's-complement integer into `words[4i..4i+3]`. */
export function writeDecimal128(words: Uint32Array, i: number, value: bigint): void {
  const v = BigInt.asUintN(128, value)
  const o = i * 4
  words[o] = Number(v & MASK32)
  words[o + 1] = Number((v >> 32n) & MASK32)
  words[o + 2] = Number((v >> 64n) & MASK32)
  words[o + 3] = Number((v >> 96n) & MASK32)
}

/** Reads the 128-bit little-endian two's-complement integer at `words[4i..4i+3]`. */
export function readDecimal128(words: Uint32Array, i: number): bigint {
  const o = i * 4
  const u =
    BigInt(words[o]!) | (BigInt(words[o + 1]!) << 32n) | (BigInt(words[o + 2]!) << 64n) | (BigInt(words[o + 3]!) << 96n)
  return BigInt.asIntN(128, u)
}

/** Big-endian two's-complement bytes of `value` in exactly `width` bytes (for FIXED_LEN_BYTE_ARRAY). */
export function toBigEndianBytes(value: bigint, width: number): Uint8Array {
  const out = new Uint8Array(width)
  let v = BigInt.asUintN(width * 8, value)
  for (let i = width - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn)
    v >>= 8n
  }
  return out
}

/** Minimum FIXED_LEN_BYTE_ARRAY width holding every unscaled value of a decimal of `precision` digits. */
export function decimalByteWidth(precision: number): number {
  const max = pow10(precision) - 1n
  let width = 1
  while ((1n << BigInt(width * 8 - 1)) <= max) width++
  return width
}

/** Floor division of bigints (BigInt `/` truncates toward zero; timestamps before 1970 need the floor). */
export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q
}
