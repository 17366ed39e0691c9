/**
 * Builds Arrow data for a read plan from decoded leaf chunks: nulls, list offsets and struct
 * validity come from the levels (see levels.ts), leaf values from flat typed arrays. Nothing is
 * materialised per row.
 *
 * @packageDocumentation
 */
import * as arrow from 'apache-arrow'
import { ParquetError } from '../../errors.js'
import type { LeafChunk } from './column-chunk.js'
import { denseValues, type Dense } from './leaf-convert.js'
import { listOf, validityOf, type Context, type Validity } from './levels.js'
import type { ReadPlan } from './plan.js'

/** Decoded leaf chunks by column index. */
export type Chunks = ReadonlyMap<number, LeafChunk>

const ROOT: Context = { r: 0, d: 0 }

/** Arrow data of `length` rows for one top-level field. */
export function buildField(plan: ReadPlan, field: arrow.Field, chunks: Chunks, length: number): arrow.Data {
  return build(plan, field, chunks, ROOT, length)
}

function chunkOf(chunks: Chunks, column: number): LeafChunk {
  const c = chunks.get(column)
  if (!c) throw new ParquetError(`parquet: column ${column} was planned but not decoded`)
  return c
}

function build(plan: ReadPlan, field: arrow.Field, chunks: Chunks, ctx: Context, length: number): arrow.Data {
  const type = field.type as arrow.DataType
  switch (plan.kind) {
    case 'missing':
      return nullData(type, length)
    case 'leaf': {
      const chunk = chunkOf(chunks, plan.column)
      const validity = validityOf(chunk, ctx, plan.def, length)
      return leafData(type, denseValues(plan.type, chunk.element, chunk.values), validity, length, chunk)
    }
    case 'struct': {
      const validity = validityOf(chunkOf(chunks, plan.column), ctx, plan.def, length)
      const fields = (type as arrow.Struct).children
      const children = plan.children.map((child, i) => {
        const f = fields[i]!
        if (child.kind === 'missing' && !f.nullable && validity.nullCount < length) {
          throw new ParquetError(`parquet: non-nullable field ${f.name} is missing from the file`)
        }
        return build(child, f, chunks, ctx, length)
      })
      return arrow.makeData({ type: type as arrow.Struct, length, nullCount: validity.nullCount, nullBitmap: validity.bitmap, children })
    }
    case 'list':
    case 'map': {
      const chunk = chunkOf(chunks, plan.column)
      const { offsets, validity } = listOf(chunk, ctx, plan.def, plan.elementRep, plan.elementDef, length)
      const inner: Context = { r: plan.elementRep, d: plan.elementDef }
      const childLength = offsets[length]!
      const childField = (type as arrow.List | arrow.Map_).children[0]!
      let child: arrow.Data
      if (plan.kind === 'list') {
        child = build(plan.children[0]!, childField, chunks, inner, childLength)
      } else {
        const entryFields = (childField.type as arrow.Struct).children
        const kv = plan.children.map((c, i) => build(c, entryFields[i]!, chunks, inner, childLength))
        child = arrow.makeData({ type: childField.type as arrow.Struct, length: childLength, nullCount: 0, children: kv })
      }
      const props = { length, nullCount: validity.nullCount, nullBitmap: validity.bitmap, valueOffsets: offsets, child }
      return plan.kind === 'list'
        ? arrow.makeData({ type: type as arrow.List, ...props })
        : arrow.makeData({ type: type as arrow.Map_, ...props })
    }
  }
}

