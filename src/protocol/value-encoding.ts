/**
 * Arrow values as JSON and CSV: the contract of the CLI's `--format ndjson` and `--format csv`
 * output. Stable public API; changing an encoding is a breaking change.
 *
 * JSON encoding, by Arrow type:
 * - null → `null`; Bool → `true`/`false`; Utf8 → string
 * - Int8..Int32, Uint8..Uint32 → number; Int64/Uint64 → number when within ±(2^53−1), otherwise
 *   a decimal string (`"9007199254740993"`)
 * - Float32/Float64 → number (Float32 as its shortest float32 text: `0.1`, not
 *   `0.10000000149011612`); NaN, Infinity, −Infinity → `"NaN"`, `"Infinity"`, `"-Infinity"`
 * - Decimal → string with exactly `scale` fraction digits: `"12.30"`, `"-0.05"`, `"0.00"`
 * - Date → `"YYYY-MM-DD"`
 * - Timestamp with a zone → `"YYYY-MM-DDTHH:MM:SS.ffffffZ"` (UTC, always six digits);
 *   without a zone (timestamp_ntz) → the same without `Z`. Years outside 0..9999 are written
 *   as `+YYYYYY`/`-YYYYYY`, as `Date.prototype.toISOString` does. Nanoseconds are floored.
 * - Binary, FixedSizeBinary → standard base64 with padding
 * - Struct → object in field order; List → array; Map → array of `[key, value]` pairs
 * - Dictionary → the encoding of the dictionary value
 *
 * Values are read from the Arrow buffers directly, not through `Vector.get`, because `get`
 * returns timestamps as float milliseconds (microseconds lost).
 *
 * CSV encoding ({@link rowToCsv}): RFC 4180 fields separated by `,`; null is an empty field;
 * scalars are the JSON encoding without quotes (strings raw, decimals `12.30`, timestamps as
 * above); structs, lists and maps are their JSON text. A field is quoted (with `"` doubled) when
 * it contains `,`, `"`, CR or LF, or is the empty string (so that it differs from null).
 *
 * @packageDocumentation
 */
import * as arrow from 'apache-arrow'
import { formatDate, formatTimestampMicros, floorDivMod } from './civil-time.js'
import { formatDecimal, formatFloating } from './partition-values.js'

/** A JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue }

type Data = arrow.Data<arrow.DataType>

/** The JSON encoding of row `rowIndex` of a record batch: one property per column. */
export function rowToJson(batch: arrow.RecordBatch, rowIndex: number): { [column: string]: JsonValue } {
  const out: { [column: string]: JsonValue } = {}
  batch.schema.fields.forEach((field, i) => {
    const column = batch.getChildAt(i)
    out[field.name] = column === null ? null : vectorValueToJson(column, rowIndex)
  })
  return out
}

/** The exact JSON encoding of element `index` of a vector (any number of chunks). */
export function vectorValueToJson(vector: arrow.Vector, index: number): JsonValue {
  let i = index
  for (const data of vector.data) {
    if (i < data.length) return dataValueToJson(data, i)
    i -= data.length
  }
  throw new RangeError(`index ${index} out of range for a vector of length ${vector.length}`)
}

