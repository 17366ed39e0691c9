import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { DeletionVectorError, InvalidArgumentError } from '../../src/errors.js'
import { RoaringBitmapArray } from '../../src/protocol/roaring.js'
import { decodeRoaringBitmapArray, encodeRoaringBitmapArray } from '../../src/protocol/roaring-codec.js'

// ---- byte builders for hand-assembled RoaringFormatSpec layouts (independent of the encoder) ----
const u16 = (v: number) => [v & 255, (v >>> 8) & 255]
const u32 = (v: number) => [v & 255, (v >>> 8) & 255, (v >>> 16) & 255, (v >>> 24) & 255]
const MAGIC = u32(1681511377)
const bytes = (...parts: number[][]) => Uint8Array.from(parts.flat())

// ---- reference model ----
const sortedUnique = (values: Iterable<number>) => [...new Set(values)].sort((a, b) => a - b)

const SPAN = 65536
const sparse = fc.array(fc.oneof(fc.nat(200_000), fc.maxSafeNat(), fc.integer({ min: 2 ** 32 - 10, max: 2 ** 32 + 70_000 })), {
  maxLength: 200,
})
const dense = fc
  .tuple(fc.nat(40), fc.array(fc.nat(SPAN - 1), { minLength: 4000, maxLength: 9000 }))
  .map(([key, lows]) => lows.map((v) => key * SPAN + v))
const runs = fc
  .array(fc.tuple(fc.oneof(fc.nat(3 * SPAN), fc.integer({ min: 2 ** 33, max: 2 ** 33 + SPAN })), fc.nat(5000)), { maxLength: 8 })
  .map((rs) => rs.flatMap(([start, len]) => Array.from({ length: len + 1 }, (_, i) => start + i)))
const anySet = fc.tuple(sparse, fc.option(dense, { nil: [] }), fc.option(runs, { nil: [] })).map(([a, b, c]) => [...a, ...b, ...c])

test('agrees with a Set model: members, has, cardinality, ranges, and survives encode/decode', () => {
  fc.assert(
    fc.property(anySet, fc.array(fc.maxSafeNat(), { maxLength: 20 }), fc.nat(2 ** 34), fc.nat(200_000), (values, probes, wStart, wLen) => {
      const model = sortedUnique(values)
      const set = new Set(model)
      const bitmap = RoaringBitmapArray.from(values)
      assert.equal(bitmap.cardinality, model.length)
      assert.deepEqual(bitmap.toArray(), model)
      for (const p of [...probes, ...model.slice(0, 50).flatMap((v) => [v - 1, v, v + 1])]) {
        assert.equal(bitmap.has(p), set.has(p), `has(${p})`)
      }
      // A window around some member, or an arbitrary one.
      const start = model.length > 0 && wStart % 2 === 0 ? Math.max(0, model[wStart % model.length]! - (wLen >> 1)) : wStart
      const end = start + wLen
      const got: number[] = []
      let last = -1
      bitmap.forEachRange(start, end, (from, to) => {
        assert.ok(from >= start && to <= end && from < to && from >= last, `range [${from}, ${to}) out of order or window`)
        last = to
        for (let v = from; v < to; v++) got.push(v)
      })
      assert.deepEqual(got, model.filter((v) => v >= start && v < end))
      const encoded = encodeRoaringBitmapArray(bitmap)
      const decoded = decodeRoaringBitmapArray(encoded)
      assert.deepEqual(decoded.toArray(), model)
      assert.deepEqual(encodeRoaringBitmapArray(decoded), encoded)
    }),
    { seed: 42, numRuns: 150 },
  )
})

test('each encoding is chosen where it is smallest: array, bitmap, run', () => {
  assert.deepEqual(RoaringBitmapArray.from([1, 5, 9]).containers.map((c) => c.kind), ['array'])
  const evens = Array.from({ length: 5000 }, (_, i) => 2 * i)
  assert.deepEqual(RoaringBitmapArray.from(evens).containers.map((c) => c.kind), ['bitmap'])
  assert.deepEqual(RoaringBitmapArray.from(Array.from({ length: 100 }, (_, i) => i)).containers.map((c) => c.kind), ['run'])
})

test('writes a run container exactly as RoaringFormatSpec lays it out (cookie 12347, no offsets below 4 containers)', () => {
  const expected = bytes(MAGIC, u32(1), u32(0), u32(0), u16(12347), u16(0), [0b1], u16(0), u16(99), u16(1), u16(0), u16(99))
  const bitmap = RoaringBitmapArray.from(Array.from({ length: 100 }, (_, i) => i))
  assert.deepEqual(encodeRoaringBitmapArray(bitmap), expected)
  assert.deepEqual(decodeRoaringBitmapArray(expected).toArray(), bitmap.toArray())
})

