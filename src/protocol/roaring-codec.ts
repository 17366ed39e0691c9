/**
 * Bytes of a {@link RoaringBitmapArray} (PROTOCOL.md, "Deletion Vector Format"): a magic number,
 * then the 64-bit "portable" Roaring format of the RoaringFormatSpec: a 64-bit bucket count and,
 * per bucket in ascending key order, a 32-bit key followed by a standard 32-bit Roaring bitmap
 * (with or without the run-container cookie). All little-endian.
 *
 * Reading also accepts Delta's older "native" layout (magic 1681511376, big-endian, the buckets
 * positional and each preceded by its size), which the spec's inline example uses.
 *
 * Decoding trusts nothing: every length is checked against the bytes present, keys must ascend,
 * and each container's values must agree with the cardinality in its header, so a corrupt DV is
 * a `DeletionVectorError` and never a wrong set of deleted rows.
 *
 * @packageDocumentation
 */
import { DeletionVectorError } from '../errors.js'
import {
  ARRAY_MAX,
  BITMAP_BYTES,
  CONTAINER_SPAN,
  type Container,
  containerCardinality,
  RoaringBitmapArray,
} from './roaring.js'

/** Magic of the portable format, first 4 bytes little-endian. */
export const PORTABLE_MAGIC = 1681511377
/** Magic of Delta's native format, first 4 bytes big-endian. */
export const NATIVE_MAGIC = 1681511376
const COOKIE_NO_RUNS = 12346
const COOKIE_RUNS = 12347
/** With runs, container offsets are only written for this many containers or more. */
const NO_OFFSET_THRESHOLD = 4
/** Buckets above this would hold row indexes >= 2^53, beyond exact JavaScript numbers. */
const MAX_BUCKET = 2 ** 21 - 1

/** Bounds-checked little/big-endian reads; every failure names the field and position. */
class Reader {
  constructor(
    readonly bytes: Uint8Array,
    public pos = 0,
  ) {}
  need(n: number, what: string): void {
    if (this.pos + n > this.bytes.length) {
      throw new DeletionVectorError(
        `roaring: truncated bitmap: ${what} needs ${n} bytes at position ${this.pos}, only ${this.bytes.length - this.pos} left`,
      )
    }
  }
  u16(what: string): number {
    this.need(2, what)
    const b = this.bytes
    const v = b[this.pos]! | (b[this.pos + 1]! << 8)
    this.pos += 2
    return v
  }
  u32(what: string, bigEndian = false): number {
    this.need(4, what)
    const b = this.bytes
    const p = this.pos
    this.pos += 4
    return bigEndian
      ? ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0
      : (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0
  }
}

/** Decodes a serialized RoaringBitmapArray (magic included); the bytes must be exactly one bitmap. */
export function decodeRoaringBitmapArray(bytes: Uint8Array): RoaringBitmapArray {
  const r = new Reader(bytes)
  r.need(4, 'magic number')
  const le = (bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16) | (bytes[3]! << 24)) >>> 0
  const be = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0
  r.pos = 4
  const keys: number[] = []
  const containers: Container[] = []
  if (le === PORTABLE_MAGIC) {
    const count = r.u32('bucket count')
    if (r.u32('bucket count (high word)') !== 0 || count > bytes.length) {
      throw new DeletionVectorError(`roaring: bucket count is larger than the ${bytes.length}-byte bitmap can hold`)
    }
    let previous = -1
    for (let b = 0; b < count; b++) {
      const bucket = r.u32(`key of bucket ${b}`)
      if (bucket <= previous) {
        throw new DeletionVectorError(`roaring: bucket keys must ascend, found ${bucket} after ${previous}`)
      }
      previous = bucket
      readBitmap32(r, bucket, keys, containers)
    }
  } else if (be === NATIVE_MAGIC) {
    const count = r.u32('bitmap count', true)
    for (let b = 0; b < count; b++) {
      const size = r.u32(`size of bitmap ${b}`, true)
      r.need(size, `bitmap ${b}`)
      const end = r.pos + size
      const inner = new Reader(bytes.subarray(0, end), r.pos)
      readBitmap32(inner, b, keys, containers)
      if (inner.pos !== end) {
        throw new DeletionVectorError(`roaring: bitmap ${b} is ${size} bytes but its containers end ${end - inner.pos} bytes early`)
      }
      r.pos = end
    }
  } else {
    throw new DeletionVectorError(
      `roaring: bad magic number ${le} (expected ${PORTABLE_MAGIC}, the portable RoaringBitmapArray format)`,
    )
  }
  if (r.pos !== bytes.length) {
    throw new DeletionVectorError(`roaring: ${bytes.length - r.pos} unexpected bytes after the bitmap ends at position ${r.pos}`)
  }
  return new RoaringBitmapArray(Float64Array.from(keys), containers)
}

