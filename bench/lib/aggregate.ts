/**
 * The scan benchmark's query, computed on Arrow batches: count, sums of the numeric columns,
 * total UTF-8 bytes of `name` and non-null `ts`, optionally for `id BETWEEN lo AND hi`. It touches
 * every value the way DuckDB's baseline query does, and its answer is checked against DuckDB's.
 */
import type { Data, RecordBatch } from 'apache-arrow'

/** The query result. */
export interface Aggregates {
  rows: number
  id: number
  value: number
  qty: number
  nameBytes: number
  tsNonNull: number
}

/** An empty result. */
export function emptyAggregates(): Aggregates {
  return { rows: 0, id: 0, value: 0, qty: 0, nameBytes: 0, tsNonNull: 0 }
}

function chunk(batch: RecordBatch, name: string): Data {
  const v = batch.getChild(name)
  if (!v || v.data.length !== 1) throw new Error(`scan batch: expected one data chunk for column '${name}', found ${v ? v.data.length : 'no column'}`)
  return v.data[0]!
}

function valid(d: Data, i: number): boolean {
  if (d.nullCount === 0 || !d.nullBitmap || d.nullBitmap.length === 0) return true
  const bit = d.offset + i
  return ((d.nullBitmap[bit >> 3]! >> (bit & 7)) & 1) === 1
}

/** Adds one batch to `acc`; with `range`, only rows whose id is in [lo, hi]. */
export function aggregateBatch(batch: RecordBatch, acc: Aggregates, range?: { lo: number; hi: number }): void {
  const id = chunk(batch, 'id')
  const value = chunk(batch, 'value')
  const qty = chunk(batch, 'qty')
  const name = chunk(batch, 'name')
  const ts = chunk(batch, 'ts')
  const ids = id.values as BigInt64Array
  const values = value.values as Float64Array
  const qtys = qty.values as Int32Array
  const offsets = name.valueOffsets as Int32Array
  const lo = range?.lo ?? -Infinity
  const hi = range?.hi ?? Infinity
  for (let i = 0; i < batch.numRows; i++) {
    const idv = Number(ids[id.offset + i]!)
    if (idv < lo || idv > hi) continue
    acc.rows++
    acc.id += idv
    if (valid(value, i)) acc.value += values[value.offset + i]!
    if (valid(qty, i)) acc.qty += qtys[qty.offset + i]!
    if (valid(name, i)) acc.nameBytes += offsets[name.offset + i + 1]! - offsets[name.offset + i]!
    if (valid(ts, i)) acc.tsNonNull++
  }
}

/** Throws unless `ours` equals DuckDB's answer (floating sums to a relative 1e-9). */
export function checkAggregates(where: string, ours: Aggregates, duck: Aggregates): void {
  for (const key of Object.keys(ours) as (keyof Aggregates)[]) {
    const a = ours[key]
    const b = duck[key]
    const ok = key === 'value' ? Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)) : a === b
    if (!ok) throw new Error(`${where}: ${key} = ${a} but DuckDB says ${b} (lost or wrong rows)`)
  }
}
