/**
 * The `add` actions of a checkpoint batch held as columns instead of objects: a snapshot of a
 * million-file table then retains the path and stats characters once, in the decoded column
 * strings, plus a few bytes of numbers per file, and builds `Add` objects only when asked.
 *
 * Only plain adds are stored this way (path, partitionValues, size, modificationTime, dataChange,
 * stats, all ASCII); a row with anything else (deletion vector, row tracking, clustering, tags,
 * statistics only in `stats_parsed`, non-ASCII text) is returned as an ordinary `Add`, built and
 * validated by `addReader`.
 *
 * @packageDocumentation
 */
import type { Data } from 'apache-arrow'
import { CorruptCheckpointError } from '../errors.js'
import type { Add, PartitionValues } from '../protocol/actions.js'
import { booleans, integers, internedStringMaps, structChildren, validity } from './arrow-columns.js'
import { addReader } from './checkpoint-file-actions.js'

const utf8 = new TextDecoder()

/** A string column as one decoded string and its offsets (rebased to 0), or undefined if not ASCII. */
function asciiColumn(data: Data | undefined): { text: string; offsets: Int32Array; valid: (i: number) => boolean } | undefined {
  if (!data) return undefined
  const raw = data.valueOffsets as Int32Array
  const bytes = data.values as Uint8Array
  const start = raw[0] ?? 0
  const end = raw[data.length] ?? 0
  const text = utf8.decode(bytes.subarray(start, end))
  if (text.length !== end - start) return undefined
  const offsets = new Int32Array(data.length + 1)
  for (let i = 0; i <= data.length; i++) offsets[i] = raw[i]! - start
  return { text, offsets, valid: validity(data) }
}

const FLAG_DATA_CHANGE = 1
const FLAG_STATS = 2

/** Integer column in the narrowest typed array that holds it (values must be safe integers). */
interface Narrow {
  readonly base: number
  readonly values: Uint8Array | Uint16Array | Uint32Array | Float64Array
}

/** Stores `values[0, n)` as offsets from their minimum, in 8, 16 or 32 bits when they fit. */
function narrow(values: Float64Array, n: number): Narrow {
  let min = Number.POSITIVE_INFINITY
  let max = Number.NEGATIVE_INFINITY
  for (let j = 0; j < n; j++) {
    const v = values[j]!
    if (v < min) min = v
    if (v > max) max = v
  }
  const range = max - min
  const Array_ = range <= 0xff ? Uint8Array : range <= 0xffff ? Uint16Array : range <= 0xffffffff ? Uint32Array : undefined
  if (!Array_) return { base: 0, values: values.slice(0, n) }
  const out = new Array_(n)
  for (let j = 0; j < n; j++) out[j] = values[j]! - min
  return { base: min, values: out }
}

/** Plain adds of one checkpoint batch, as columns. */
export class CompactAdds {
  readonly length: number
  readonly #paths: string
  readonly #pathOffsets: Int32Array
  readonly #stats: string
  readonly #statsOffsets: Int32Array
  readonly #row: Narrow
  readonly #size: Narrow
  readonly #time: Narrow
  readonly #flags: Uint8Array
  readonly #partition: Narrow
  readonly #partitions: readonly PartitionValues[]

  /** @internal Use {@link compactAdds}. */
  constructor(init: {
    paths: { text: string; offsets: Int32Array }
    stats: { text: string; offsets: Int32Array }
    length: number
    row: Float64Array
    size: Float64Array
    time: Float64Array
    flags: Uint8Array
    partition: Float64Array
    partitions: readonly PartitionValues[]
  }) {
    const n = init.length
    this.length = n
    this.#paths = init.paths.text
    this.#pathOffsets = init.paths.offsets
    this.#stats = init.stats.text
    this.#statsOffsets = init.stats.offsets
    // Narrowed, trimmed copies: the builders were sized for the whole batch.
    this.#row = narrow(init.row, n)
    this.#size = narrow(init.size, n)
    this.#time = narrow(init.time, n)
    this.#flags = init.flags.slice(0, n)
    this.#partition = narrow(init.partition, n)
    this.#partitions = init.partitions
  }

