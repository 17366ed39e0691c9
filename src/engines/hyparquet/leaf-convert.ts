/**
 * Physical Parquet values → the dense values of the requested Delta type, exactly: int64 and
 * decimals never pass through a JS number, timestamps become microseconds since the epoch, and
 * narrower file types are widened (Delta type widening: int→long, float→double, integers and
 * smaller decimals→decimal, date→timestamp_ntz).
 *
 * @packageDocumentation
 */
import type { SchemaElement } from 'hyparquet'
import { ParquetError } from '../../errors.js'
import type { DataType } from '../../protocol/schema-types.js'
import { bigEndianSigned, floorDiv, pow10, writeDecimal128 } from './decimal.js'
import { decimalOf, isDate, isUnsigned, timestampUnitOf } from './logical-types.js'
import type { FixedSink, ValueSink } from './value-sink.js'

/** Dense non-null values of a leaf, ready to be spread over its slots. */
export type Dense =
  | {
      readonly kind: 'fixed'
      /** `stride` array elements per value (4 for Decimal128 words, else 1); booleans as 0/1 bytes. */
      readonly array: Int8Array | Int16Array | Int32Array | BigInt64Array | Float32Array | Float64Array | Uint8Array | Uint32Array
      readonly stride: number
    }
  | { readonly kind: 'bytes'; readonly offsets: Int32Array; readonly data: Uint8Array }
  | { readonly kind: 'null' }

/** Whether a file leaf can be read as `type`. */
export function checkLeafType(type: DataType, el: SchemaElement): boolean {
  const p = el.type
  switch (type.type) {
    case 'byte':
    case 'short':
    case 'integer':
    case 'date':
      return p === 'INT32' && !decimalOf(el)
    case 'long':
      return (p === 'INT64' || p === 'INT32') && !decimalOf(el) && (p === 'INT64' ? !timestampUnitOf(el) : !isDate(el))
    case 'float':
      return p === 'FLOAT'
    case 'double':
      return p === 'DOUBLE' || p === 'FLOAT' || ((p === 'INT32' || p === 'INT64') && !decimalOf(el) && !timestampUnitOf(el) && !isDate(el))
    case 'boolean':
      return p === 'BOOLEAN'
    case 'string':
    case 'binary':
      return (p === 'BYTE_ARRAY' || p === 'FIXED_LEN_BYTE_ARRAY') && !decimalOf(el)
    case 'timestamp':
    case 'timestamp_ntz':
      return p === 'INT96' || (p === 'INT64' && !decimalOf(el)) || (p === 'INT32' && isDate(el) && type.type === 'timestamp_ntz')
    case 'decimal': {
      const d = decimalOf(el)
      if (d) return d.scale <= type.scale && d.precision - d.scale <= type.precision - type.scale
      return (p === 'INT32' || p === 'INT64') && !isDate(el) && !timestampUnitOf(el)
    }
    case 'void':
      return true
    default:
      return false
  }
}

