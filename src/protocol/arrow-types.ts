/**
 * Delta types to Apache Arrow types. This is the contract every `ParquetHandler` produces
 * batches in and every connector consumes, so it is fixed and exact:
 *
 * | Delta | Arrow |
 * | --- | --- |
 * | string | Utf8 |
 * | long / integer / short / byte | Int64 / Int32 / Int16 / Int8 |
 * | float / double | Float32 / Float64 |
 * | boolean | Bool |
 * | binary | Binary |
 * | date | DateDay (int32 days since the epoch) |
 * | timestamp | Timestamp(MICROSECOND, 'UTC') (int64, read it as a BigInt64Array) |
 * | timestamp_ntz | Timestamp(MICROSECOND, null) |
 * | decimal(p,s) | Decimal(scale s, precision p, 128-bit) |
 * | void | Null |
 * | variant | Struct{metadata: Binary not null, value: Binary not null} (the Parquet variant layout) |
 * | struct | Struct, same field order |
 * | array | List, child field `element` (nullable = containsNull) |
 * | map | Map_ (keys unsorted), child `entries`: Struct{key not null, value (nullable = valueContainsNull)} |
 *
 * Field nullability carries over. Field metadata carries over as Arrow's string map: string
 * values as they are, every other JSON value as its JSON text (`parquet.field.id` → `"5"`).
 *
 * @packageDocumentation
 */
import * as arrow from 'apache-arrow'
import { stringifyExactJson } from './exact-json.js'
import type { DataType, FieldMetadata, StructField, StructType } from './schema-types.js'

/** The Arrow schema of a Delta struct (usually a table or physical schema). */
export function toArrowSchema(schema: StructType): arrow.Schema {
  return new arrow.Schema(schema.fields.map(toArrowField))
}

/** The Arrow field of a Delta struct field. */
export function toArrowField(field: StructField): arrow.Field {
  return new arrow.Field(field.name, toArrowType(field.type), field.nullable, toArrowMetadata(field.metadata))
}

/** Delta field metadata as Arrow's `Map<string, string>` (non-strings as JSON text). */
export function toArrowMetadata(metadata: FieldMetadata): Map<string, string> {
  const out = new Map<string, string>()
  for (const [k, v] of Object.entries(metadata)) out.set(k, typeof v === 'string' ? v : stringifyExactJson(v))
  return out
}

/** The Arrow type of a Delta type (see the module table). */
export function toArrowType(t: DataType): arrow.DataType {
  switch (t.type) {
    case 'string':
      return new arrow.Utf8()
    case 'long':
      return new arrow.Int64()
    case 'integer':
      return new arrow.Int32()
    case 'short':
      return new arrow.Int16()
    case 'byte':
      return new arrow.Int8()
    case 'float':
      return new arrow.Float32()
    case 'double':
      return new arrow.Float64()
    case 'boolean':
      return new arrow.Bool()
    case 'binary':
      return new arrow.Binary()
    case 'date':
      return new arrow.DateDay()
    case 'timestamp':
      return new arrow.Timestamp(arrow.TimeUnit.MICROSECOND, 'UTC')
    case 'timestamp_ntz':
      return new arrow.Timestamp(arrow.TimeUnit.MICROSECOND, null)
    case 'decimal':
      return new arrow.Decimal(t.scale, t.precision, 128)
    case 'void':
      return new arrow.Null()
    case 'variant':
      return new arrow.Struct([new arrow.Field('metadata', new arrow.Binary(), false), new arrow.Field('value', new arrow.Binary(), false)])
    case 'struct':
      return new arrow.Struct(t.fields.map(toArrowField))
    case 'array':
      return new arrow.List(new arrow.Field('element', toArrowType(t.elementType), t.containsNull))
    case 'map': {
      const entries = new arrow.Struct([
        new arrow.Field('key', toArrowType(t.keyType), false),
        new arrow.Field('value', toArrowType(t.valueType), t.valueContainsNull),
      ])
      return new arrow.Map_(new arrow.Field('entries', entries, false), false)
    }
  }
}
