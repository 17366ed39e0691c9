/**
 * Delta schemas as JSON (PROTOCOL.md, "Schema Serialization Format"): parsing with validation,
 * serialisation in the exact shape Spark writes, and lookups. Column mapping lives in
 * `column-mapping.ts` (re-exported here); the Arrow mapping in `arrow-types.ts`.
 *
 * @packageDocumentation
 */
import { InvalidSchemaError, UnsupportedFeatureError } from '../errors.js'
import { ExactJsonSyntaxError, parseExactJson, stringifyExactJson } from './exact-json.js'
import type { DataType, DecimalType, FieldMetadata, PrimitiveTypeName, StructField, StructType } from './schema-types.js'

export {
  columnMappingMode,
  fieldId,
  physicalName,
  toPhysicalSchema,
  type ColumnMappingMode,
  type PhysicalSchemaOptions,
} from './column-mapping.js'

const PRIMITIVES: ReadonlySet<string> = new Set<PrimitiveTypeName>([
  'string',
  'long',
  'integer',
  'short',
  'byte',
  'float',
  'double',
  'boolean',
  'binary',
  'date',
  'timestamp',
  'timestamp_ntz',
  'void',
  'variant',
])

/** Largest decimal precision Delta allows. */
export const MAX_DECIMAL_PRECISION = 38

// Spark's own grammar for decimal type names: optional blanks inside the parentheses.
const DECIMAL = /^decimal\(\s*(\d+)\s*,\s*(-?\d+)\s*\)$/

/**
 * Parses a `metaData.schemaString`. Integers in field metadata outside the JS safe range are
 * kept exact as `bigint`. Throws {@link InvalidSchemaError} naming the offending field path on
 * malformed JSON, unknown type names, bad decimal precision/scale, missing or mistyped keys, or
 * column names that repeat within a struct regardless of case (which the protocol forbids).
 * Throws {@link UnsupportedFeatureError} (`geospatial`) for `geometry(...)`/`geography(...)`.
 */
export function parseSchema(schemaString: string): StructType {
  let json: unknown
  try {
    json = parseExactJson(schemaString)
  } catch (cause) {
    const detail = cause instanceof ExactJsonSyntaxError ? cause.message : String(cause)
    throw new InvalidSchemaError(`schema: expected a JSON struct definition, found invalid JSON (${detail})`, { cause })
  }
  const t = parseDataType(json, '<root>')
  if (t.type !== 'struct') throw new InvalidSchemaError(`schema: expected the top-level type to be a struct, found ${describeType(t)}`)
  return t
}

/** Parses one JSON data type (a type name string or a struct/array/map object); `where` names it in errors. */
export function parseDataType(json: unknown, where: string): DataType {
  if (typeof json === 'string') return parseTypeName(json, where)
  if (!isObject(json)) throw invalid(where, 'a type name or a type object', json)
  switch (json.type) {
    case 'struct':
      return parseStruct(json, where)
    case 'array':
      return {
        type: 'array',
        elementType: parseDataType(json.elementType, `${where}.element`),
        containsNull: bool(json, 'containsNull', where),
      }
    case 'map':
      return {
        type: 'map',
        keyType: parseDataType(json.keyType, `${where}.key`),
        valueType: parseDataType(json.valueType, `${where}.value`),
        valueContainsNull: bool(json, 'valueContainsNull', where),
      }
    default:
      // Spark also accepts a bare {"type": "<primitive>"} object (the spec's variant example).
      if (typeof json.type === 'string' && Object.keys(json).length === 1) return parseTypeName(json.type, where)
      throw invalid(where, 'a type object with "type" struct, array or map', json.type)
  }
}

function parseTypeName(name: string, where: string): DataType {
  if (PRIMITIVES.has(name)) return { type: name as PrimitiveTypeName }
  if (name === 'decimal') return { type: 'decimal', precision: 10, scale: 0 } // Spark's default
  const m = DECIMAL.exec(name)
  if (m !== null) return decimalType(Number(m[1]), Number(m[2]), where)
  if (/^(geometry|geography)(\(.*\))?$/.test(name)) {
    throw new UnsupportedFeatureError('geospatial', `schema field ${where}: type "${name}" (geospatial) is not supported`)
  }
  throw new InvalidSchemaError(
    `schema field ${where}: unknown type name ${JSON.stringify(name)} (expected one of ${[...PRIMITIVES].join(', ')}, decimal(p,s), or a struct/array/map object)`,
  )
}

/** Builds a decimal type, checking precision 1..38 and 0 <= scale <= precision. */
export function decimalType(precision: number, scale: number, where = '<decimal>'): DecimalType {
  if (!Number.isInteger(precision) || precision < 1 || precision > MAX_DECIMAL_PRECISION) {
    throw new InvalidSchemaError(`schema field ${where}: decimal precision must be 1..${MAX_DECIMAL_PRECISION}, found ${precision}`)
  }
  if (!Number.isInteger(scale) || scale < 0 || scale > precision) {
    throw new InvalidSchemaError(`schema field ${where}: decimal scale must be 0..precision (${precision}), found ${scale}`)
  }
  return { type: 'decimal', precision, scale }
}

