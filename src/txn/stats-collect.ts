/**
 * Per-file statistics (PROTOCOL.md "Per-file Statistics") computed from the Arrow batches of one
 * data file, as the JSON string of `add.stats`: `numRecords`, and for the columns chosen by
 * `stats-columns.ts`, `minValues` / `maxValues` (numbers, decimals, dates, timestamps, strings:
 * the types Delta Spark skips on) and `nullCount` (every leaf, arrays and maps included). Keys
 * are physical column names, nested like the schema.
 *
 * Value encodings follow Delta Spark: dates `YYYY-MM-DD`; timestamps truncated down to the
 * millisecond, `YYYY-MM-DDTHH:MM:SS.mmmZ` (UTC) or without `Z` for timestamp_ntz; decimals as
 * exact JSON numbers; strings truncated (`stats-strings.ts`). A floating-point column holding
 * NaN gets no min/max (JSON cannot carry NaN, and a bound without it would be wrong).
 *
 * @packageDocumentation
 */
import * as A from 'apache-arrow'
import { InvalidWriteError } from '../errors.js'
import { formatDate, formatTimestampMicros, floorDivMod } from '../protocol/civil-time.js'
import { physicalName } from '../protocol/column-mapping.js'
import { formatDecimal, formatFloating } from '../protocol/partition-values.js'
import type { DataType, StructType } from '../protocol/schema-types.js'
import { wordsToBigInt } from '../protocol/value-encoding.js'
import { DEFAULT_STRING_PREFIX_LENGTH, truncateMaxString, truncateMinString } from './stats-strings.js'

type Scalar = number | bigint | Uint8Array

interface Acc {
  nulls: number
  min: Scalar | undefined
  max: Scalar | undefined
  sawNaN: boolean
}

/** A JSON number token written verbatim (exact decimals and 64-bit integers). */
class Raw {
  constructor(readonly text: string) {}
}
type Json = Raw | string | number | { [k: string]: Json }

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!
  return a.length - b.length
}

function less(a: Scalar, b: Scalar): boolean {
  if (a instanceof Uint8Array) return compareBytes(a, b as Uint8Array) < 0
  return a < (b as number | bigint)
}

const eligible = new Set(['byte', 'short', 'integer', 'long', 'float', 'double', 'decimal', 'date', 'timestamp', 'timestamp_ntz', 'string'])

/** Reads value `i` of a leaf chunk as a comparable scalar (only for min/max-eligible types). */
function valueAt(data: A.Data, i: number, type: DataType): Scalar {
  const values = data.values as unknown
  switch (type.type) {
    case 'long':
    case 'timestamp':
    case 'timestamp_ntz':
      return (values as BigInt64Array)[i]!
    case 'decimal': {
      const stride = (data.type as A.Decimal).bitWidth / 32
      return wordsToBigInt((values as Uint32Array).subarray(i * stride, (i + 1) * stride))
    }
    case 'string': {
      const offsets = data.valueOffsets as Int32Array
      return (values as Uint8Array).subarray(offsets[i]!, offsets[i + 1]!)
    }
    default:
      return (values as Float64Array | Int32Array)[i]!
  }
}

function accumulate(acc: Acc, data: A.Data, type: DataType, parentValid: Uint8Array | undefined): Uint8Array | undefined {
  const n = data.length
  const track = eligible.has(type.type)
  let valid: Uint8Array | undefined
  if (type.type === 'struct') valid = new Uint8Array(n)
  for (let i = 0; i < n; i++) {
    const ok = (parentValid === undefined || parentValid[i] === 1) && data.getValid(i)
    if (valid) valid[i] = ok ? 1 : 0
    if (!ok) {
      acc.nulls++
      continue
    }
    if (!track) continue
    const v = valueAt(data, i, type)
    if (typeof v === 'number' && Number.isNaN(v)) {
      acc.sawNaN = true
      continue
    }
    if (acc.min === undefined || less(v, acc.min)) acc.min = v
    if (acc.max === undefined || less(acc.max, v)) acc.max = v
  }
  return valid
}

function encodeBound(v: Scalar, type: DataType, side: 'min' | 'max', prefixLength: number): Json | undefined {
  switch (type.type) {
    case 'long':
      return new Raw((v as bigint).toString())
    case 'decimal':
      return new Raw(formatDecimal(v as bigint, type.scale))
    case 'float':
    case 'double': {
      const x = v as number
      return Number.isFinite(x) ? new Raw(formatFloating(x, type.type === 'float')) : undefined
    }
    case 'date':
      return formatDate(v as number)
    case 'timestamp':
    case 'timestamp_ntz': {
      const ms = floorDivMod(v as bigint, 1000n)[0]
      const text = formatTimestampMicros(ms * 1000n, 'T').slice(0, -3)
      return type.type === 'timestamp' ? `${text}Z` : text
    }
    case 'string': {
      const s = new TextDecoder().decode(v as Uint8Array)
      return side === 'min' ? truncateMinString(s, prefixLength) : truncateMaxString(s, prefixLength)
    }
    default:
      return v as number
  }
}