test('writes a bitmap container as 1024 little-endian 64-bit words after cookie 12346 and offsets', () => {
  const words = new Array<number>(8192).fill(0)
  for (let i = 0; i < 1250; i++) words[i] = 0x55 // even numbers 0..9998
  const expected = bytes(MAGIC, u32(1), u32(0), u32(0), u32(12346), u32(1), u16(0), u16(4999), u32(16), words)
  const evens = Array.from({ length: 5000 }, (_, i) => 2 * i)
  assert.deepEqual(encodeRoaringBitmapArray(RoaringBitmapArray.from(evens)), expected)
  assert.deepEqual(decodeRoaringBitmapArray(expected).toArray(), evens)
})

test('reads offsets with 4+ run-format containers, and several 32-bit buckets', () => {
  // Bucket 0: containers 0..3, each the run [5, 5+3]; bucket 1: array {7}.
  const runData = [...u16(1), ...u16(5), ...u16(3)]
  const headerLen = 4 + 1 + 16 + 16
  const bucket0 = bytes(
    u16(12347), u16(3), [0b1111],
    ...[0, 1, 2, 3].map((k) => [...u16(k), ...u16(3)]),
    ...[0, 1, 2, 3].map((k) => u32(headerLen + 6 * k)),
    runData, runData, runData, runData,
  )
  const bucket1 = bytes(u32(12346), u32(1), u16(0), u16(0), u32(16), u16(7))
  const encoded = bytes(MAGIC, u32(2), u32(0), u32(0), [...bucket0], u32(1), [...bucket1])
  const expected = [0, 1, 2, 3].flatMap((k) => [5, 6, 7, 8].map((v) => k * SPAN + v)).concat([2 ** 32 + 7])
  const decoded = decodeRoaringBitmapArray(encoded)
  assert.deepEqual(decoded.toArray(), expected)
  assert.deepEqual(encodeRoaringBitmapArray(decoded), encoded)
})

test('reads the PROTOCOL.md inline example in the native layout (magic 1681511376, big-endian)', () => {
  const native = bytes([0x64, 0x39, 0xd3, 0xd0], [0, 0, 0, 1], [0, 0, 0, 28], u32(12346), u32(1), u16(0), u16(5), u32(16),
    ...[3, 4, 7, 11, 18, 29].map(u16))
  assert.deepEqual(decodeRoaringBitmapArray(native).toArray(), [3, 4, 7, 11, 18, 29])
})

test('corrupt bitmaps are DeletionVectorErrors, never wrong rows', () => {
  const good = encodeRoaringBitmapArray(RoaringBitmapArray.from([1, 2, 3, 70_000, 2 ** 32 + 1, ...Array.from({ length: 50 }, (_, i) => 500 + i)]))
  for (let n = 0; n < good.length; n++) {
    assert.throws(() => decodeRoaringBitmapArray(good.subarray(0, n)), DeletionVectorError, `prefix of ${n} bytes`)
  }
  assert.throws(() => decodeRoaringBitmapArray(bytes([...good], [0])), /unexpected bytes/)
  assert.throws(() => decodeRoaringBitmapArray(bytes(u32(1681511378), u32(0), u32(0))), /bad magic number 1681511378/)
  // Header says 2 values, the array holds 1 then runs into the end.
  assert.throws(() => decodeRoaringBitmapArray(bytes(MAGIC, u32(1), u32(0), u32(0), u32(12346), u32(1), u16(0), u16(1), u32(16), u16(7))), DeletionVectorError)
  // Array values out of order.
  assert.throws(() => decodeRoaringBitmapArray(bytes(MAGIC, u32(1), u32(0), u32(0), u32(12346), u32(1), u16(0), u16(1), u32(16), u16(7), u16(3))), /must ascend/)
  // Bucket keys out of order.
  const one = [...u32(12346), ...u32(1), ...u16(0), ...u16(0), ...u32(16), ...u16(7)]
  assert.throws(() => decodeRoaringBitmapArray(bytes(MAGIC, u32(2), u32(0), u32(1), one, u32(0), one)), /bucket keys must ascend/)
  // Bitmap container whose popcount disagrees with the header.
  const words = new Array<number>(8192).fill(0)
  words[0] = 1
  assert.throws(() => decodeRoaringBitmapArray(bytes(MAGIC, u32(1), u32(0), u32(0), u32(12346), u32(1), u16(0), u16(4999), u32(16), words)), /holds 1 values, its header says 5000/)
  // Overlapping runs.
  assert.throws(() => decodeRoaringBitmapArray(bytes(MAGIC, u32(1), u32(0), u32(0), u16(12347), u16(0), [1], u16(0), u16(5), u16(2), u16(0), u16(3), u16(2), u16(1))), /overlaps/)
})

test('from() rejects values that are not row indexes', () => {
  assert.throws(() => RoaringBitmapArray.from([-1]), InvalidArgumentError)
  assert.throws(() => RoaringBitmapArray.from([1.5]), InvalidArgumentError)
  assert.throws(() => RoaringBitmapArray.from([2 ** 53]), InvalidArgumentError)
  assert.equal(RoaringBitmapArray.empty().cardinality, 0)
  assert.deepEqual(decodeRoaringBitmapArray(encodeRoaringBitmapArray(RoaringBitmapArray.empty())).toArray(), [])
})
