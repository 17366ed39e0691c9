/**
 * Arrow columns → the column values hyparquet-writer takes: typed arrays for flat non-null
 * numbers, otherwise JS arrays (bigint for int64/timestamps/decimals, Uint8Array views for
 * strings and binary, objects for structs, arrays for lists, `{key, value}` arrays for maps).
 *
 * @packageDocumentation
 */
import type * as arrow from 'apache-arrow'
import { ParquetError } from '../../errors.js'
import type { DataType, StructType } from '../../protocol/schema-types.js'
import { readDecimal128 } from './decimal.js'
import { writableFields } from './write-schema.js'

/** Values of one top-level column spread over several Arrow chunks. */
export function columnValues(type: DataType, chunks: readonly arrow.Data[], name: string): unknown[] | ArrayBufferView {
  const total = chunks.reduce((n, d) => n + d.length, 0)
  const flat = flatTypedArray(type, chunks, total)
  if (flat) return flat
  const out = new Array<unknown>(total)
  let k = 0
  for (const data of chunks) for (let i = 0; i < data.length; i++) out[k++] = toJs(type, data, i, name)
  return out
}

/** Flat non-null numeric columns go through as one typed array (no per-value objects). */
function flatTypedArray(type: DataType, chunks: readonly arrow.Data[], total: number): ArrayBufferView | undefined {
  if (chunks.some((d) => d.nullCount > 0)) return undefined
  let Ctor: (new (n: number) => Int32Array | BigInt64Array | Float32Array | Float64Array) | undefined
  switch (type.type) {
    case 'integer':
    case 'short':
    case 'byte':
    case 'date':
      Ctor = Int32Array
      break
    case 'long':
    case 'timestamp':
    case 'timestamp_ntz':
      Ctor = BigInt64Array
      break
    case 'float':
      Ctor = Float32Array
      break
    case 'double':
      Ctor = Float64Array
      break
    default:
      return undefined
  }
  const out = new Ctor(total)
  let k = 0
  for (const d of chunks) {
    // Arrow JS pre-slices fixed-width value buffers: index 0 is the chunk's first row.
    const src = (d.values as Int32Array).subarray(0, d.length)
    if (out instanceof BigInt64Array) out.set(src as unknown as BigInt64Array, k)
    else (out as Int32Array).set(src, k)
    k += d.length
  }
  return out
}

function childIndex(data: arrow.Data, name: string, position: number): number {
  const fields = (data.type as arrow.Struct).children ?? []
  const byName = fields.findIndex((f) => f.name === name)
  return byName >= 0 ? byName : position
}

/** The writer's value for row `i` of `data` as Delta type `type`. */
export function toJs(type: DataType, data: arrow.Data, i: number, where: string): unknown {
  if (!data.getValid(i)) return null
  // Arrow JS pre-slices value and offset buffers (index by `i`) but not bit-packed booleans
  // (index by `i + offset`); struct children are sliced like their parent, list children not.
  const j = i
  switch (type.type) {
    case 'string':
    case 'binary': {
      const o = data.valueOffsets as Int32Array
      return (data.values as Uint8Array).subarray(o[j]!, o[j + 1]!)
    }
    case 'long':
    case 'timestamp':
    case 'timestamp_ntz':
      return BigInt((data.values as BigInt64Array)[j]!)
    case 'integer':
    case 'short':
    case 'byte':
    case 'date':
    case 'float':
    case 'double':
      return Number((data.values as Int32Array)[j]!)
    case 'boolean':
      return ((data.values as Uint8Array)[(i + data.offset) >> 3]! & (1 << ((i + data.offset) & 7))) !== 0
    case 'decimal':
      return readDecimal128(data.values as Uint32Array, j)
    case 'void':
      return null
    case 'variant':
      return {
        metadata: toJs({ type: 'binary' }, data.children[childIndex(data, 'metadata', 0)]!, j, where),
        value: toJs({ type: 'binary' }, data.children[childIndex(data, 'value', 1)]!, j, where),
      }
    case 'struct':
      return structToJs(type, data, j, where)
    case 'array':
    case 'map': {
      const o = data.valueOffsets as Int32Array
      const child = data.children[0]
      if (!child) throw new ParquetError(`parquet: ${type.type} column ${where} has no child data`)
      const out: unknown[] = []
      for (let k = o[j]!; k < o[j + 1]!; k++) {
        if (type.type === 'array') out.push(toJs(type.elementType, child, k, where))
        else {
          out.push({
            key: toJs(type.keyType, child.children[0]!, k, where),
            value: toJs(type.valueType, child.children[1]!, k, where),
          })
        }
      }
      return out
    }
  }
}

function structToJs(type: StructType, data: arrow.Data, j: number, where: string): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  writableFields(type).forEach((f) => {
    const position = type.fields.indexOf(f)
    const child = data.children[childIndex(data, f.name, position)]
    if (!child) throw new ParquetError(`parquet: struct column ${where} has no child for field ${f.name}`)
    out[f.name] = toJs(f.type, child, j, `${where}.${f.name}`)
  })
  return out
}