/** The JSON encoding of element `i` of one Arrow `Data` chunk. */
export function dataValueToJson(data: Data, i: number): JsonValue {
  const type = data.type
  if (type.typeId === arrow.Type.Null || !data.getValid(i)) return null
  const values: unknown = data.values
  switch (type.typeId) {
    case arrow.Type.Bool: {
      const bit = data.offset + i
      return ((values as Uint8Array)[bit >> 3]! & (1 << (bit & 7))) !== 0
    }
    case arrow.Type.Int:
      return (type as arrow.Int).bitWidth === 64 ? int64ToJson(int64At(values, i)) : (values as Int32Array)[i]!
    case arrow.Type.Float: {
      const precision = (type as arrow.Float).precision
      if (precision === arrow.Precision.HALF) return floatToJson(arrow.util.uint16ToFloat64((values as Uint16Array)[i]!), false)
      return floatToJson((values as Float64Array)[i]!, precision === arrow.Precision.SINGLE)
    }
    case arrow.Type.Decimal: {
      const t = type as arrow.Decimal
      const stride = t.bitWidth / 32
      return formatDecimal(wordsToBigInt((values as Uint32Array).subarray(i * stride, (i + 1) * stride)), t.scale)
    }
    case arrow.Type.Date: {
      if ((type as arrow.Date_).unit === arrow.DateUnit.DAY) return formatDate((values as Int32Array)[i]!)
      return formatDate(Number(floorDivMod(int64At(values, i), 86_400_000n)[0]))
    }
    case arrow.Type.Timestamp: {
      const t = type as arrow.Timestamp
      return formatTimestamp(toMicros(int64At(values, i), t.unit), t.timezone !== null && t.timezone !== undefined)
    }
    case arrow.Type.Utf8:
    case arrow.Type.LargeUtf8:
      return new TextDecoder().decode(variableWidthBytes(data, i))
    case arrow.Type.Binary:
    case arrow.Type.LargeBinary:
      return base64(variableWidthBytes(data, i))
    case arrow.Type.FixedSizeBinary: {
      const w = (type as arrow.FixedSizeBinary).byteWidth
      return base64((values as Uint8Array).subarray(i * w, (i + 1) * w))
    }
    case arrow.Type.Struct: {
      const out: { [key: string]: JsonValue } = {}
      ;(type as arrow.Struct).children.forEach((f, k) => {
        out[f.name] = dataValueToJson(data.children[k]!, i)
      })
      return out
    }
    case arrow.Type.List:
    case arrow.Type.LargeList: {
      const [begin, end] = offsetsAt(data, i)
      return range(begin, end, (j) => dataValueToJson(data.children[0]!, j))
    }
    case arrow.Type.FixedSizeList: {
      const size = (type as arrow.FixedSizeList).listSize
      return range(i * size, (i + 1) * size, (j) => dataValueToJson(data.children[0]!, j))
    }
    case arrow.Type.Map: {
      const [begin, end] = offsetsAt(data, i)
      const entries = data.children[0]!
      return range(begin, end, (j) => [dataValueToJson(entries.children[0]!, j), dataValueToJson(entries.children[1]!, j)])
    }
    case arrow.Type.Dictionary: {
      const dictionary = data.dictionary
      const key = Number((values as Int32Array | BigInt64Array)[i]!)
      return dictionary === undefined ? null : vectorValueToJson(dictionary, key)
    }
    default:
      // Types outside the Delta contract (times, intervals, unions): Arrow's own getter.
      return arrowValueToJson(new arrow.Vector([data]).get(i), type)
  }
}

/**
 * The JSON encoding of a value as `Vector.get` returns it, for callers that already hold one.
 * Exact for every type except timestamps given as numbers (Arrow's float milliseconds, which
 * lose sub-millisecond digits): pass timestamps as `bigint` in the type's unit to stay exact.
 * Prefer {@link vectorValueToJson} when the vector is at hand.
 */
export function arrowValueToJson(value: unknown, type: arrow.DataType): JsonValue {
  if (value === null || value === undefined) return null
  if (value instanceof arrow.Vector) return range(0, value.length, (j) => vectorValueToJson(value, j))
  switch (type.typeId) {
    case arrow.Type.Int:
      return typeof value === 'bigint' ? int64ToJson(value) : (value as number)
    case arrow.Type.Float:
      return floatToJson(value as number, (type as arrow.Float).precision === arrow.Precision.SINGLE)
    case arrow.Type.Decimal:
      return formatDecimal(typeof value === 'bigint' ? value : wordsToBigInt(value as Uint32Array), (type as arrow.Decimal).scale)
    case arrow.Type.Date: {
      const ms = value instanceof Date ? value.getTime() : Number(value)
      return formatDate(Math.floor(ms / 86_400_000))
    }
    case arrow.Type.Timestamp: {
      const t = type as arrow.Timestamp
      const micros = typeof value === 'bigint' ? toMicros(value, t.unit) : BigInt(Math.round((value instanceof Date ? value.getTime() : (value as number)) * 1000))
      return formatTimestamp(micros, t.timezone !== null && t.timezone !== undefined)
    }
    case arrow.Type.Binary:
    case arrow.Type.LargeBinary:
    case arrow.Type.FixedSizeBinary:
      return base64(value as Uint8Array)
    case arrow.Type.Struct: {
      const row = value as Record<string, unknown>
      const out: { [key: string]: JsonValue } = {}
      for (const f of (type as arrow.Struct).children) out[f.name] = arrowValueToJson(row[f.name], f.type)
      return out
    }
    case arrow.Type.Map: {
      const entries = (type as arrow.Map_).children[0]!.type.children
      return [...(value as Iterable<[unknown, unknown]>)].map(([k, v]) => [arrowValueToJson(k, entries[0]!.type), arrowValueToJson(v, entries[1]!.type)])
    }
    default:
      return plainJson(value)
  }
}