/** Reads one 32-bit Roaring bitmap of bucket `bucket`, appending its non-empty containers. */
function readBitmap32(r: Reader, bucket: number, keys: number[], containers: Container[]): void {
  const where = `bucket ${bucket}`
  if (bucket > MAX_BUCKET) {
    throw new DeletionVectorError(`roaring: ${where} holds row indexes of 2^53 or more, beyond what this reader can represent`)
  }
  const start = r.pos
  const cookie = r.u32(`cookie of ${where}`)
  let size: number
  let runFlags: Uint8Array | undefined
  if (cookie === COOKIE_NO_RUNS) {
    size = r.u32(`container count of ${where}`)
    if (size > CONTAINER_SPAN) throw new DeletionVectorError(`roaring: ${where} claims ${size} containers (at most 65536)`)
  } else if ((cookie & 0xffff) === COOKIE_RUNS) {
    size = (cookie >>> 16) + 1
    const flagBytes = Math.ceil(size / 8)
    r.need(flagBytes, `run flags of ${where}`)
    runFlags = r.bytes.subarray(r.pos, r.pos + flagBytes)
    r.pos += flagBytes
  } else {
    throw new DeletionVectorError(
      `roaring: bad cookie ${cookie} at position ${start} of ${where} (expected ${COOKIE_NO_RUNS} or ${COOKIE_RUNS})`,
    )
  }
  r.need(4 * size, `container headers of ${where}`)
  const headerAt = r.pos
  r.pos += 4 * size
  if (!runFlags || size >= NO_OFFSET_THRESHOLD) {
    r.need(4 * size, `container offsets of ${where}`)
    r.pos += 4 * size
  }
  let previous = -1
  for (let i = 0; i < size; i++) {
    const key = r.bytes[headerAt + 4 * i]! | (r.bytes[headerAt + 4 * i + 1]! << 8)
    const card = (r.bytes[headerAt + 4 * i + 2]! | (r.bytes[headerAt + 4 * i + 3]! << 8)) + 1
    if (key <= previous) throw new DeletionVectorError(`roaring: container keys of ${where} must ascend, found ${key} after ${previous}`)
    previous = key
    const isRun = runFlags !== undefined && ((runFlags[i >>> 3]! >>> (i & 7)) & 1) === 1
    const c = isRun ? readRuns(r) : card <= ARRAY_MAX ? readArray(r, card) : readBitmap(r)
    if (containerCardinality(c) !== card) {
      throw new DeletionVectorError(
        `roaring: container ${key} of ${where} holds ${containerCardinality(c)} values, its header says ${card}`,
      )
    }
    keys.push(bucket * CONTAINER_SPAN + key)
    containers.push(c)
  }
}

function readArray(r: Reader, card: number): Container {
  r.need(2 * card, 'array container')
  const values = new Uint16Array(card)
  for (let j = 0; j < card; j++) {
    values[j] = r.u16('array value')
    if (j > 0 && values[j]! <= values[j - 1]!) {
      throw new DeletionVectorError(`roaring: array container values must ascend, found ${values[j]} after ${values[j - 1]}`)
    }
  }
  return { kind: 'array', values }
}

function readBitmap(r: Reader): Container {
  r.need(BITMAP_BYTES, 'bitmap container')
  const words = new Uint32Array(BITMAP_BYTES / 4)
  let n = 0
  for (let w = 0; w < words.length; w++) {
    const word = r.u32('bitmap word')
    words[w] = word
    n += popcount(word)
  }
  return { kind: 'bitmap', words, cardinality: n }
}