/** The dense values of `sink` (physical type of `el`) as the requested `type`. */
export function denseValues(type: DataType, el: SchemaElement, sink: ValueSink): Dense {
  const path = el.name
  if (type.type === 'void') return { kind: 'null' }
  if (sink.kind === 'bytes') {
    if (type.type === 'string' || type.type === 'binary') {
      return { kind: 'bytes', offsets: sink.offsets.subarray(0, sink.length + 1), data: sink.data }
    }
    if (type.type === 'decimal') return decimalFromBytes(sink.length, (i) => bigEndianSigned(sink.data, sink.offsets[i]!, sink.offsets[i + 1]!), el, type.scale)
    throw new ParquetError(`parquet: cannot read BYTE_ARRAY column ${path} as ${type.type}`)
  }
  const n = sink.length
  const buf = sink.bytes.buffer
  switch (el.type) {
    case 'BOOLEAN':
      return { kind: 'fixed', array: sink.bytes.subarray(0, n), stride: 1 }
    case 'INT32': {
      const src = new Int32Array(buf, 0, n)
      switch (type.type) {
        case 'integer':
        case 'date':
          return fixed(src)
        case 'short':
          return fixed(Int16Array.from(src))
        case 'byte':
          return fixed(Int8Array.from(src))
        case 'long':
          return fixed(int32ToInt64(src, isUnsigned(el)))
        case 'double':
          return fixed(Float64Array.from(src, (v) => (isUnsigned(el) ? v >>> 0 : v)))
        case 'timestamp_ntz':
          return fixed(BigInt64Array.from(src, (d) => BigInt(d) * 86400000000n))
        case 'decimal':
          return decimalFromInt32(src, el, type.scale)
      }
      break
    }
    case 'INT64': {
      const src = new BigInt64Array(buf, 0, n)
      switch (type.type) {
        case 'long':
          return fixed(src)
        case 'double':
          return fixed(Float64Array.from(src, (v) => Number(isUnsigned(el) ? BigInt.asUintN(64, v) : v)))
        case 'timestamp':
        case 'timestamp_ntz': {
          const unit = timestampUnitOf(el) ?? 'MICROS'
          if (unit === 'MICROS') return fixed(src)
          if (unit === 'MILLIS') return fixed(src.map((v) => v * 1000n))
          return fixed(src.map((v) => floorDiv(v, 1000n)))
        }
        case 'decimal': {
          const scale = decimalOf(el)?.scale ?? 0
          return decimalFromBytes(n, (i) => src[i]!, el, type.scale, scale)
        }
      }
      break
    }
    case 'INT96': {
      const view = new DataView(buf, 0, n * 12)
      const out = new BigInt64Array(n)
      for (let i = 0; i < n; i++) {
        const nanos = view.getBigInt64(i * 12, true)
        const day = view.getInt32(i * 12 + 8, true)
        out[i] = BigInt(day - 2440588) * 86400000000n + floorDiv(nanos, 1000n)
      }
      return fixed(out)
    }
    case 'FLOAT': {
      const src = new Float32Array(buf, 0, n)
      return type.type === 'double' ? fixed(Float64Array.from(src)) : fixed(src)
    }
    case 'DOUBLE':
      return fixed(new Float64Array(buf, 0, n))
    case 'FIXED_LEN_BYTE_ARRAY': {
      const w = sink.width
      if (type.type === 'decimal') return decimalFromBytes(n, (i) => bigEndianSigned(sink.bytes, i * w, i * w + w), el, type.scale)
      return fixedBinaryAsBytes(sink)
    }
  }
  throw new ParquetError(`parquet: cannot read ${el.type ?? 'untyped'} column ${path} as ${type.type}`)
}

function fixed(array: Exclude<Dense & { kind: 'fixed' }, never>['array']): Dense {
  return { kind: 'fixed', array, stride: 1 }
}

/** Sign- (or zero-) extends int32 values into int64 without BigInt arithmetic. */
function int32ToInt64(src: Int32Array, unsigned: boolean): BigInt64Array {
  const out = new BigInt64Array(src.length)
  const words = new Int32Array(out.buffer)
  for (let i = 0; i < src.length; i++) {
    const v = src[i]!
    words[2 * i] = v
    words[2 * i + 1] = unsigned ? 0 : v >> 31
  }
  return out
}

function decimalFromInt32(src: Int32Array, el: SchemaElement, scale: number): Dense {
  const fileScale = decimalOf(el)?.scale ?? 0
  if (fileScale !== scale) return decimalFromBytes(src.length, (i) => BigInt(src[i]!), el, scale, fileScale)
  const out = new Uint32Array(src.length * 4)
  for (let i = 0; i < src.length; i++) {
    const v = src[i]!
    const sign = v < 0 ? 0xffffffff : 0
    out[4 * i] = v >>> 0
    out[4 * i + 1] = sign
    out[4 * i + 2] = sign
    out[4 * i + 3] = sign
  }
  return { kind: 'fixed', array: out, stride: 4 }
}

function decimalFromBytes(
  n: number,
  unscaled: (i: number) => bigint,
  el: SchemaElement,
  scale: number,
  fileScale = decimalOf(el)?.scale ?? 0,
): Dense {
  if (fileScale > scale) {
    throw new ParquetError(`parquet: cannot read decimal column ${el.name} of scale ${fileScale} as scale ${scale} without losing digits`)
  }
  const factor = pow10(scale - fileScale)
  const out = new Uint32Array(n * 4)
  for (let i = 0; i < n; i++) writeDecimal128(out, i, factor === 1n ? unscaled(i) : unscaled(i) * factor)
  return { kind: 'fixed', array: out, stride: 4 }
}

function fixedBinaryAsBytes(sink: FixedSink): Dense {
  const n = sink.length
  const offsets = new Int32Array(n + 1)
  for (let i = 0; i <= n; i++) offsets[i] = i * sink.width
  return { kind: 'bytes', offsets, data: sink.bytes }
}
