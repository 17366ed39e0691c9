/**
 * Checking that Arrow data handed to a write has the Arrow types of the table's Delta types
 * (the mapping in `protocol/arrow-types.ts`), and re-labelling it with the table's exact Arrow
 * fields. Field names of list elements and map entries, and the spelling of a UTC zone, may
 * differ; units, widths, precision and scale may not: converting values silently would corrupt
 * them.
 *
 * @packageDocumentation
 */
import * as A from 'apache-arrow'
import { InvalidWriteError } from '../errors.js'
import { takeData } from '../scan/take.js'
import { describeType } from '../protocol/schema.js'
import type { DataType } from '../protocol/schema-types.js'

function mismatch(path: string, t: DataType, found: A.DataType): never {
  throw new InvalidWriteError(`column ${path}: expected Arrow data for Delta type ${describeType(t)}, found Arrow ${String(found)}`)
}

/** Throws `InvalidWriteError` unless `found` carries values of Delta type `t`. */
export function checkArrowType(t: DataType, found: A.DataType, path: string): void {
  const ok = (cond: boolean) => {
    if (!cond) mismatch(path, t, found)
  }
  switch (t.type) {
    case 'string':
      return ok(A.DataType.isUtf8(found))
    case 'binary':
      return ok(A.DataType.isBinary(found))
    case 'boolean':
      return ok(A.DataType.isBool(found))
    case 'byte':
    case 'short':
    case 'integer':
    case 'long': {
      const bits = { byte: 8, short: 16, integer: 32, long: 64 }[t.type]
      return ok(A.DataType.isInt(found) && found.isSigned && found.bitWidth === bits)
    }
    case 'float':
      return ok(A.DataType.isFloat(found) && found.precision === A.Precision.SINGLE)
    case 'double':
      return ok(A.DataType.isFloat(found) && found.precision === A.Precision.DOUBLE)
    case 'decimal':
      return ok(A.DataType.isDecimal(found) && found.precision === t.precision && found.scale === t.scale && found.bitWidth === 128)
    case 'date':
      return ok(A.DataType.isDate(found) && found.unit === A.DateUnit.DAY)
    case 'timestamp':
    case 'timestamp_ntz': {
      const zoned = A.DataType.isTimestamp(found) && found.timezone !== null && found.timezone !== undefined && found.timezone !== ''
      return ok(A.DataType.isTimestamp(found) && found.unit === A.TimeUnit.MICROSECOND && zoned === (t.type === 'timestamp'))
    }
    case 'void':
      return ok(A.DataType.isNull(found))
    case 'struct': {
      ok(A.DataType.isStruct(found))
      const children = (found as A.Struct).children
      ok(children.length === t.fields.length)
      t.fields.forEach((f, i) => {
        ok(children[i]!.name === f.name)
        checkArrowType(f.type, children[i]!.type, `${path}.${f.name}`)
      })
      return
    }
    case 'array':
      ok(A.DataType.isList(found))
      return checkArrowType(t.elementType, (found as A.List).children[0]!.type, `${path}.element`)
    case 'map': {
      ok(A.DataType.isMap(found))
      const entries = (found as A.Map_).children[0]!.type as A.Struct
      checkArrowType(t.keyType, entries.children[0]!.type, `${path}.key`)
      return checkArrowType(t.valueType, entries.children[1]!.type, `${path}.value`)
    }
    default:
      return mismatch(path, t, found)
  }
}

/** The same values with the table's Arrow type (names, nullability, zone spelling). */
export function relabelData(data: A.Data, type: A.DataType): A.Data {
  if (type.children?.length) {
    const children = data.children.map((c, i) => relabelData(c, type.children[i]!.type))
    return data.clone(type, data.offset, data.length, data.nullCount, undefined, children)
  }
  return data.type === type ? data : data.clone(type)
}

/**
 * Dictionary-encoded columns (apache-arrow's `tableFromArrays` makes every string column one)
 * decoded to plain columns of their value type, so callers can hand any Arrow data to a write.
 * Only top-level columns are decoded; nested dictionaries are refused by `checkArrowType`.
 */
export function decodeDictionaries(batch: A.RecordBatch): A.RecordBatch {
  if (!batch.schema.fields.some((f) => A.DataType.isDictionary(f.type))) return batch
  const fields: A.Field[] = []
  const children: A.Data[] = []
  batch.schema.fields.forEach((f, k) => {
    const data = batch.data.children[k]!
    if (!A.DataType.isDictionary(f.type)) {
      fields.push(f)
      children.push(data)
      return
    }
    const dict = data.dictionary
    if (!dict || dict.data.length !== 1) throw new InvalidWriteError(`column ${f.name}: a dictionary in several chunks is not supported; decode it first`)
    const keys = data.values as ArrayLike<number | bigint>
    const valid = (i: number) => data.nullCount === 0 || !data.nullBitmap || ((data.nullBitmap[(data.offset + i) >> 3]! >> ((data.offset + i) & 7)) & 1) === 1
    const indices = new Int32Array(data.length)
    for (let i = 0; i < data.length; i++) indices[i] = valid(i) ? Number(keys[i]) : 0
    const decoded = takeData(dict.data[0]!, indices)
    const type = (f.type as A.Dictionary).dictionary
    fields.push(new A.Field(f.name, type, f.nullable, f.metadata))
    children.push(A.makeData({ type: type as A.Utf8, length: data.length, nullCount: data.nullCount, nullBitmap: data.nullCount > 0 ? copyBitmap(data) : undefined, valueOffsets: decoded.valueOffsets, data: decoded.values as Uint8Array, ...(decoded.children.length ? { children: decoded.children } : {}) } as never))
  })
  const schema = new A.Schema(fields, batch.schema.metadata)
  return new A.RecordBatch(schema, A.makeData({ type: new A.Struct(fields), length: batch.numRows, nullCount: 0, children }))
}

/** The validity bitmap of `data` re-based to offset 0. */
function copyBitmap(data: A.Data): Uint8Array {
  const out = new Uint8Array(Math.ceil(data.length / 8))
  for (let i = 0; i < data.length; i++) {
    const j = data.offset + i
    if ((data.nullBitmap![j >> 3]! >> (j & 7)) & 1) out[i >> 3] |= 1 << (i & 7)
  }
  return out
}