function readRuns(r: Reader): Container {
  const count = r.u16('run count')
  r.need(4 * count, 'runs')
  const runs = new Uint16Array(2 * count)
  let n = 0
  let nextFree = 0
  for (let j = 0; j < count; j++) {
    const start = r.u16('run start')
    const lengthMinus1 = r.u16('run length')
    if (start < nextFree || start + lengthMinus1 >= CONTAINER_SPAN) {
      throw new DeletionVectorError(`roaring: run [${start}, +${lengthMinus1 + 1}) overlaps the previous run or leaves the container`)
    }
    runs[2 * j] = start
    runs[2 * j + 1] = lengthMinus1
    n += lengthMinus1 + 1
    nextFree = start + lengthMinus1 + 1
  }
  return { kind: 'run', runs, cardinality: n }
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333)
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24
}

/** Serialized size of a container's data (without its header). */
function containerBytes(c: Container): number {
  return c.kind === 'array' ? 2 * c.values.length : c.kind === 'bitmap' ? BITMAP_BYTES : 2 + 2 * c.runs.length
}

/** Encodes a set in the portable format with the magic number, ready for a DV file or inline DV. */
export function encodeRoaringBitmapArray(bitmap: RoaringBitmapArray): Uint8Array {
  const { keys, containers } = bitmap
  // Group container indexes into buckets by the high 32 bits.
  const buckets: { key: number; from: number; to: number; runs: boolean; size: number }[] = []
  let total = 4 + 8
  for (let i = 0; i < keys.length; ) {
    const key = Math.floor(keys[i]! / CONTAINER_SPAN)
    let j = i
    let runs = false
    let data = 0
    for (; j < keys.length && Math.floor(keys[j]! / CONTAINER_SPAN) === key; j++) {
      runs ||= containers[j]!.kind === 'run'
      data += containerBytes(containers[j]!)
    }
    const n = j - i
    const header = runs ? 4 + Math.ceil(n / 8) + 4 * n + (n >= NO_OFFSET_THRESHOLD ? 4 * n : 0) : 8 + 8 * n
    buckets.push({ key, from: i, to: j, runs, size: header + data })
    total += 4 + header + data
    i = j
  }
  const out = new Uint8Array(total)
  const view = new DataView(out.buffer)
  view.setUint32(0, PORTABLE_MAGIC, true)
  view.setUint32(4, buckets.length, true)
  let pos = 12
  for (const b of buckets) {
    view.setUint32(pos, b.key, true)
    pos += 4
    pos = writeBitmap32(view, pos, containers, keys, b.from, b.to, b.runs)
  }
  return out
}

function writeBitmap32(
  view: DataView,
  start: number,
  containers: readonly Container[],
  keys: Float64Array,
  from: number,
  to: number,
  runs: boolean,
): number {
  const n = to - from
  let pos = start
  if (runs) {
    view.setUint32(pos, COOKIE_RUNS | ((n - 1) << 16), true)
    pos += 4
    for (let i = 0; i < n; i++) {
      if (containers[from + i]!.kind === 'run') view.setUint8(pos + (i >>> 3), view.getUint8(pos + (i >>> 3)) | (1 << (i & 7)))
    }
    pos += Math.ceil(n / 8)
  } else {
    view.setUint32(pos, COOKIE_NO_RUNS, true)
    view.setUint32(pos + 4, n, true)
    pos += 8
  }
  for (let i = from; i < to; i++) {
    view.setUint16(pos, keys[i]! % CONTAINER_SPAN, true)
    view.setUint16(pos + 2, containerCardinality(containers[i]!) - 1, true)
    pos += 4
  }
  const withOffsets = !runs || n >= NO_OFFSET_THRESHOLD
  // Offsets are relative to the start of this 32-bit bitmap, pointing at each container's data.
  let dataAt = pos - start + (withOffsets ? 4 * n : 0)
  if (withOffsets) {
    for (let i = from; i < to; i++) {
      view.setUint32(pos, dataAt, true)
      dataAt += containerBytes(containers[i]!)
      pos += 4
    }
  }
  for (let i = from; i < to; i++) pos = writeContainer(view, pos, containers[i]!)
  return pos
}

function writeContainer(view: DataView, pos: number, c: Container): number {
  switch (c.kind) {
    case 'array':
      for (const v of c.values) {
        view.setUint16(pos, v, true)
        pos += 2
      }
      return pos
    case 'bitmap':
      for (const w of c.words) {
        view.setUint32(pos, w, true)
        pos += 4
      }
      return pos
    case 'run':
      view.setUint16(pos, c.runs.length / 2, true)
      pos += 2
      for (const v of c.runs) {
        view.setUint16(pos, v, true)
        pos += 2
      }
      return pos
  }
}
