/**
 * Dremel encoding straight from Arrow buffers: for one leaf column and a range of rows, the
 * definition levels, repetition levels and leaf values hyparquet-writer's column writer takes.
 * This replaces building one JS object per row and nested value (the GC cost of that made
 * writing checkpoints slow).
 *
 * @packageDocumentation
 */
import type * as arrow from 'apache-arrow'
import { ParquetError } from '../../errors.js'
import { compileReader, flatTypedArray } from './arrow-to-js.js'
import type { WriteLeaf } from './write-schema.js'

/** hyparquet-writer's page input for one column chunk. */
export interface LeafPageData {
  values: unknown[] | ArrayBufferView
  definitionLevels: number[]
  repetitionLevels: number[]
  maxDefinitionLevel: number
}

/** A top-level column as Arrow chunks with their first row index. */
export interface ColumnChunks {
  readonly chunks: readonly arrow.Data[]
  readonly starts: readonly number[]
}

function childOf(data: arrow.Data, name: string, position: number): arrow.Data {
  const fields = (data.type as arrow.Struct).children ?? []
  const byName = fields.findIndex((f) => f.name === name)
  const child = data.children[byName >= 0 ? byName : position]
  if (!child) throw new ParquetError(`parquet: struct data has no child ${name}`)
  return child
}

/** Page data of `leaf` for rows `[start, end)` of its top-level column. */
export function leafPageData(leaf: WriteLeaf, column: ColumnChunks, start: number, end: number, where: string): LeafPageData {
  const { steps, maxDef } = leaf
  const flat = steps.length === 1
  const definitionLevels: number[] = []
  const repetitionLevels: number[] = []
  const values: unknown[] = []
  if (flat && !steps[0]!.nullable) {
    const typed = flatRange(leaf, column, start, end)
    if (typed) return { values: typed, definitionLevels, repetitionLevels, maxDefinitionLevel: maxDef }
  }
  column.chunks.forEach((top, c) => {
    const s0 = column.starts[c]!
    const from = Math.max(start, s0) - s0
    const to = Math.min(end, s0 + top.length) - s0
    if (from >= to) return
    // The Arrow Data at each step is fixed for a chunk: resolve it once.
    const datas: arrow.Data[] = [top]
    for (let s = 0; s < steps.length - 1; s++) {
      const step = steps[s]!
      const d = datas[s]!
      if (step.kind === 'struct') datas.push(childOf(d, step.child, step.position))
      else if (step.kind === 'list') datas.push(d.children[0]!)
      else if (step.kind === 'map') datas.push(d.children[0]!.children[step.part]!)
    }
    const leafStep = steps[steps.length - 1]!
    if (leafStep.kind !== 'leaf') throw new ParquetError(`parquet: bad write plan for ${where}`)
    const read = compileReader(leafStep.type, datas[datas.length - 1]!, where)
    // Per-step buffers hoisted out of the per-value walk (Arrow's nullCount getter is not free).
    const bitmaps = datas.map((d) => (d.nullCount > 0 ? (d.nullBitmap as Uint8Array) : null))
    const bitOffsets = datas.map((d) => d.offset)
    const offsets = datas.map((d) => d.valueOffsets as Int32Array | undefined)
    const visit = (si: number, i: number, def: number, rep: number): void => {
      const step = steps[si]!
      const bitmap = bitmaps[si]
      if (bitmap) {
        const b = i + bitOffsets[si]!
        if (!(bitmap[b >> 3]! & (1 << (b & 7)))) {
          if (!step.nullable) throw new ParquetError(`parquet: null in non-nullable column ${where}`)
          definitionLevels.push(def)
          repetitionLevels.push(rep)
          values.push(null)
          return
        }
      }
      const d = step.nullable ? def + 1 : def
      switch (step.kind) {
        case 'leaf':
          definitionLevels.push(d)
          repetitionLevels.push(rep)
          values.push(read(i))
          return
        case 'struct':
          visit(si + 1, i, d, rep)
          return
        case 'list':
        case 'map': {
          const o = offsets[si]!
          const first = o[i]!
          const last = o[i + 1]!
          if (first === last) {
            definitionLevels.push(d)
            repetitionLevels.push(rep)
            values.push(null)
            return
          }
          for (let k = first; k < last; k++) visit(si + 1, k, d + 1, k === first ? rep : step.repLevel)
        }
      }
    }
    for (let i = from; i < to; i++) visit(0, i, 0, 0)
  })
  const repeated = steps.some((s) => s.kind === 'list' || s.kind === 'map')
  return {
    values,
    definitionLevels: maxDef > 0 ? definitionLevels : [],
    repetitionLevels: repeated ? repetitionLevels : [],
    maxDefinitionLevel: maxDef,
  }
}

function flatRange(leaf: WriteLeaf, column: ColumnChunks, start: number, end: number): ArrayBufferView | undefined {
  const step = leaf.steps[0]!
  if (step.kind !== 'leaf') return undefined
  const parts = column.chunks.flatMap((d, c) => {
    const s0 = column.starts[c]!
    const from = Math.max(start, s0) - s0
    const to = Math.min(end, s0 + d.length) - s0
    return from < to ? [d.slice(from, to - from)] : []
  })
  return flatTypedArray(step.type, parts, end - start)
}
