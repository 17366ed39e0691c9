/**
 * Accumulators for the non-null physical values of one column chunk, decoded straight into flat
 * buffers: fixed-width values as little-endian bytes (so PLAIN pages are one copy), byte arrays
 * as Arrow-style offsets plus data. No per-value JS objects: that garbage is what made
 * hyparquet's own row assembly slow on checkpoints.
 *
 * @packageDocumentation
 */
import { ParquetError } from '../../errors.js'

/** Fixed-width values (BOOLEAN as one byte 0/1, INT32, INT64, INT96, FLOAT, DOUBLE, FIXED_LEN_BYTE_ARRAY). */
export class FixedSink {
  readonly kind = 'fixed'
  /** Little-endian value bytes, `width` per value. */
  bytes: Uint8Array
  length = 0
  constructor(
    readonly width: number,
    readonly boolean: boolean,
    capacity: number,
  ) {
    this.bytes = new Uint8Array(Math.max(1, capacity) * width)
  }

  private ensure(extra: number): void {
    const need = (this.length + extra) * this.width
    if (need <= this.bytes.length) return
    const grown = new Uint8Array(Math.max(need, this.bytes.length * 2))
    grown.set(this.bytes.subarray(0, this.length * this.width))
    this.bytes = grown
  }

  /** Appends `n` PLAIN-encoded values from `page` at `pos`; returns the position after them. */
  appendPlain(page: Uint8Array, pos: number, n: number): number {
    this.ensure(n)
    if (this.boolean) {
      const out = this.bytes
      const base = this.length
      for (let i = 0; i < n; i++) out[base + i] = (page[pos + (i >> 3)]! >> (i & 7)) & 1
      this.length += n
      return pos + Math.ceil(n / 8)
    }
    const size = n * this.width
    if (pos + size > page.length) throw new ParquetError(`parquet: page ends before its ${n} values`)
    this.bytes.set(page.subarray(pos, pos + size), this.length * this.width)
    this.length += n
    return pos + size
  }

  /** Appends dictionary entries `dict[indices[i]]`. */
  appendIndexed(dict: FixedSink, indices: ArrayLike<number>): void {
    const n = indices.length
    this.ensure(n)
    const w = this.width
    if (w === 4 || w === 8) {
      // Copy through 32-bit words: exact for every bit pattern (a Float64Array copy could alter NaN payloads).
      const src = new Uint32Array(dict.bytes.buffer, dict.bytes.byteOffset, (dict.length * w) >> 2)
      const dst = new Uint32Array(this.bytes.buffer, this.bytes.byteOffset, this.bytes.length >> 2)
      const words = w >> 2
      let o = this.length * words
      for (let i = 0; i < n; i++) {
        const idx = indices[i]!
        if (idx >= dict.length) throw badIndex(idx, dict.length)
        const s = idx * words
        dst[o++] = src[s]!
        if (words === 2) dst[o++] = src[s + 1]!
      }
    } else {
      const src = dict.bytes
      const dst = this.bytes
      let o = this.length * w
      for (let i = 0; i < n; i++) {
        const idx = indices[i]!
        if (idx >= dict.length) throw badIndex(idx, dict.length)
        const s = idx * w
        for (let b = 0; b < w; b++) dst[o++] = src[s + b]!
      }
    }
    this.length += n
  }

  /** Appends already-decoded values (typed arrays, or one Uint8Array per fixed-length value). */
  appendDecoded(values: ArrayLike<unknown> & { length: number }): void {
    const n = values.length
    if (n === 0) return
    this.ensure(n)
    const first = values[0]
    if (ArrayBuffer.isView(values) && !(first instanceof Uint8Array)) {
      const view = values as unknown as ArrayBufferView
      if (this.boolean) {
        for (let i = 0; i < n; i++) this.bytes[this.length + i] = (values[i] as number) ? 1 : 0
      } else {
        this.bytes.set(new Uint8Array(view.buffer, view.byteOffset, n * this.width), this.length * this.width)
      }
    } else if (first instanceof Uint8Array) {
      for (let i = 0; i < n; i++) this.bytes.set(values[i] as Uint8Array, (this.length + i) * this.width)
    } else {
      for (let i = 0; i < n; i++) this.bytes[this.length + i] = values[i] ? 1 : 0
    }
    this.length += n
  }
}

