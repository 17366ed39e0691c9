/**
 * Test oracle: DuckDB reads a Parquet file independently, and both its rows and ours are brought
 * to one canonical JSON form (int64/decimals/timestamps as exact strings, binary as hex, dates as
 * day numbers, maps as [{key, value}]).
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api'
import type * as arrow from 'apache-arrow'
import type { DataType, StructType } from '../../../src/protocol/schema-types.js'
import { decimalToString, readDecimal128 } from '../../../src/engines/hyparquet/decimal.js'

let connection: Promise<DuckDBConnection> | undefined
/** A shared in-memory DuckDB connection. */
export function duck(): Promise<DuckDBConnection> {
  connection ??= DuckDBInstance.create(':memory:').then((db) => db.connect())
  return connection
}

const q = (name: string) => `"${name.replaceAll('"', '""')}"`

function expr(t: DataType, e: string, depth: number): string {
  switch (t.type) {
    case 'binary':
      return `hex(${e})`
    case 'timestamp':
    case 'timestamp_ntz':
      return `epoch_us(${e})::VARCHAR`
    case 'date':
      return `(${e} - DATE '1970-01-01')::INTEGER`
    case 'array':
      return `list_transform(${e}, x${depth} -> ${expr(t.elementType, `x${depth}`, depth + 1)})`
    case 'map':
      return `list_transform(map_entries(${e}), x${depth} -> {'key': ${expr(t.keyType, `x${depth}.key`, depth + 1)}, 'value': ${expr(t.valueType, `x${depth}.value`, depth + 1)}})`
    case 'struct':
      return `CASE WHEN ${e} IS NULL THEN NULL ELSE {${t.fields.map((f) => `${q(f.name)}: ${expr(f.type, `${e}.${q(f.name)}`, depth)}`).join(', ')}} END`
    default:
      return e
  }
}

/** DuckDB's name for a primitive Delta type (for casts). */
export function duckTypeName(t: DataType): string {
  switch (t.type) {
    case 'long': return 'BIGINT'
    case 'integer': return 'INTEGER'
    case 'short': return 'SMALLINT'
    case 'byte': return 'TINYINT'
    case 'double': return 'DOUBLE'
    case 'float': return 'FLOAT'
    case 'decimal': return `DECIMAL(${t.precision}, ${t.scale})`
    case 'timestamp_ntz': return 'TIMESTAMP'
    case 'timestamp': return 'TIMESTAMPTZ'
    case 'date': return 'DATE'
    case 'string': return 'VARCHAR'
    default: throw new Error(`no cast for ${t.type}`)
  }
}

/**
 * Rows of `path` as DuckDB reads them, canonicalised for `schema` (columns by name). With
 * `cast`, top-level primitive columns are first CAST to the schema's type (type widening).
 */
export async function duckRows(path: string, schema: StructType, cast = false): Promise<unknown[]> {
  const c = await duck()
  const col = (f: StructType['fields'][number]) => (cast ? `CAST(${q(f.name)} AS ${duckTypeName(f.type)})` : q(f.name))
  const cols = schema.fields.map((f) => `${expr(f.type, col(f), 0)} AS ${q(f.name)}`).join(', ')
  const r = await c.runAndReadAll(`SELECT ${cols} FROM read_parquet('${path.replaceAll("'", "''")}', hive_partitioning = false)`)
  return JSON.parse(JSON.stringify(r.getRowObjectsJson())) as unknown[]
}

/** Rows of our batches, canonicalised the same way. */
export function arrowRows(batches: readonly arrow.RecordBatch[], schema: StructType): unknown[] {
  const rows: unknown[] = []
  for (const b of batches) {
    const cols = schema.fields.map((_, i) => b.data.children[i]!)
    for (let r = 0; r < b.numRows; r++) {
      const row: Record<string, unknown> = {}
      schema.fields.forEach((f, i) => (row[f.name] = canon(f.type, cols[i]!, r)))
      rows.push(row)
    }
  }
  return rows
}

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0').toUpperCase()).join('')

function num(v: number): unknown {
  return Number.isFinite(v) ? v : String(v)
}

