/**
 * Column mapping (PROTOCOL.md, "Column Mapping"): logical (display) names versus the physical
 * names and field ids that data files, partition values and statistics use.
 *
 * Convention shared with every `ParquetHandler`: a physical schema field that carries metadata
 * `parquet.field.id` (a number) is matched in the file by Parquet field id; otherwise by name.
 *
 * @packageDocumentation
 */
import { InvalidSchemaError, UnsupportedFeatureError } from '../errors.js'
import type { DataType, StructField, StructType } from './schema-types.js'

/** The table property `delta.columnMapping.mode`; absent means `none`. */
export type ColumnMappingMode = 'none' | 'name' | 'id'

/** Metadata key of a field's physical name. */
export const PHYSICAL_NAME_KEY = 'delta.columnMapping.physicalName'
/** Metadata key of a field's column-mapping id. */
export const COLUMN_ID_KEY = 'delta.columnMapping.id'
/** Metadata key a physical schema uses to ask the ParquetHandler to match by field id. */
export const PARQUET_FIELD_ID_KEY = 'parquet.field.id'

/**
 * The column mapping mode of a table configuration. Callers must only honour it when the
 * protocol supports `columnMapping` (reader version 2, or 3 with the feature); that check lives
 * with the table features. Throws {@link UnsupportedFeatureError} for an unknown mode.
 */
export function columnMappingMode(configuration: Readonly<Record<string, string>> | undefined): ColumnMappingMode {
  const raw = configuration?.['delta.columnMapping.mode']
  if (raw === undefined) return 'none'
  const mode = raw.toLowerCase() // Delta Spark compares the mode case-insensitively
  if (mode === 'none' || mode === 'name' || mode === 'id') return mode
  throw new UnsupportedFeatureError(
    `delta.columnMapping.mode=${raw}`,
    `table property delta.columnMapping.mode: expected none, name or id, found ${JSON.stringify(raw)}`,
  )
}

/**
 * The physical name of a field: its `delta.columnMapping.physicalName` metadata when present,
 * otherwise its logical name (what `none` mode uses).
 */
export function physicalName(field: StructField): string {
  const v = field.metadata[PHYSICAL_NAME_KEY]
  return typeof v === 'string' ? v : field.name
}

/**
 * The column-mapping id of a field (`delta.columnMapping.id`), or `undefined` when absent.
 * Throws {@link InvalidSchemaError} when present but not a 32-bit integer.
 */
export function fieldId(field: StructField): number | undefined {
  const v = field.metadata[COLUMN_ID_KEY]
  if (v === undefined) return undefined
  if (typeof v !== 'number' || !Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31) {
    throw new InvalidSchemaError(`field "${field.name}": ${COLUMN_ID_KEY} must be a 32-bit integer, found ${String(v)}`)
  }
  return v
}

/** Options of {@link toPhysicalSchema}. */
export interface PhysicalSchemaOptions {
  /**
   * Set `parquet.field.id` on every field from `delta.columnMapping.id`. Default: `true` in `id`
   * mode (readers must match by id), `false` otherwise (in `name` mode readers must match by
   * name). Writers pass `true` in both modes: the protocol wants field ids in written files.
   */
  readonly fieldIds?: boolean
}

/**
 * The physical schema of a logical one: every field, at every depth (struct fields inside
 * arrays and maps too), renamed to its physical name, keeping its metadata. In `none` mode the
 * schema is returned unchanged (unless `fieldIds` asks for ids).
 * Throws {@link InvalidSchemaError} when the mode needs a physical name or id a field lacks.
 */
export function toPhysicalSchema(logical: StructType, mode: ColumnMappingMode, options: PhysicalSchemaOptions = {}): StructType {
  const withIds = options.fieldIds ?? mode === 'id'
  if (mode === 'none' && !withIds) return logical
  return mapStruct(logical, mode, withIds, '')
}

function mapStruct(s: StructType, mode: ColumnMappingMode, withIds: boolean, prefix: string): StructType {
  return {
    type: 'struct',
    fields: s.fields.map((f) => {
      const path = prefix === '' ? f.name : `${prefix}.${f.name}`
      let name = f.name
      if (mode !== 'none') {
        const p = f.metadata[PHYSICAL_NAME_KEY]
        if (typeof p !== 'string' || p === '') {
          throw new InvalidSchemaError(`column mapping mode ${mode}: field ${path} has no ${PHYSICAL_NAME_KEY} metadata`)
        }
        name = p
      }
      let metadata = f.metadata
      if (withIds) {
        const id = fieldId(f)
        if (id === undefined) throw new InvalidSchemaError(`column mapping mode ${mode}: field ${path} has no ${COLUMN_ID_KEY} metadata`)
        metadata = { ...metadata, [PARQUET_FIELD_ID_KEY]: id }
      }
      return { name, type: mapType(f.type, mode, withIds, path), nullable: f.nullable, metadata }
    }),
  }
}

function mapType(t: DataType, mode: ColumnMappingMode, withIds: boolean, path: string): DataType {
  switch (t.type) {
    case 'struct':
      return mapStruct(t, mode, withIds, path)
    case 'array':
      return { ...t, elementType: mapType(t.elementType, mode, withIds, `${path}.element`) }
    case 'map':
      return {
        ...t,
        keyType: mapType(t.keyType, mode, withIds, `${path}.key`),
        valueType: mapType(t.valueType, mode, withIds, `${path}.value`),
      }
    default:
      return t
  }
}
