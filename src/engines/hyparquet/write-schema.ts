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

/** One step from a top-level column down to a leaf, mirroring the Arrow nesting. */
export type WriteStep =
  | { readonly kind: 'struct'; readonly nullable: boolean; readonly child: string; readonly position: number }
  | { readonly kind: 'list'; readonly nullable: boolean; readonly repLevel: number }
  | { readonly kind: 'map'; readonly nullable: boolean; readonly repLevel: number; readonly part: 0 | 1 }
  | { readonly kind: 'leaf'; readonly nullable: boolean; readonly type: DataType }

/** A leaf column to write: its schema path (root first) and how to reach it in the Arrow data. */
export interface WriteLeaf {
  /** Index of the top-level column among the writable fields. */
  readonly top: number
  readonly path: readonly SchemaElement[]
  readonly steps: readonly WriteStep[]
  readonly maxDef: number
}

/** The flattened Parquet schema (depth-first, root first) and its leaves, for `schema`. */
export function planWrite(schema: StructType): { elements: SchemaElement[]; leaves: WriteLeaf[] } {
  const elements: SchemaElement[] = []
  const leaves: WriteLeaf[] = []
  const fields = writableFields(schema)
  const root: SchemaElement = { name: 'root', num_children: fields.length }
  elements.push(root)
  fields.forEach((f, top) => {
    const emit = (
      name: string,
      type: DataType,
      nullable: boolean,
      fieldId: number | undefined,
      path: SchemaElement[],
      steps: WriteStep[],
      def: number,
      rep: number,
    ): void => {
      const repetition_type = nullable ? 'OPTIONAL' : 'REQUIRED'
      const base: SchemaElement = { name, repetition_type, ...(fieldId !== undefined ? { field_id: fieldId } : {}) }
      const d = def + (nullable ? 1 : 0)
      const push = (el: SchemaElement): SchemaElement[] => {
        elements.push(el)
        return [...path, el]
      }
      switch (type.type) {
        case 'struct':
        case 'variant': {
          const children: readonly StructField[] = type.type === 'struct' ? writableFields(type) : VARIANT_FIELDS
          if (children.length === 0) throw new ParquetError(`parquet: cannot write struct ${name} without (non-void) fields`)
          const here = push({ ...base, num_children: children.length })
          const all = type.type === 'struct' ? type.fields : VARIANT_FIELDS
          for (const c of children) {
            const step: WriteStep = { kind: 'struct', nullable, child: c.name, position: all.indexOf(c) }
            emit(c.name, c.type, c.nullable, fieldIdOf(c), here, [...steps, step], d, rep)
          }
          return
        }
        case 'array': {
          const list = push({ ...base, num_children: 1, converted_type: 'LIST', logical_type: { type: 'LIST' } })
          const repeated = [...list, { name: 'list', repetition_type: 'REPEATED', num_children: 1 } as SchemaElement]
          elements.push(repeated[repeated.length - 1]!)
          const step: WriteStep = { kind: 'list', nullable, repLevel: rep + 1 }
          emit('element', type.elementType, type.containsNull, undefined, repeated, [...steps, step], d + 1, rep + 1)
          return
        }
        case 'map': {
          const map = push({ ...base, num_children: 1, converted_type: 'MAP', logical_type: { type: 'MAP' } })
          const kv = [...map, { name: 'key_value', repetition_type: 'REPEATED', num_children: 2 } as SchemaElement]
          elements.push(kv[kv.length - 1]!)
          emit('key', type.keyType, false, undefined, kv, [...steps, { kind: 'map', nullable, repLevel: rep + 1, part: 0 }], d + 1, rep + 1)
          emit('value', type.valueType, type.valueContainsNull, undefined, kv, [...steps, { kind: 'map', nullable, repLevel: rep + 1, part: 1 }], d + 1, rep + 1)
          return
        }
        case 'void':
          throw new ParquetError(`parquet: void field ${name} cannot be written inside a list or map`)
        default: {
          const here = push({ ...base, ...primitive(type) })
          leaves.push({ top, path: [root, ...here], steps: [...steps, { kind: 'leaf', nullable, type }], maxDef: d })
        }
      }
    }
    emit(f.name, f.type, f.nullable, fieldIdOf(f), [], [], 0, 0)
  })
  return { elements, leaves }
}

/** Flattened (depth-first) Parquet schema elements for `schema`, root first. */
export function parquetSchemaOf(schema: StructType): SchemaElement[] {
  return planWrite(schema).elements
}

/** The fields that get a Parquet column (all but `void`). */
export function writableFields(schema: StructType): StructField[] {
  return schema.fields.filter((f) => f.type.type !== 'void')
}

/** Variant's Parquet layout: two required binaries (Arrow order: metadata, value). */
export const VARIANT_FIELDS: readonly StructField[] = [
  { name: 'metadata', type: { type: 'binary' }, nullable: false, metadata: {} },
  { name: 'value', type: { type: 'binary' }, nullable: false, metadata: {} },
]

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