function plainJson(value: unknown): JsonValue {
  if (typeof value === 'bigint') return int64ToJson(value)
  if (typeof value === 'number') return floatToJson(value, false)
  if (typeof value === 'string' || typeof value === 'boolean') return value
  if (value instanceof Uint8Array) return base64(value)
  return String(value)
}

function int64ToJson(v: bigint): number | string {
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v.toString()
}

function floatToJson(v: number, single: boolean): number | string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity'
  return single ? Number(formatFloating(v, true)) : v
}

function int64At(values: unknown, i: number): bigint {
  if (values instanceof BigInt64Array || values instanceof BigUint64Array) return values[i]!
  // Older Arrow layouts store 64-bit values as pairs of 32-bit words (low, high).
  const words = values as Int32Array
  return (BigInt(words[2 * i + 1]!) << 32n) | BigInt(words[2 * i]! >>> 0)
}

/** Two's-complement little-endian 32-bit words (Arrow's decimal layout) to a bigint. */
export function wordsToBigInt(words: Uint32Array): bigint {
  let v = 0n
  for (let k = words.length - 1; k >= 0; k--) v = (v << 32n) | BigInt(words[k]!)
  const bits = BigInt(words.length * 32)
  return words.length > 0 && words[words.length - 1]! >= 0x80000000 ? v - (1n << bits) : v
}

function toMicros(v: bigint, unit: arrow.TimeUnit): bigint {
  switch (unit) {
    case arrow.TimeUnit.SECOND:
      return v * 1_000_000n
    case arrow.TimeUnit.MILLISECOND:
      return v * 1000n
    case arrow.TimeUnit.NANOSECOND:
      return floorDivMod(v, 1000n)[0]
    default:
      return v
  }
}

/** ISO-8601 text of microseconds since the epoch: with `Z` when `utc`, without for NTZ. */
export function formatTimestamp(micros: bigint, utc: boolean): string {
  return formatTimestampMicros(micros, 'T') + (utc ? 'Z' : '')
}

function offsetsAt(data: Data, i: number): [number, number] {
  const offsets = data.valueOffsets as Int32Array | BigInt64Array
  return [Number(offsets[i]), Number(offsets[i + 1])]
}

function variableWidthBytes(data: Data, i: number): Uint8Array {
  const [begin, end] = offsetsAt(data, i)
  return (data.values as Uint8Array).subarray(begin, end)
}

function range<T>(begin: number, end: number, f: (j: number) => T): T[] {
  const out: T[] = []
  for (let j = begin; j < end; j++) out.push(f(j))
  return out
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

/** Standard base64 (RFC 4648, with padding), without `btoa`'s Latin-1 string round trip. */
export function base64(bytes: Uint8Array): string {
  let out = ''
  for (let k = 0; k < bytes.length; k += 3) {
    const n = (bytes[k]! << 16) | ((bytes[k + 1] ?? 0) << 8) | (bytes[k + 2] ?? 0)
    out += B64[n >> 18]! + B64[(n >> 12) & 63]! + (k + 1 < bytes.length ? B64[(n >> 6) & 63]! : '=') + (k + 2 < bytes.length ? B64[n & 63]! : '=')
  }
  return out
}

/** One CSV field (RFC 4180) for a JSON-encoded value; see the module documentation. */
export function jsonToCsvField(value: JsonValue): string {
  if (value === null) return ''
  const text = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value)
  return text === '' || /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/** The CSV field of a value as `Vector.get` returns it (see {@link arrowValueToJson}). */
export function arrowValueToCsv(value: unknown, type: arrow.DataType): string {
  return jsonToCsvField(arrowValueToJson(value, type))
}

/** The CSV line (without line terminator) of row `rowIndex` of a batch. */
export function rowToCsv(batch: arrow.RecordBatch, rowIndex: number): string {
  return batch.schema.fields
    .map((_f, i) => {
      const column = batch.getChildAt(i)
      return column === null ? '' : jsonToCsvField(vectorValueToJson(column, rowIndex))
    })
    .join(',')
}

/** The CSV header line (without line terminator) of a schema: the quoted-as-needed column names. */
export function csvHeader(schema: arrow.Schema): string {
  return schema.fields.map((f) => jsonToCsvField(f.name)).join(',')
}
