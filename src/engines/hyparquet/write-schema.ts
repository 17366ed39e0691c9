/**
 * The Parquet schema written for a Delta physical schema (the layout Spark writes):
 * decimals as INT32/INT64/FIXED_LEN_BYTE_ARRAY by precision, timestamps INT64 micros (UTC-adjusted
 * for `timestamp`, not for `timestamp_ntz`), dates INT32 DATE, 3-level lists and maps, field ids
 * from `parquet.field.id`. `void` fields have no Parquet representation and are left out (they
 * read back as all-null missing columns).
 *
 * @packageDocumentation
 */
import type { SchemaElement } from 'hyparquet'
import { ParquetError } from '../../errors.js'
import type { DataType, StructField, StructType } from '../../protocol/schema-types.js'
import { decimalByteWidth } from './decimal.js'
import { fieldIdOf } from './plan.js'

/** Flattened (depth-first) Parquet schema elements for `schema`, root first. */
export function parquetSchemaOf(schema: StructType): SchemaElement[] {
  const out: SchemaElement[] = []
  const fields = writableFields(schema)
  out.push({ name: 'root', num_children: fields.length })
  for (const f of fields) emit(out, f.name, f.type, f.nullable, fieldIdOf(f))
  return out
}

/** The fields that get a Parquet column (all but `void`). */
export function writableFields(schema: StructType): StructField[] {
  return schema.fields.filter((f) => f.type.type !== 'void')
}

function emit(out: SchemaElement[], name: string, type: DataType, nullable: boolean, fieldId: number | undefined): void {
  const repetition_type = nullable ? 'OPTIONAL' : 'REQUIRED'
  const base: SchemaElement = { name, repetition_type, ...(fieldId !== undefined ? { field_id: fieldId } : {}) }
  switch (type.type) {
    case 'struct': {
      const fields = writableFields(type)
      if (fields.length === 0) throw new ParquetError(`parquet: cannot write struct ${name} without (non-void) fields`)
      out.push({ ...base, num_children: fields.length })
      for (const f of fields) emit(out, f.name, f.type, f.nullable, fieldIdOf(f))
      return
    }
    case 'variant':
      out.push({ ...base, num_children: 2 })
      out.push({ name: 'value', repetition_type: 'REQUIRED', type: 'BYTE_ARRAY' })
      out.push({ name: 'metadata', repetition_type: 'REQUIRED', type: 'BYTE_ARRAY' })
      return
    case 'array':
      out.push({ ...base, num_children: 1, converted_type: 'LIST', logical_type: { type: 'LIST' } })
      out.push({ name: 'list', repetition_type: 'REPEATED', num_children: 1 })
      emit(out, 'element', type.elementType, type.containsNull, undefined)
      return
    case 'map':
      out.push({ ...base, num_children: 1, converted_type: 'MAP', logical_type: { type: 'MAP' } })
      out.push({ name: 'key_value', repetition_type: 'REPEATED', num_children: 2 })
      emit(out, 'key', type.keyType, false, undefined)
      emit(out, 'value', type.valueType, type.valueContainsNull, undefined)
      return
    case 'void':
      throw new ParquetError(`parquet: void field ${name} cannot be written inside a list or map`)
    default:
      out.push({ ...base, ...primitive(type) })
  }
}

function primitive(type: DataType): Partial<SchemaElement> {
  switch (type.type) {
    case 'string':
      return { type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' } }
    case 'binary':
      return { type: 'BYTE_ARRAY' }
    case 'long':
      return { type: 'INT64' }
    case 'integer':
      return { type: 'INT32' }
    case 'short':
      return { type: 'INT32', converted_type: 'INT_16' }
    case 'byte':
      return { type: 'INT32', converted_type: 'INT_8' }
    case 'float':
      return { type: 'FLOAT' }
    case 'double':
      return { type: 'DOUBLE' }
    case 'boolean':
      return { type: 'BOOLEAN' }
    case 'date':
      return { type: 'INT32', converted_type: 'DATE', logical_type: { type: 'DATE' } }
    case 'timestamp':
      return {
        type: 'INT64',
        converted_type: 'TIMESTAMP_MICROS',
        logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' },
      }
    case 'timestamp_ntz':
      // No converted type: TIMESTAMP_MICROS would claim UTC adjustment.
      return { type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: false, unit: 'MICROS' } }
    case 'decimal': {
      const { precision, scale } = type
      const annotation = {
        converted_type: 'DECIMAL' as const,
        logical_type: { type: 'DECIMAL' as const, precision, scale },
        precision,
        scale,
      }
      if (precision <= 9) return { type: 'INT32', ...annotation }
      if (precision <= 18) return { type: 'INT64', ...annotation }
      return { type: 'FIXED_LEN_BYTE_ARRAY', type_length: decimalByteWidth(precision), ...annotation }
    }
    default:
      throw new ParquetError(`parquet: cannot write Delta type ${type.type}`)
  }
}
