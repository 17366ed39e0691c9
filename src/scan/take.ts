/**
 * Row selection on Arrow data by index ("take"), written against buffers so it is exact for every
 * type the kernel produces (int64, decimals, timestamps, nested lists, maps and structs) and fast
 * enough for deletion vectors and row filters on the scan path. apache-arrow JS has no take kernel.
 *
 * Offsets follow apache-arrow's slicing: a sliced Data keeps its `offset` for validity and
 * boolean bitmaps but sub-arrays its value and offset buffers, so those are indexed without it.
 *
 * @packageDocumentation
 */
import * as A from 'apache-arrow'

function getBit(bytes: Uint8Array, i: number): boolean {
  return ((bytes[i >> 3]! >> (i & 7)) & 1) === 1
}

function takeValidity(data: A.Data, indices: Int32Array): { bitmap: Uint8Array | undefined; nullCount: number } {
  if (data.nullCount === 0 || !data.nullBitmap || data.nullBitmap.length === 0) {
    if (A.DataType.isNull(data.type)) return { bitmap: undefined, nullCount: indices.length }
    return { bitmap: undefined, nullCount: 0 }
  }
  const src = data.nullBitmap
  const out = new Uint8Array(Math.ceil(indices.length / 8))
  let nulls = 0
  for (let j = 0; j < indices.length; j++) {
    if (getBit(src, data.offset + indices[j]!)) out[j >> 3] |= 1 << (j & 7)
    else nulls++
  }
  return { bitmap: out, nullCount: nulls }
}

/** Returns new data holding rows `indices` (relative to `data`'s offset) of `data`. */
export function takeData(data: A.Data, indices: Int32Array): A.Data {
  const type = data.type
  const length = indices.length
  const { bitmap, nullCount } = takeValidity(data, indices)
  if (A.DataType.isNull(type)) return A.makeData({ type, length, nullCount: length })
  if (A.DataType.isStruct(type)) {
    // Slicing a struct slices its children too, so child rows line up with parent rows.
    const children = data.children.map((c) => takeData(c, indices))
    return A.makeData({ type, length, nullCount, nullBitmap: bitmap, children })
  }
  if (A.DataType.isBool(type)) {
    const out = new Uint8Array(Math.ceil(length / 8))
    const src = data.values as Uint8Array
    for (let j = 0; j < length; j++) if (getBit(src, data.offset + indices[j]!)) out[j >> 3] |= 1 << (j & 7)
    return A.makeData({ type, length, nullCount, nullBitmap: bitmap, data: out })
  }
  if (A.DataType.isUtf8(type) || A.DataType.isBinary(type)) {
    const offsets = data.valueOffsets as Int32Array
    const values = data.values as Uint8Array
    const outOffsets = new Int32Array(length + 1)
    let total = 0
    for (let j = 0; j < length; j++) {
      const i = indices[j]!
      total += offsets[i + 1]! - offsets[i]!
      outOffsets[j + 1] = total
    }
    const out = new Uint8Array(total)
    for (let j = 0; j < length; j++) {
      const i = indices[j]!
      out.set(values.subarray(offsets[i]!, offsets[i + 1]!), outOffsets[j]!)
    }
    return A.makeData({ type: type as A.Utf8, length, nullCount, nullBitmap: bitmap, valueOffsets: outOffsets, data: out })
  }
  if (A.DataType.isList(type) || A.DataType.isMap(type)) {
    const offsets = data.valueOffsets as Int32Array
    const outOffsets = new Int32Array(length + 1)
    let total = 0
    for (let j = 0; j < length; j++) {
      const i = indices[j]!
      total += offsets[i + 1]! - offsets[i]!
      outOffsets[j + 1] = total
    }
    const childIdx = new Int32Array(total)
    for (let j = 0, k = 0; j < length; j++) {
      const i = indices[j]!
      for (let c = offsets[i]!; c < offsets[i + 1]!; c++) childIdx[k++] = c
    }
    const child = takeData(data.children[0]!, childIdx)
    return A.makeData({ type: type as A.List, length, nullCount, nullBitmap: bitmap, valueOffsets: outOffsets, child })
  }
  // Fixed width: gather `stride` elements per row from the values array.
  const values = data.values as unknown as { constructor: new (n: number) => ArrayLike<unknown> & { [i: number]: unknown } } & ArrayLike<unknown>
  const stride = (data as unknown as { stride: number }).stride ?? 1
  const out = new values.constructor(length * stride)
  for (let j = 0; j < length; j++) {
    const base = indices[j]! * stride
    for (let s = 0; s < stride; s++) out[j * stride + s] = values[base + s]
  }
  if (A.DataType.isDictionary(type)) {
    return A.makeData({ type, length, nullCount, nullBitmap: bitmap, data: out as Int32Array, dictionary: data.dictionary })
  }
  return A.makeData({ type: type as A.Int32, length, nullCount, nullBitmap: bitmap, data: out as Int32Array })
}

/** Keeps the rows of `batch` whose mask byte is non-zero. */
export function filterBatch(batch: A.RecordBatch, mask: Uint8Array): A.RecordBatch {
  let kept = 0
  for (let i = 0; i < batch.numRows; i++) if (mask[i]) kept++
  if (kept === batch.numRows) return batch
  const indices = new Int32Array(kept)
  for (let i = 0, j = 0; i < batch.numRows; i++) if (mask[i]) indices[j++] = i
  const children = batch.data.children.map((c) => takeData(c, indices))
  return new A.RecordBatch(batch.schema, A.makeData({ type: batch.data.type, length: kept, nullCount: 0, children }))
}