/** Canonical value of row `i` of `data` read as Delta type `t`, straight from the Arrow buffers. */
export function canon(t: DataType, data: arrow.Data, i: number): unknown {
  if (t.type === 'void') return null
  if (!data.getValid(i)) return null
  // Arrow JS pre-slices value/offset buffers; bit-packed booleans keep the offset.
  const j = i
  const values = data.values as ArrayLike<unknown> & { subarray?: unknown }
  switch (t.type) {
    case 'string':
    case 'binary': {
      const o = data.valueOffsets as Int32Array
      const bytes = (data.values as Uint8Array).subarray(o[j]!, o[j + 1]!)
      return t.type === 'string' ? new TextDecoder().decode(bytes) : hex(bytes)
    }
    case 'long':
    case 'timestamp':
    case 'timestamp_ntz':
      return String(values[j] as bigint)
    case 'integer':
    case 'short':
    case 'byte':
    case 'date':
      return values[j]
    case 'float':
    case 'double':
      return num(values[j] as number)
    case 'boolean':
      return ((data.values as Uint8Array)[(i + data.offset) >> 3]! & (1 << ((i + data.offset) & 7))) !== 0
    case 'decimal':
      return decimalToString(readDecimal128(data.values as Uint32Array, j), t.scale)
    case 'struct':
      return Object.fromEntries(t.fields.map((f, k) => [f.name, canon(f.type, data.children[k]!, j)]))
    case 'variant':
      return { metadata: canon({ type: 'binary' }, data.children[0]!, j), value: canon({ type: 'binary' }, data.children[1]!, j) }
    case 'array':
    case 'map': {
      const o = data.valueOffsets as Int32Array
      const child = data.children[0]!
      const out: unknown[] = []
      for (let k = o[j]!; k < o[j + 1]!; k++) {
        out.push(
          t.type === 'array'
            ? canon(t.elementType, child, k)
            : { key: canon(t.keyType, child.children[0]!, k), value: canon(t.valueType, child.children[1]!, k) },
        )
      }
      return out
    }
  }
}

/** A Delta schema for `path` derived from DuckDB's reading of it (columns of unmappable types are left out). */
export async function duckSchema(path: string): Promise<StructType> {
  const c = await duck()
  const r = await c.runAndReadAll(`SELECT * FROM read_parquet('${path.replaceAll("'", "''")}', hive_partitioning = false) LIMIT 0`)
  const names = r.columnNames()
  const types = r.columnTypes()
  const fields = []
  for (let i = 0; i < names.length; i++) {
    const t = deltaType(types[i]!)
    if (t) fields.push({ name: names[i]!, type: t, nullable: true, metadata: {} })
  }
  return { type: 'struct', fields }
}

type DuckType = Awaited<ReturnType<DuckDBConnection['runAndReadAll']>> extends { columnTypes(): (infer T)[] } ? T : never

function deltaType(t: DuckType): DataType | undefined {
  const any = t as unknown as { typeId: number; width?: number; scale?: number; valueType?: DuckType; keyType?: DuckType; entryNames?: string[]; entryTypes?: DuckType[] }
  switch (any.typeId) {
    case 1: return { type: 'boolean' }
    case 2: return { type: 'byte' }
    case 3: return { type: 'short' }
    case 4: return { type: 'integer' }
    case 5: return { type: 'long' }
    case 10: return { type: 'float' }
    case 11: return { type: 'double' }
    case 12: case 20: case 21: case 22: return { type: 'timestamp_ntz' }
    case 31: return { type: 'timestamp' }
    case 13: return { type: 'date' }
    case 17: return { type: 'string' }
    case 18: return { type: 'binary' }
    case 19: return { type: 'decimal', precision: any.width!, scale: any.scale! }
    case 24: {
      const e = deltaType(any.valueType!)
      return e && { type: 'array', elementType: e, containsNull: true }
    }
    case 26: {
      const k = deltaType(any.keyType!)
      const v = deltaType(any.valueType!)
      return k && v && { type: 'map', keyType: k, valueType: v, valueContainsNull: true }
    }
    case 25: {
      const fields = []
      for (let i = 0; i < any.entryNames!.length; i++) {
        const ft = deltaType(any.entryTypes![i]!)
        if (!ft) return undefined
        fields.push({ name: any.entryNames![i]!, type: ft, nullable: true, metadata: {} })
      }
      return { type: 'struct', fields }
    }
    default:
      return undefined
  }
}