function parseStruct(json: Record<string, unknown>, where: string): StructType {
  if (!Array.isArray(json.fields)) throw invalid(where, 'a "fields" array in the struct', json.fields)
  const seen = new Map<string, string>()
  const fields = json.fields.map((f: unknown, i: number): StructField => {
    if (!isObject(f)) throw invalid(`${where}.fields[${i}]`, 'a field object', f)
    if (typeof f.name !== 'string') throw invalid(`${where}.fields[${i}]`, 'a string "name"', f.name)
    const path = where === '<root>' ? f.name : `${where}.${f.name}`
    const lower = f.name.toLowerCase()
    const previous = seen.get(lower)
    if (previous !== undefined) {
      throw new InvalidSchemaError(`schema field ${path}: column names must be unique regardless of case, but "${previous}" and "${f.name}" collide`)
    }
    seen.set(lower, f.name)
    const metadata = f.metadata ?? {}
    if (!isObject(metadata)) throw invalid(path, 'a "metadata" object', metadata)
    return { name: f.name, type: parseDataType(f.type, path), nullable: bool(f, 'nullable', path), metadata: metadata as FieldMetadata }
  })
  return { type: 'struct', fields }
}

function bool(o: Record<string, unknown>, key: string, where: string): boolean {
  const v = o[key]
  if (typeof v !== 'boolean') throw invalid(where, `a boolean "${key}"`, v)
  return v
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function invalid(where: string, expected: string, found: unknown): InvalidSchemaError {
  const shown = found === undefined ? 'nothing' : typeof found === 'bigint' ? found.toString() : JSON.stringify(found)
  return new InvalidSchemaError(`schema field ${where}: expected ${expected}, found ${shown.length > 80 ? shown.slice(0, 80) + '…' : shown}`)
}

/** Short human name of a type, for messages: `integer`, `decimal(10,2)`, `struct`, `array<long>`. */
export function describeType(t: DataType): string {
  switch (t.type) {
    case 'decimal':
      return `decimal(${t.precision},${t.scale})`
    case 'array':
      return `array<${describeType(t.elementType)}>`
    case 'map':
      return `map<${describeType(t.keyType)},${describeType(t.valueType)}>`
    default:
      return t.type
  }
}

/** The JSON value of a data type, as it appears inside a schema string. */
export function dataTypeToJson(t: DataType): unknown {
  switch (t.type) {
    case 'decimal':
      return `decimal(${t.precision},${t.scale})`
    case 'struct':
      return {
        type: 'struct',
        fields: t.fields.map((f) => ({ name: f.name, type: dataTypeToJson(f.type), nullable: f.nullable, metadata: f.metadata })),
      }
    case 'array':
      return { type: 'array', elementType: dataTypeToJson(t.elementType), containsNull: t.containsNull }
    case 'map':
      return { type: 'map', keyType: dataTypeToJson(t.keyType), valueType: dataTypeToJson(t.valueType), valueContainsNull: t.valueContainsNull }
    default:
      return t.type
  }
}

/**
 * Serialises a schema as Spark does: compact JSON, keys in the order
 * `type, fields` / `name, type, nullable, metadata`, decimals as `"decimal(p,s)"`.
 */
export function serializeSchema(schema: StructType): string {
  return stringifyExactJson(dataTypeToJson(schema))
}

/**
 * The field at `path` (names of nested struct fields, e.g. `['a', 'b']`), descending through
 * structs only; `undefined` when absent. Names match exactly.
 */
export function getField(schema: StructType, path: readonly string[]): StructField | undefined {
  let current: DataType = schema
  let field: StructField | undefined
  for (const name of path) {
    if (current.type !== 'struct') return undefined
    field = current.fields.find((f) => f.name === name)
    if (field === undefined) return undefined
    current = field.type
  }
  return field
}

function findTopLevel(schema: StructType, column: string): StructField {
  // Exact match first; the protocol makes names unique regardless of case, so a
  // case-insensitive fallback cannot be ambiguous (and Spark resolves partition columns that way).
  const f = schema.fields.find((x) => x.name === column) ?? schema.fields.find((x) => x.name.toLowerCase() === column.toLowerCase())
  if (f === undefined) {
    throw new InvalidSchemaError(`partition column "${column}" is not a top-level column of the schema (columns: ${schema.fields.map((x) => x.name).join(', ')})`)
  }
  return f
}

/** The partition columns' fields, in `partitionColumns` order. Throws if one is missing. */
export function partitionSchema(schema: StructType, partitionColumns: readonly string[]): StructType {
  return { type: 'struct', fields: partitionColumns.map((c) => findTopLevel(schema, c)) }
}

/** The schema without its partition columns (what data files hold), in schema order. */
export function dataSchema(schema: StructType, partitionColumns: readonly string[]): StructType {
  const drop = new Set(partitionColumns.map((c) => findTopLevel(schema, c)))
  return { type: 'struct', fields: schema.fields.filter((f) => !drop.has(f)) }
}
