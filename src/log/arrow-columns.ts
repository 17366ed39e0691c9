/**
 * Direct readers over Arrow `Data` buffers for the column shapes a checkpoint uses (strings, ints,
 * booleans, string maps, structs). apache-arrow's `Vector.get` allocates per call and dominates a
 * million-row checkpoint replay; these read offsets and values arrays directly.
 *
 * Offsets follow apache-arrow's slicing: validity bitmaps and boolean values are indexed with
 * `data.offset`, value and offset buffers are already sub-arrayed.
 *
 * @packageDocumentation
 */
import type { Data } from 'apache-arrow'

const utf8 = new TextDecoder()

/** Whether row `i` of `data` is non-null. */
export function validity(data: Data): (i: number) => boolean {
  const bitmap = data.nullBitmap
  if (data.nullCount === 0 || !bitmap || bitmap.length === 0) return () => true
  const off = data.offset
  return (i) => ((bitmap[(off + i) >> 3]! >> ((off + i) & 7)) & 1) === 1
}

/** A UTF-8 string column. */
export function strings(data: Data): (i: number) => string | null {
  const valid = validity(data)
  const offsets = data.valueOffsets as Int32Array
  const bytes = data.values as Uint8Array
  const start = offsets[0] ?? 0
  const end = offsets[data.length] ?? 0
  // One decode for the whole buffer; when it is ASCII, byte offsets are string offsets.
  const whole = utf8.decode(bytes.subarray(start, end))
  if (whole.length === end - start) {
    return (i) => (valid(i) ? whole.slice(offsets[i]! - start, offsets[i + 1]! - start) : null)
  }
  return (i) => (valid(i) ? utf8.decode(bytes.subarray(offsets[i]!, offsets[i + 1]!)) : null)
}

/** An integer column of any width (int64 values outside the safe range become NaN: callers validate). */
export function integers(data: Data): (i: number) => number | null {
  const valid = validity(data)
  const values = data.values as Int32Array | BigInt64Array
  if (values instanceof BigInt64Array) {
    return (i) => {
      if (!valid(i)) return null
      const v = values[i]!
      return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : Number.NaN
    }
  }
  return (i) => (valid(i) ? (values[i] as number) : null)
}

/** A boolean column. */
export function booleans(data: Data): (i: number) => boolean | null {
  const valid = validity(data)
  const bits = data.values as Uint8Array
  const off = data.offset
  return (i) => (valid(i) ? ((bits[(off + i) >> 3]! >> ((off + i) & 7)) & 1) === 1 : null)
}

/** A `map<string, string>` column as plain objects. */
export function stringMaps(data: Data): (i: number) => Record<string, string | null> | null {
  const valid = validity(data)
  const offsets = data.valueOffsets as Int32Array
  const entries = data.children[0]!
  const keys = strings(entries.children[0]!)
  const values = strings(entries.children[1]!)
  return (i) => {
    if (!valid(i)) return null
    const out: Record<string, string | null> = {}
    for (let e = offsets[i]!; e < offsets[i + 1]!; e++) out[keys(e)!] = values(e)
    return out
  }
}

/** The children of a struct column by field name. */
export function structChildren(data: Data): Map<string, Data> {
  const out = new Map<string, Data>()
  const fields = (data.type as { children: { name: string }[] }).children
  fields.forEach((f, k) => out.set(f.name, data.children[k]!))
  return out
}

/** Trie of map entries (key, then value, per entry) to the one object holding them. */
interface MapNode {
  readonly next: Map<string, Map<string | null, MapNode>>
  value?: Readonly<Record<string, string | null>>
}

/** Distinct maps kept per column before interning gives up (high-cardinality partitioning). */
const MAX_INTERNED_MAPS = 10_000

/**
 * A `map<string, string>` column as plain objects, one frozen object per distinct map: the
 * partition values of a checkpoint repeat for every file of a partition, and sharing them saves
 * an object and its strings per file. Gives up interning (and allocates per row) past
 * {@link MAX_INTERNED_MAPS} distinct maps.
 */
export function internedStringMaps(data: Data): (i: number) => Readonly<Record<string, string | null>> | null {
  const plainMaps = stringMaps(data)
  const valid = validity(data)
  const offsets = data.valueOffsets as Int32Array
  const entries = data.children[0]!
  const keys = strings(entries.children[0]!)
  const values = strings(entries.children[1]!)
  const root: MapNode = { next: new Map() }
  let distinct = 0
  return (i) => {
    if (!valid(i) || distinct > MAX_INTERNED_MAPS) return plainMaps(i)
    let node = root
    for (let e = offsets[i]!; e < offsets[i + 1]!; e++) {
      const k = keys(e)!
      const v = values(e)
      let byValue = node.next.get(k)
      if (!byValue) node.next.set(k, (byValue = new Map()))
      let child = byValue.get(v)
      if (!child) byValue.set(v, (child = { next: new Map() }))
      node = child
    }
    if (!node.value) {
      distinct++
      node.value = Object.freeze(plainMaps(i)!)
    }
    return node.value
  }
}
