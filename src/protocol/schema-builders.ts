/**
 * Terse constructors for the fixed schemas the kernel declares (checkpoint layouts, stats).
 *
 * @packageDocumentation
 */
import type { DataType, StructField, StructType } from './schema-types.js'

/** A nullable field without metadata. */
export const field = (name: string, type: DataType, nullable = true): StructField => ({ name, type, nullable, metadata: {} })
/** A struct of `fields`. */
export const struct = (...fields: StructField[]): StructType => ({ type: 'struct', fields })
export const STRING: DataType = { type: 'string' }
export const LONG: DataType = { type: 'long' }
export const INT: DataType = { type: 'integer' }
export const BOOL: DataType = { type: 'boolean' }
/** `map<string, string>` with nullable values (partitionValues, tags, configuration). */
export const STRING_MAP: DataType = { type: 'map', keyType: STRING, valueType: STRING, valueContainsNull: true }
/** `array<string>` with nullable elements. */
export const STRING_ARRAY: DataType = { type: 'array', elementType: STRING, containsNull: true }
