/**
 * The Delta schema type model (PROTOCOL.md, "Schema Serialization Format"), as plain readonly
 * data. Parsing, serialisation and Arrow conversion live in `schema.ts`.
 *
 * @packageDocumentation
 */

/** Names of Delta primitive types (decimal is {@link DecimalType}). */
export type PrimitiveTypeName =
  | 'string'
  | 'long'
  | 'integer'
  | 'short'
  | 'byte'
  | 'float'
  | 'double'
  | 'boolean'
  | 'binary'
  | 'date'
  | 'timestamp'
  | 'timestamp_ntz'
  | 'void'
  | 'variant'

/** A primitive type. */
export interface PrimitiveType {
  readonly type: PrimitiveTypeName
}

/** `decimal(precision, scale)`, precision 1..38. */
export interface DecimalType {
  readonly type: 'decimal'
  readonly precision: number
  readonly scale: number
}

/** Field metadata: arbitrary JSON values keyed by name (e.g. `delta.columnMapping.id`). */
export type FieldMetadata = Readonly<Record<string, unknown>>

/** One field of a struct. */
export interface StructField {
  readonly name: string
  readonly type: DataType
  readonly nullable: boolean
  readonly metadata: FieldMetadata
}

/** A struct (also the table schema itself). */
export interface StructType {
  readonly type: 'struct'
  readonly fields: readonly StructField[]
}

/** An array. */
export interface ArrayType {
  readonly type: 'array'
  readonly elementType: DataType
  readonly containsNull: boolean
}

/** A map. */
export interface MapType {
  readonly type: 'map'
  readonly keyType: DataType
  readonly valueType: DataType
  readonly valueContainsNull: boolean
}

/** Any Delta data type. */
export type DataType = PrimitiveType | DecimalType | StructType | ArrayType | MapType
