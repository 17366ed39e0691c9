/**
 * RoaringBitmapArray: the set of deleted row indexes of one data file (PROTOCOL.md, "Deletion
 * Vector Format"). Row indexes are 64-bit in the protocol; here they are JavaScript numbers, so
 * the representable range is [0, 2^53): a data file with more rows than that does not exist.
 *
 * The set is held as Roaring containers, each covering 65,536 consecutive row indexes, keyed by
 * `floor(row / 65536)` (the 32-bit bucket key and the 16-bit container key of the serialized
 * format fused into one number). A container is a sorted array (sparse), a 65,536-bit bitmap
 * (dense) or a list of runs (clustered), exactly the three Roaring encodings, so a decoded DV
 * costs about as much memory as its file and `has` is a binary search plus one lookup.
 * Bytes in and out live in `roaring-codec.ts`.
 *
 * @packageDocumentation
 */
import { InvalidArgumentError } from '../errors.js'

/** Row indexes per container (the low 16 bits of a value). */
export const CONTAINER_SPAN = 65536
/** Cardinality above which Roaring stores a container as a bitmap rather than an array. */
export const ARRAY_MAX = 4096
/** Serialized bytes of a bitmap container (1,024 64-bit words). */
export const BITMAP_BYTES = 8192

/** One Roaring container: the low 16 bits of the values sharing a container key. */
export type Container =
  /** Sorted, strictly ascending 16-bit values. */
  | { readonly kind: 'array'; readonly values: Uint16Array }
  /** 2,048 32-bit words; bit `v & 31` of word `v >>> 5` is set when `v` is present. */
  | { readonly kind: 'bitmap'; readonly words: Uint32Array; readonly cardinality: number }
  /** Pairs (start, length - 1), ascending and non-overlapping. */
  | { readonly kind: 'run'; readonly runs: Uint16Array; readonly cardinality: number }

/** Number of values in a container. */
export function containerCardinality(c: Container): number {
  return c.kind === 'array' ? c.values.length : c.cardinality
}

/** Immutable set of row indexes in Roaring form. Build with {@link RoaringBitmapArray.from}. */
export class RoaringBitmapArray {
  /**
   * Container keys (`floor(row / 65536)`), strictly ascending, parallel to `containers`.
   * @internal Exposed for the codec; treat as read-only.
   */
  readonly keys: Float64Array
  /** @internal Exposed for the codec; treat as read-only. Never empty containers. */
  readonly containers: readonly Container[]
  /** Number of row indexes in the set. */
  readonly cardinality: number

  /** @internal Callers build through {@link RoaringBitmapArray.from} or the codec, which validate. */
  constructor(keys: Float64Array, containers: readonly Container[]) {
    this.keys = keys
    this.containers = containers
    let n = 0
    for (const c of containers) n += containerCardinality(c)
    this.cardinality = n
  }

  /** The empty set. */
  static empty(): RoaringBitmapArray {
    return new RoaringBitmapArray(new Float64Array(0), [])
  }

  /**
   * Builds a set from row indexes in any order (duplicates allowed), choosing per container the
   * smallest of the array, bitmap and run encodings, as Roaring's run optimisation does.
   * Throws `InvalidArgumentError` for a value that is not an integer in [0, 2^53).
   */
  static from(values: Iterable<number>): RoaringBitmapArray {
    const sorted = Float64Array.from(values)
    for (const v of sorted) {
      if (!Number.isSafeInteger(v) || v < 0) {
        throw new InvalidArgumentError(`RoaringBitmapArray: row indexes must be integers in [0, 2^53), found ${v}`)
      }
    }
    sorted.sort()
    const keys: number[] = []
    const containers: Container[] = []
    let i = 0
    while (i < sorted.length) {
      const key = Math.floor(sorted[i]! / CONTAINER_SPAN)
      const base = key * CONTAINER_SPAN
      const low: number[] = []
      for (; i < sorted.length && sorted[i]! < base + CONTAINER_SPAN; i++) {
        const v = sorted[i]! - base
        if (low.length === 0 || low[low.length - 1] !== v) low.push(v)
      }
      keys.push(key)
      containers.push(buildContainer(low))
    }
    return new RoaringBitmapArray(Float64Array.from(keys), containers)
  }

  /** Whether `rowIndex` is in the set. */
  has(rowIndex: number): boolean {
    if (!Number.isSafeInteger(rowIndex) || rowIndex < 0) return false
    const at = this.findKey(Math.floor(rowIndex / CONTAINER_SPAN))
    if (at < 0) return false
    return containerHas(this.containers[at]!, rowIndex % CONTAINER_SPAN)
  }