interface Node {
  numRecords: number
  min: { [k: string]: Json }
  max: { [k: string]: Json }
  nulls: { [k: string]: Json }
}

/** Options of {@link collectStats}. */
export interface CollectStatsOptions {
  /** `delta.dataSkippingStringPrefixLength`; default 32. */
  readonly stringPrefixLength?: number
}

/** `parentValid[c]`: validity of the enclosing struct for chunk `c` (undefined at the top level). */
function collectStruct(
  columns: readonly (A.Data[] | undefined)[],
  schema: StructType,
  parentValid: readonly (Uint8Array | undefined)[],
  prefixLength: number,
  out: Node,
): void {
  schema.fields.forEach((f, k) => {
    const key = physicalName(f)
    const chunks = columns[k]
    if (!chunks) return
    if (f.type.type === 'struct') {
      const inner: Node = { numRecords: 0, min: {}, max: {}, nulls: {} }
      const st = f.type
      const childColumns: (A.Data[] | undefined)[] = st.fields.map(() => [])
      const childValid: (Uint8Array | undefined)[] = []
      chunks.forEach((data, c) => {
        const v = accumulate({ nulls: 0, min: undefined, max: undefined, sawNaN: false }, data, f.type, parentValid[c])
        childValid.push(v)
        st.fields.forEach((_, j) => childColumns[j]!.push(data.children[j]!))
      })
      collectStruct(childColumns, st, childValid, prefixLength, inner)
      if (Object.keys(inner.min).length) out.min[key] = inner.min
      if (Object.keys(inner.max).length) out.max[key] = inner.max
      if (Object.keys(inner.nulls).length) out.nulls[key] = inner.nulls
      return
    }
    const acc: Acc = { nulls: 0, min: undefined, max: undefined, sawNaN: false }
    chunks.forEach((data, c) => accumulate(acc, data, f.type, parentValid[c]))
    out.nulls[key] = acc.nulls
    if (acc.sawNaN || acc.min === undefined || acc.max === undefined) return
    const lo = encodeBound(acc.min, f.type, 'min', prefixLength)
    const hi = encodeBound(acc.max, f.type, 'max', prefixLength)
    if (lo !== undefined) out.min[key] = lo
    if (hi !== undefined) out.max[key] = hi
  })
}

function stringify(v: Json): string {
  if (v instanceof Raw) return v.text
  if (typeof v === 'string' || typeof v === 'number') return JSON.stringify(v)
  return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${stringify(x)}`).join(',')}}`
}

/**
 * The `stats` JSON of a data file holding `batches`. `schema` is the statistics schema (see
 * `statsSchema`): each of its top-level fields is looked up in the batches by name; a field the
 * batches lack is skipped. Batches must have the Arrow types of the Delta types
 * (`toArrowType`); otherwise `InvalidWriteError`.
 */
export function collectStats(batches: readonly A.RecordBatch[], schema: StructType, options: CollectStatsOptions = {}): string {
  const prefixLength = options.stringPrefixLength ?? DEFAULT_STRING_PREFIX_LENGTH
  const node: Node = { numRecords: 0, min: {}, max: {}, nulls: {} }
  const columns: (A.Data[] | undefined)[] = schema.fields.map(() => undefined)
  for (const batch of batches) {
    node.numRecords += batch.numRows
    schema.fields.forEach((f, k) => {
      const idx = batch.schema.fields.findIndex((x) => x.name === f.name)
      if (idx < 0) return
      const data = batch.getChildAt(idx)!.data
      if (data.length !== 1) throw new InvalidWriteError(`statistics: column ${f.name} of a record batch has ${data.length} chunks, expected 1`)
      ;(columns[k] ??= []).push(data[0]!)
    })
  }
  collectStruct(columns, schema, [], prefixLength, node)
  const out: { [k: string]: Json } = { numRecords: new Raw(String(node.numRecords)) }
  if (Object.keys(node.min).length) out.minValues = node.min
  if (Object.keys(node.max).length) out.maxValues = node.max
  if (Object.keys(node.nulls).length) out.nullCount = node.nulls
  return stringify(out)
}