/** An all-null column of `length` rows (schema evolution: the file lacks it). */
export function nullData(type: arrow.DataType, length: number): arrow.Data {
  const nullBitmap = new Uint8Array((length + 7) >> 3)
  const common = { length, nullCount: length, nullBitmap }
  if (arrow.DataType.isNull(type)) return arrow.makeData({ type, length })
  if (arrow.DataType.isStruct(type)) {
    return arrow.makeData({ type, ...common, children: type.children.map((f) => nullData(f.type, length)) })
  }
  if (arrow.DataType.isList(type) || arrow.DataType.isMap(type)) {
    const valueOffsets = new Int32Array(length + 1)
    const child = nullData(type.children[0]!.type, 0)
    return arrow.DataType.isList(type)
      ? arrow.makeData({ type, ...common, valueOffsets, child })
      : arrow.makeData({ type, ...common, valueOffsets, child })
  }
  if (arrow.DataType.isUtf8(type) || arrow.DataType.isBinary(type)) {
    return arrow.makeData({ type: type as arrow.Utf8, ...common, valueOffsets: new Int32Array(length + 1), data: new Uint8Array(0) })
  }
  if (arrow.DataType.isBool(type)) return arrow.makeData({ type, ...common, data: new Uint8Array((length + 7) >> 3) })
  const stride = arrow.DataType.isDecimal(type) ? 4 : 1
  const ArrayType = (type as arrow.Int).ArrayType as unknown as new (n: number) => ArrayLike<number>
  return arrow.makeData({ type: type as arrow.Int, ...common, data: new ArrayType(length * stride) as Int32Array })
}

function leafData(type: arrow.DataType, dense: Dense, validity: Validity, length: number, chunk: LeafChunk): arrow.Data {
  if (dense.kind === 'null') return arrow.makeData({ type: type as arrow.Null, length })
  const valid = length - validity.nullCount
  const count = dense.kind === 'bytes' ? dense.offsets.length - 1 : dense.array.length / dense.stride
  if (count !== valid) {
    throw new ParquetError(`parquet: column ${chunk.element.name} has ${count} values for ${valid} non-null slots`)
  }
  const { bitmap, nullCount } = validity
  if (dense.kind === 'bytes') {
    const valueOffsets = bitmap ? spreadOffsets(dense.offsets, bitmap, length) : dense.offsets
    return arrow.makeData({ type: type as arrow.Utf8, length, nullCount, nullBitmap: bitmap, valueOffsets, data: dense.data })
  }
  if (arrow.DataType.isBool(type)) {
    return arrow.makeData({ type, length, nullCount, nullBitmap: bitmap, data: packBooleans(dense.array as Uint8Array, bitmap, length) })
  }
  const data = bitmap ? spreadFixed(dense.array, dense.stride, bitmap, length) : dense.array
  return arrow.makeData({ type: type as arrow.Int, length, nullCount, nullBitmap: bitmap, data: data as Int32Array })
}

type FixedArray = Extract<Dense, { kind: 'fixed' }>['array']

function spreadFixed(src: FixedArray, stride: number, bitmap: Uint8Array, length: number): FixedArray {
  const Ctor = src.constructor as new (n: number) => FixedArray
  const out = new Ctor(length * stride)
  let v = 0
  if (stride === 1) {
    for (let k = 0; k < length; k++) if (bitmap[k >> 3]! & (1 << (k & 7))) out[k] = src[v++]!
  } else {
    for (let k = 0; k < length; k++) {
      if (!(bitmap[k >> 3]! & (1 << (k & 7)))) continue
      for (let s = 0; s < stride; s++) out[k * stride + s] = src[v * stride + s]!
      v++
    }
  }
  return out
}

function spreadOffsets(src: Int32Array, bitmap: Uint8Array, length: number): Int32Array {
  const out = new Int32Array(length + 1)
  out[0] = src[0]!
  let v = 0
  for (let k = 0; k < length; k++) out[k + 1] = bitmap[k >> 3]! & (1 << (k & 7)) ? src[++v]! : out[k]!
  return out
}

function packBooleans(src: Uint8Array, bitmap: Uint8Array | null, length: number): Uint8Array {
  const out = new Uint8Array((length + 7) >> 3)
  let v = 0
  for (let k = 0; k < length; k++) {
    if (bitmap && !(bitmap[k >> 3]! & (1 << (k & 7)))) continue
    if (src[v++]) out[k >> 3]! |= 1 << (k & 7)
  }
  return out
}
