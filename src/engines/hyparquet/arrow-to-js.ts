/**
 * Arrow values → the values hyparquet-writer's column writer takes: typed arrays for flat
 * non-null numbers; otherwise per value bigint (int64, timestamps, decimals), number, boolean or
 * a Uint8Array view (strings, binary). Struct/list/map readers exist for completeness (variant
 * and whole-row conversions); the writer itself walks nesting in write-levels.ts.
 *
 * @packageDocumentation
 */
import type * as arrow from 'apache-arrow'
import { ParquetError } from '../../errors.js'
import type { DataType } from '../../protocol/schema-types.js'
import { readDecimal128 } from './decimal.js'
import { VARIANT_FIELDS, writableFields } from './write-schema.js'

/** Flat non-null numeric columns go through as one typed array (no per-value objects); else undefined. */
export function flatTypedArray(type: DataType, chunks: readonly arrow.Data[], total: number): ArrayBufferView | undefined {
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

/** A reader of row `i` of `data` as the writer's value for Delta type `type`. */
type Reader = (i: number) => unknown

/**
 * Compiles a reader for one Arrow chunk: child lookups and type dispatch happen once per chunk,
 * not once per value (a per-value dispatch made 1M checkpoint rows take seconds longer).
 */
export function compileReader(type: DataType, data: arrow.Data, where: string): Reader {
  const bitmap = data.nullCount > 0 ? (data.nullBitmap as Uint8Array) : null
  const offset = data.offset
  const nullable = (read: Reader): Reader =>
    bitmap ? (i) => (bitmap[(i + offset) >> 3]! & (1 << ((i + offset) & 7)) ? read(i) : null) : read
  // Arrow JS pre-slices value and offset buffers (index by `i`) but not bit-packed booleans
  // (index by `i + offset`); struct children are sliced like their parent, list children not.
  switch (type.type) {
    case 'string':
    case 'binary': {
      const o = data.valueOffsets as Int32Array
      const v = data.values as Uint8Array
      return nullable((i) => v.subarray(o[i]!, o[i + 1]!))
    }
    case 'long':
    case 'timestamp':
    case 'timestamp_ntz': {
      const v = data.values as BigInt64Array
      return nullable((i) => v[i]!)
    }
    case 'integer':
    case 'short':
    case 'byte':
    case 'date':
    case 'float':
    case 'double': {
      const v = data.values as Int32Array
      return nullable((i) => v[i]!)
    }
    case 'boolean': {
      const v = data.values as Uint8Array
      const off = data.offset
      return nullable((i) => (v[(i + off) >> 3]! & (1 << ((i + off) & 7))) !== 0)
    }
    case 'decimal': {
      const v = data.values as Uint32Array
      return nullable((i) => readDecimal128(v, i))
    }
    case 'void':
      return () => null
    case 'variant':
    case 'struct': {
      const fields = type.type === 'struct' ? writableFields(type) : VARIANT_FIELDS
      const all = type.type === 'struct' ? type.fields : VARIANT_FIELDS
      const readers = fields.map((f) => {
        const child = data.children[childIndex(data, f.name, all.indexOf(f))]
        if (!child) throw new ParquetError(`parquet: struct column ${where} has no child for field ${f.name}`)
        return [f.name, compileReader(f.type, child, `${where}.${f.name}`)] as const
      })
      return nullable((i) => {
        const out: Record<string, unknown> = {}
        for (const [name, read] of readers) out[name] = read(i)
        return out
      })
    }
    case 'array':
    case 'map': {
      const o = data.valueOffsets as Int32Array
      const child = data.children[0]
      if (!child) throw new ParquetError(`parquet: ${type.type} column ${where} has no child data`)
      if (type.type === 'array') {
        const element = compileReader(type.elementType, child, where)
        return nullable((i) => {
          const out: unknown[] = []
          for (let k = o[i]!; k < o[i + 1]!; k++) out.push(element(k))
          return out
        })
      }
      const key = compileReader(type.keyType, child.children[0]!, `${where}.key`)
      const value = compileReader(type.valueType, child.children[1]!, `${where}.value`)
      return nullable((i) => {
        const out: { key: unknown; value: unknown }[] = []
        for (let k = o[i]!; k < o[i + 1]!; k++) out.push({ key: key(k), value: value(k) })
        return out
      })
    }
  }
}