/** Variable-length values (BYTE_ARRAY) as offsets plus concatenated data. */
export class BytesSink {
  readonly kind = 'bytes'
  offsets: Int32Array
  data: Uint8Array
  length = 0
  constructor(capacity: number, dataCapacity: number) {
    this.offsets = new Int32Array(Math.max(1, capacity) + 1)
    this.data = new Uint8Array(Math.max(16, dataCapacity))
  }

  private ensureValues(extra: number): void {
    if (this.length + extra + 1 <= this.offsets.length) return
    const grown = new Int32Array(Math.max(this.length + extra + 1, this.offsets.length * 2))
    grown.set(this.offsets.subarray(0, this.length + 1))
    this.offsets = grown
  }

  private ensureBytes(extra: number): void {
    const need = this.offsets[this.length]! + extra
    if (need <= this.data.length) return
    if (need > 0x7fffffff) throw new ParquetError(`parquet: column chunk holds more than 2 GiB of byte-array data`)
    const grown = new Uint8Array(Math.min(0x7fffffff, Math.max(need, this.data.length * 2)))
    grown.set(this.data.subarray(0, this.offsets[this.length]!))
    this.data = grown
  }

  /** Appends `n` PLAIN-encoded values (4-byte length + bytes each) from `page` at `pos`. */
  appendPlain(page: Uint8Array, pos: number, n: number): number {
    this.ensureValues(n)
    // The values' bytes never exceed the rest of the page, so one reservation covers them all.
    this.ensureBytes(page.length - pos)
    const data = this.data
    const offsets = this.offsets
    let end = offsets[this.length]!
    for (let i = 0; i < n; i++) {
      if (pos + 4 > page.length) throw new ParquetError(`parquet: page ends before its ${n} byte-array values`)
      const len = (page[pos]! | (page[pos + 1]! << 8) | (page[pos + 2]! << 16) | (page[pos + 3]! << 24)) >>> 0
      pos += 4
      if (pos + len > page.length) throw new ParquetError(`parquet: byte-array value of ${len} bytes overruns its page`)
      if (len > 48) data.set(page.subarray(pos, pos + len), end)
      else for (let b = 0; b < len; b++) data[end + b] = page[pos + b]!
      end += len
      pos += len
      offsets[++this.length] = end
    }
    return pos
  }

  /** Appends dictionary entries `dict[indices[i]]`. */
  appendIndexed(dict: BytesSink, indices: ArrayLike<number>): void {
    const n = indices.length
    this.ensureValues(n)
    let total = 0
    const dOff = dict.offsets
    for (let i = 0; i < n; i++) {
      const idx = indices[i]!
      if (idx >= dict.length) throw badIndex(idx, dict.length)
      total += dOff[idx + 1]! - dOff[idx]!
    }
    this.ensureBytes(total)
    const src = dict.data
    const data = this.data
    const offsets = this.offsets
    let end = offsets[this.length]!
    for (let i = 0; i < n; i++) {
      const idx = indices[i]!
      const s = dOff[idx]!
      const len = dOff[idx + 1]! - s
      if (len > 48) data.set(src.subarray(s, s + len), end)
      else for (let b = 0; b < len; b++) data[end + b] = src[s + b]!
      end += len
      offsets[++this.length] = end
    }
  }

  /** Appends already-decoded values. */
  appendDecoded(values: ArrayLike<Uint8Array>): void {
    const n = values.length
    this.ensureValues(n)
    let total = 0
    for (let i = 0; i < n; i++) total += values[i]!.length
    this.ensureBytes(total)
    let end = this.offsets[this.length]!
    for (let i = 0; i < n; i++) {
      this.data.set(values[i]!, end)
      end += values[i]!.length
      this.offsets[++this.length] = end
    }
  }
}

/** Either sink. */
export type ValueSink = FixedSink | BytesSink

function badIndex(idx: number, size: number): ParquetError {
  return new ParquetError(`parquet: dictionary index ${idx} out of range (dictionary has ${size} entries)`)
}
