/**
 * Test helper: builds Arrow record batches (the types of protocol/arrow-types.ts) from plain JS
 * rows, by hand from buffers, so predicate tests do not depend on apache-arrow's builders.
 */
import * as A from 'apache-arrow'
import { toArrowType } from '../../src/protocol/arrow-types.js'
import type { DataType, StructType } from '../../src/protocol/schema-types.js'

/** A JS cell: see the predicate model's literal representation; decimals as unscaled bigint. */
export type Cell = null | string | number | bigint | boolean | Uint8Array | { readonly [k: string]: Cell }

function bitmap(valid: readonly boolean[]): Uint8Array {
  const out = new Uint8Array(Math.ceil(valid.length / 8))
  valid.forEach((v, i) => {
    if (v) out[i >> 3]! |= 1 << (i & 7)
  })
  return out
}

function column(type: DataType, cells: readonly Cell[]): A.Data {
  const arrowType = toArrowType(type)
  const length = cells.length
  const valid = cells.map((c) => c !== null)
  const nullCount = valid.filter((v) => !v).length
  const nullBitmap = bitmap(valid)
  switch (type.type) {
    case 'struct': {
      const children = type.fields.map((f) => column(f.type, cells.map((c) => (c === null ? null : (c as Record<string, Cell>)[f.name] ?? null))))
      return A.makeData({ type: arrowType as A.Struct, length, nullCount, nullBitmap, children })
    }
    case 'string':
    case 'binary': {
      const enc = new TextEncoder()
      const parts = cells.map((c) => (c === null ? new Uint8Array() : typeof c === 'string' ? enc.encode(c) : (c as Uint8Array)))
      const offsets = new Int32Array(length + 1)
      parts.forEach((p, i) => (offsets[i + 1] = offsets[i]! + p.length))
      const data = new Uint8Array(offsets[length]!)
      parts.forEach((p, i) => data.set(p, offsets[i]!))
      return A.makeData({ type: arrowType as A.Utf8, length, nullCount, nullBitmap, valueOffsets: offsets, data })
    }
    case 'long':
    case 'timestamp':
    case 'timestamp_ntz':
      return A.makeData({ type: arrowType as A.Int64, length, nullCount, nullBitmap, data: BigInt64Array.from(cells, (c) => (c === null ? 0n : (c as bigint))) })
    case 'decimal': {
      const words = new Uint32Array(length * 4)
      cells.forEach((c, i) => {
        let v = BigInt.asUintN(128, c === null ? 0n : (c as bigint))
        for (let k = 0; k < 4; k++, v >>= 32n) words[i * 4 + k] = Number(v & 0xffffffffn)
      })
      return A.makeData({ type: arrowType as A.Decimal, length, nullCount, nullBitmap, data: words })
    }
    case 'boolean':
      return A.makeData({ type: arrowType as A.Bool, length, nullCount, nullBitmap, data: bitmap(cells.map((c) => c === true)) })
    case 'double':
      return A.makeData({ type: arrowType as A.Float64, length, nullCount, nullBitmap, data: Float64Array.from(cells, (c) => (c === null ? 0 : (c as number))) })
    case 'float':
      return A.makeData({ type: arrowType as A.Float32, length, nullCount, nullBitmap, data: Float32Array.from(cells, (c) => (c === null ? 0 : (c as number))) })
    case 'integer':
    case 'date':
      return A.makeData({ type: arrowType as A.Int32, length, nullCount, nullBitmap, data: Int32Array.from(cells, (c) => (c === null ? 0 : (c as number))) })
    case 'short':
      return A.makeData({ type: arrowType as A.Int16, length, nullCount, nullBitmap, data: Int16Array.from(cells, (c) => (c === null ? 0 : (c as number))) })
    case 'byte':
      return A.makeData({ type: arrowType as A.Int8, length, nullCount, nullBitmap, data: Int8Array.from(cells, (c) => (c === null ? 0 : (c as number))) })
    default:
      throw new Error(`fixture: unsupported type ${type.type}`)
  }
}

/** A record batch of `rows` (objects keyed by top-level column name) with Delta schema `schema`. */
export function batchOf(schema: StructType, rows: readonly Record<string, Cell>[]): A.RecordBatch {
  const arrowSchema = new A.Schema(schema.fields.map((f) => new A.Field(f.name, toArrowType(f.type), f.nullable)))
  const children = schema.fields.map((f) => column(f.type, rows.map((r) => r[f.name] ?? null)))
  const data = A.makeData({ type: new A.Struct(arrowSchema.fields), length: rows.length, nullCount: 0, children })
  return new A.RecordBatch(arrowSchema, data)
}

/** A nullable field. */
export function field(name: string, type: DataType | string, metadata: Record<string, unknown> = {}): StructType['fields'][number] {
  return { name, type: typeof type === 'string' ? ({ type } as DataType) : type, nullable: true, metadata }
}

/** A struct type of fields. */
export function struct(...fields: StructType['fields'][number][]): StructType {
  return { type: 'struct', fields }
}