  /**
   * Calls `fn(from, to)` for ascending, disjoint ranges `[from, to)` that together hold exactly
   * the members within `[start, end)`. Runs come out whole (clipped to the window), so marking
   * a clustered DELETE costs one call, not one per row.
   */
  forEachRange(start: number, end: number, fn: (from: number, to: number) => void): void {
    if (!(end > start)) return
    let at = this.lowerBound(Math.floor(Math.max(0, start) / CONTAINER_SPAN))
    for (; at < this.keys.length; at++) {
      const base = this.keys[at]! * CONTAINER_SPAN
      if (base >= end) return
      const lo = Math.max(0, start - base)
      const hi = Math.min(CONTAINER_SPAN, end - base)
      containerRanges(this.containers[at]!, lo, hi, (a, b) => fn(base + a, base + b))
    }
  }

  /** Row indexes in ascending order. */
  *[Symbol.iterator](): IterableIterator<number> {
    for (let at = 0; at < this.keys.length; at++) {
      const base = this.keys[at]! * CONTAINER_SPAN
      const values: number[] = []
      containerRanges(this.containers[at]!, 0, CONTAINER_SPAN, (a, b) => {
        for (let v = a; v < b; v++) values.push(base + v)
      })
      yield* values
    }
  }

  /** All row indexes, ascending. Allocates one number per member: prefer `forEachRange` for masks. */
  toArray(): number[] {
    return [...this]
  }

  /** Index of `key` in `keys`, or -1. */
  private findKey(key: number): number {
    const at = this.lowerBound(key)
    return at < this.keys.length && this.keys[at] === key ? at : -1
  }

  /** First index whose key is >= `key`. */
  private lowerBound(key: number): number {
    let lo = 0
    let hi = this.keys.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.keys[mid]! < key) lo = mid + 1
      else hi = mid
    }
    return lo
  }
}

/** Builds the smallest container for sorted, distinct 16-bit values. */
function buildContainer(low: readonly number[]): Container {
  const n = low.length
  let runCount = 0
  for (let j = 0; j < n; j++) if (j === 0 || low[j]! !== low[j - 1]! + 1) runCount++
  const plainBytes = n <= ARRAY_MAX ? 2 * n : BITMAP_BYTES
  if (2 + 4 * runCount < plainBytes) {
    const runs = new Uint16Array(runCount * 2)
    let r = -1
    for (let j = 0; j < n; j++) {
      if (j === 0 || low[j]! !== low[j - 1]! + 1) {
        r++
        runs[2 * r] = low[j]!
      } else {
        runs[2 * r + 1]!++
      }
    }
    return { kind: 'run', runs, cardinality: n }
  }
  if (n <= ARRAY_MAX) return { kind: 'array', values: Uint16Array.from(low) }
  const words = new Uint32Array(CONTAINER_SPAN / 32)
  for (const v of low) words[v >>> 5]! |= 1 << (v & 31)
  return { kind: 'bitmap', words, cardinality: n }
}

function containerHas(c: Container, v: number): boolean {
  switch (c.kind) {
    case 'bitmap':
      return ((c.words[v >>> 5]! >>> (v & 31)) & 1) === 1
    case 'array': {
      const a = c.values
      let lo = 0
      let hi = a.length
      while (lo < hi) {
        const mid = (lo + hi) >>> 1
        if (a[mid]! < v) lo = mid + 1
        else hi = mid
      }
      return lo < a.length && a[lo] === v
    }
    case 'run': {
      const r = c.runs
      // Last run whose start is <= v.
      let lo = 0
      let hi = r.length / 2
      while (lo < hi) {
        const mid = (lo + hi) >>> 1
        if (r[2 * mid]! <= v) lo = mid + 1
        else hi = mid
      }
      return lo > 0 && v <= r[2 * (lo - 1)]! + r[2 * (lo - 1) + 1]!
    }
  }
}

/** Reports the container's members within [lo, hi) as ascending ranges of low values. */
function containerRanges(c: Container, lo: number, hi: number, fn: (a: number, b: number) => void): void {
  switch (c.kind) {
    case 'array':
      for (const v of c.values) {
        if (v >= hi) return
        if (v >= lo) fn(v, v + 1)
      }
      return
    case 'run':
      for (let j = 0; j < c.runs.length; j += 2) {
        const a = Math.max(lo, c.runs[j]!)
        const b = Math.min(hi, c.runs[j]! + c.runs[j + 1]! + 1)
        if (a >= hi) return
        if (a < b) fn(a, b)
      }
      return
    case 'bitmap': {
      let runStart = -1
      for (let w = lo >>> 5; w < c.words.length && w * 32 < hi; w++) {
        const word = c.words[w]!
        if (word === 0 && runStart < 0) continue
        for (let bit = 0; bit < 32; bit++) {
          const v = w * 32 + bit
          const set = v >= lo && v < hi && ((word >>> bit) & 1) === 1
          if (set && runStart < 0) runStart = v
          else if (!set && runStart >= 0) {
            fn(runStart, v)
            runStart = -1
          }
        }
      }
      if (runStart >= 0) fn(runStart, Math.min(hi, CONTAINER_SPAN))
      return
    }
  }
}