  #rowOf(j: number): number {
    return this.#row.values[j]! + this.#row.base
  }

  /** Path of add `j` (also its reconciliation key: plain adds have no deletion vector). */
  keyAt(j: number): string {
    const i = this.#rowOf(j)
    return this.#paths.slice(this.#pathOffsets[i]!, this.#pathOffsets[i + 1]!)
  }

  /** Add `j` as an `Add` object (a new one per call). */
  at(j: number): Add {
    const i = this.#rowOf(j)
    const path = this.#paths.slice(this.#pathOffsets[i]!, this.#pathOffsets[i + 1]!)
    const partitionValues = this.#partitions[this.#partition.values[j]! + this.#partition.base]!
    const size = this.#size.values[j]! + this.#size.base
    const modificationTime = this.#time.values[j]! + this.#time.base
    const flags = this.#flags[j]!
    const dataChange = (flags & FLAG_DATA_CHANGE) !== 0
    if ((flags & FLAG_STATS) === 0) return { path, partitionValues, size, modificationTime, dataChange }
    const stats = this.#stats.slice(this.#statsOffsets[i]!, this.#statsOffsets[i + 1]!)
    return { path, partitionValues, size, modificationTime, dataChange, stats }
  }
}

function requireInt(v: number | null, field: string, where: () => string, nonNegative: boolean): number {
  if (v === null || Number.isNaN(v) || (nonNegative && v < 0)) {
    throw new CorruptCheckpointError(`${where()}: field '${field}' must be ${nonNegative ? 'a non-negative' : 'an'} integer, found ${v}`)
  }
  return v
}

/** Whether a child column exists and has a non-null value in row `i`. */
function present(data: Data | undefined): (i: number) => boolean {
  if (!data || data.nullCount === data.length) return () => false
  return validity(data)
}

/**
 * Reads the `add` column of a checkpoint batch: plain adds as {@link CompactAdds}, the others as
 * `Add` objects (in `others`). Same validation as `addReader`.
 */
export function compactAdds(data: Data, location: string, firstRow: number): { compact: CompactAdds | undefined; others: Add[] } {
  const c = structChildren(data)
  const paths = asciiColumn(c.get('path'))
  const stats = asciiColumn(c.get('stats'))
  // Built on first use only: it decodes the string columns again.
  let reader: ((i: number) => Add | undefined) | undefined
  const slow = (i: number) => (reader ??= addReader(data, location, firstRow))(i)
  const others: Add[] = []
  if (!paths || !stats || c.has('stats_parsed')) {
    for (let i = 0; i < data.length; i++) {
      const add = slow(i)
      if (add) others.push(add)
    }
    return { compact: undefined, others }
  }
  const valid = validity(data)
  const special = [c.get('deletionVector'), c.get('baseRowId'), c.get('defaultRowCommitVersion'), c.get('clusteringProvider'), c.get('tags')].map(present)
  const partitionValues = c.get('partitionValues') ? internedStringMaps(c.get('partitionValues')!) : () => null
  const size = c.get('size') ? integers(c.get('size')!) : () => null
  const time = c.get('modificationTime') ? integers(c.get('modificationTime')!) : () => null
  const dataChange = c.get('dataChange') ? booleans(c.get('dataChange')!) : () => null
  const n = data.length
  const row = new Float64Array(n)
  const sizes = new Float64Array(n)
  const times = new Float64Array(n)
  const flags = new Uint8Array(n)
  const partition = new Float64Array(n)
  const partitions: PartitionValues[] = []
  const partitionIndex = new Map<PartitionValues, number>()
  let length = 0
  let at = 0
  const where = () => `${location} row ${firstRow + at} add`
  for (let i = 0; i < n; i++) {
    if (!valid(i) || !paths.valid(i)) continue
    if (special.some((has) => has(i))) {
      const add = slow(i)
      if (add) others.push(add)
      continue
    }
    at = i
    const pv = partitionValues(i) ?? EMPTY
    let p = partitionIndex.get(pv)
    if (p === undefined) {
      p = partitions.length
      partitions.push(pv)
      partitionIndex.set(pv, p)
    }
    row[length] = i
    sizes[length] = requireInt(size(i), 'size', where, true)
    times[length] = requireInt(time(i), 'modificationTime', where, false)
    flags[length] = (dataChange(i) ? FLAG_DATA_CHANGE : 0) | (stats.valid(i) ? FLAG_STATS : 0)
    partition[length] = p
    length++
  }
  if (length === 0) return { compact: undefined, others }
  return { compact: new CompactAdds({ paths, stats, length, row, size: sizes, time: times, flags, partition, partitions }), others }
}

const EMPTY: PartitionValues = Object.freeze({})
