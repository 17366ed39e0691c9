/**
 * Dremel level arithmetic over one leaf column's definition/repetition levels.
 *
 * A node nested in repeated context `(r, d)` (the levels of its nearest repeated ancestor, or
 * `(0, 0)` at the top) has one slot per level entry with `rep <= r && def >= d`: entries with a
 * deeper `rep` continue an inner list, entries with a lower `def` mark a null or empty ancestor.
 * The node is non-null in a slot when `def >= node.def`. Every leaf below a node agrees on these
 * slots, so any one of them can be used.
 *
 * @packageDocumentation
 */
import { ParquetError } from '../../errors.js'
import type { LeafChunk } from './column-chunk.js'

/** Repeated context of a node. */
export interface Context {
  readonly r: number
  readonly d: number
}

/** A validity bitmap (LSB first, Arrow layout) and its null count; `bitmap` is null when nothing is null. */
export interface Validity {
  readonly bitmap: Uint8Array | null
  readonly nullCount: number
}

/** Validity of a node with definition level `nodeDef` over its `length` slots in `ctx`. */
export function validityOf(chunk: LeafChunk, ctx: Context, nodeDef: number, length: number): Validity {
  const { def, rep, numLevels } = chunk
  if (!def || nodeDef <= ctx.d) {
    checkSlots(chunk, ctx, length)
    return { bitmap: null, nullCount: 0 }
  }
  const bitmap = new Uint8Array((length + 7) >> 3)
  let k = 0
  let nulls = 0
  if (!rep) {
    if (numLevels !== length) throw slotMismatch(chunk, numLevels, length)
    for (let j = 0; j < numLevels; j++) {
      if (def[j]! >= nodeDef) bitmap[j >> 3]! |= 1 << (j & 7)
      else nulls++
    }
    k = numLevels
  } else {
    const { r, d } = ctx
    for (let j = 0; j < numLevels; j++) {
      if (rep[j]! > r) continue
      const dj = def[j]!
      if (dj < d) continue
      if (k >= length) throw slotMismatch(chunk, k + 1, length)
      if (dj >= nodeDef) bitmap[k >> 3]! |= 1 << (k & 7)
      else nulls++
      k++
    }
  }
  if (k !== length) throw slotMismatch(chunk, k, length)
  return nulls ? { bitmap, nullCount: nulls } : { bitmap: null, nullCount: 0 }
}

/** Offsets and validity of a list/map node; `elementRep`/`elementDef` are its repeated node's levels. */
export function listOf(
  chunk: LeafChunk,
  ctx: Context,
  listDef: number,
  elementRep: number,
  elementDef: number,
  length: number,
): { offsets: Int32Array; validity: Validity } {
  const { def, rep, numLevels } = chunk
  if (!rep || !def) throw new ParquetError(`parquet: list column ${chunk.element.name} has no repetition levels`)
  const offsets = new Int32Array(length + 1)
  const bitmap = new Uint8Array((length + 7) >> 3)
  const { r, d } = ctx
  let k = -1
  let count = 0
  let nulls = 0
  for (let j = 0; j < numLevels; j++) {
    const rj = rep[j]!
    const dj = def[j]!
    if (rj <= r) {
      if (dj < d) continue
      k++
      if (k >= length) throw slotMismatch(chunk, k + 1, length)
      offsets[k] = count
      if (dj >= listDef) bitmap[k >> 3]! |= 1 << (k & 7)
      else nulls++
      if (dj >= elementDef) count++
    } else if (rj <= elementRep) {
      count++
    }
  }
  if (k + 1 !== length) throw slotMismatch(chunk, k + 1, length)
  offsets[length] = count
  return { offsets, validity: nulls ? { bitmap, nullCount: nulls } : { bitmap: null, nullCount: 0 } }
}

function checkSlots(chunk: LeafChunk, ctx: Context, length: number): void {
  const { def, rep, numLevels } = chunk
  if (!rep) {
    if (numLevels !== length) throw slotMismatch(chunk, numLevels, length)
    return
  }
  let k = 0
  for (let j = 0; j < numLevels; j++) if (rep[j]! <= ctx.r && (def ? def[j]! : 0) >= ctx.d) k++
  if (k !== length) throw slotMismatch(chunk, k, length)
}

function slotMismatch(chunk: LeafChunk, found: number, expected: number): ParquetError {
  return new ParquetError(`parquet: column ${chunk.element.name} has ${found} values where its parent has ${expected}`)
}
