import assert from 'node:assert/strict'
import { test } from 'node:test'
import * as A from 'apache-arrow'
import fc from 'fast-check'
import type { StructType } from '../../src/protocol/schema-types.js'
import { collectStats } from '../../src/txn/stats-collect.js'
import { parseStatsColumns, statsSchema } from '../../src/txn/stats-columns.js'
import { truncateMaxString, truncateMinString } from '../../src/txn/stats-strings.js'
import { field } from './helpers.js'

const utf8Less = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')) < 0

test('string bounds: Spark examples computed by hand', () => {
  assert.equal(truncateMinString('abcdef', 3), 'abc')
  assert.equal(truncateMaxString('abcdef', 3), 'abc\u007f') // next char 'd' < U+007F
  assert.equal(truncateMaxString('abc\u00e9f', 3), 'abc\u{10FFFF}') // next char é ≥ U+007F
  assert.equal(truncateMaxString('abc', 3), 'abc')
  // Never split a surrogate pair: 'ab' + U+1F600 is 4 UTF-16 units.
  assert.equal(truncateMinString('ab\u{1F600}c', 3), 'ab\u{1F600}')
  assert.equal(truncateMaxString('ab\u{1F600}c', 3), 'ab\u{1F600}\u007f')
  // A run of U+10FFFF is skipped over; too long a run leaves no usable max.
  assert.equal(truncateMaxString('a\u{10FFFF}b', 2), 'a\u{10FFFF}\u007f')
  assert.equal(truncateMaxString('a' + '\u{10FFFF}'.repeat(3), 1), undefined)
})

test('string bounds are true bounds in UTF-8 order (property)', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 40 }), fc.integer({ min: 1, max: 10 }), (s, n) => {
      const lo = truncateMinString(s, n)!
      assert.ok(lo === s || (s.startsWith(lo) && !utf8Less(s, lo)))
      const hi = truncateMaxString(s, n)
      if (hi !== undefined) assert.ok(hi === s || utf8Less(s, hi), `${JSON.stringify(s)} ${JSON.stringify(hi)}`)
    }),
    { seed: 42, numRuns: 2000 },
  )
})

test('stats columns: first N leaves (structs count their leaves), or the listed ones', () => {
  const nested = { type: 'struct', fields: [field('x', 'long'), field('y', 'string')] } as const
  const schema: StructType = { type: 'struct', fields: [field('a', 'long'), { name: 's', type: nested, nullable: true, metadata: {} }, field('b', 'string')] }
  assert.deepEqual(statsSchema(schema, { 'delta.dataSkippingNumIndexedCols': '2' }).fields.map((f) => [f.name, f.type.type === 'struct' ? f.type.fields.map((g) => g.name) : []]), [
    ['a', []],
    ['s', ['x']],
  ])
  assert.equal(statsSchema(schema, { 'delta.dataSkippingNumIndexedCols': '-1' }), schema)
  assert.deepEqual(parseStatsColumns(' a, `s`.Y ,`we.ird`'), [['a'], ['s', 'y'], ['we.ird']])
  const listed = statsSchema(schema, { 'delta.dataSkippingStatsColumns': 'b,S.y' })
  assert.deepEqual(listed.fields.map((f) => f.name), ['s', 'b'])
})

test('per-file statistics of mixed types equal hand-computed JSON', () => {
  const t = new A.Table({
    i: A.vectorFromArray([3, null, -7], new A.Int32()),
    l: A.vectorFromArray([2n ** 60n, 5n, null], new A.Int64()),
    d: A.vectorFromArray([1.5, -0.25, 2], new A.Float64()),
    s: A.vectorFromArray(['b', 'a'.repeat(40), null], new A.Utf8()),
    day: A.makeVector(A.makeData({ type: new A.DateDay(), length: 3, nullCount: 1, nullBitmap: new Uint8Array([0b011]), data: new Int32Array([0, 19000, 0]) })),
    flag: A.vectorFromArray([true, null, false], new A.Bool()),
  })
  const ts = A.makeVector(new BigInt64Array([1_500_999n, -1n, 0n]))
  const dec = new Uint32Array([1234, 0, 0, 0, 0xffffffff - 4, 0xffffffff, 0xffffffff, 0xffffffff, 0, 0, 0, 0])
  const batch = t.batches[0]!
  const extra = new A.Table({
    ts: A.makeVector(A.makeData({ type: new A.Timestamp(A.TimeUnit.MICROSECOND, 'UTC'), length: 3, data: ts.data[0]!.values })),
    dec: A.makeVector(A.makeData({ type: new A.Decimal(2, 10, 128), length: 3, data: dec })),
  }).batches[0]!
  const schema: StructType = {
    type: 'struct',
    fields: [field('i', 'integer'), field('l', 'long'), field('d', 'double'), field('s', 'string'), field('day', 'date'), field('flag', 'boolean'), field('ts', 'timestamp'), { name: 'dec', type: { type: 'decimal', precision: 10, scale: 2 }, nullable: true, metadata: {} }],
  }
  const merged = new A.RecordBatch({ ...Object.fromEntries(batch.schema.fields.map((f, k) => [f.name, batch.getChildAt(k)!.data[0]!])), ts: extra.getChildAt(0)!.data[0]!, dec: extra.getChildAt(1)!.data[0]! })
  const json = collectStats([merged], schema)
  const expected =
    '{"numRecords":3,' +
    '"minValues":{"i":-7,"l":5,"d":-0.25,"s":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","day":"1970-01-01","ts":"1969-12-31T23:59:59.999Z","dec":-0.05},' +
    '"maxValues":{"i":3,"l":1152921504606846976,"d":2.0,"s":"b","day":"2022-01-08","ts":"1970-01-01T00:00:01.500Z","dec":12.34},' +
    '"nullCount":{"i":1,"l":1,"d":0,"s":1,"day":1,"flag":1,"ts":0,"dec":0}}'
  assert.equal(json, expected)
})

test('nested structs: null parents count as null children; NaN drops min/max', () => {
  const inner = new A.Struct([new A.Field('x', new A.Float64(), true)])
  const xs = A.vectorFromArray([1, 2, NaN], new A.Float64()).data[0]!
  const s = A.makeData({ type: inner, length: 3, nullCount: 1, nullBitmap: new Uint8Array([0b101]), children: [xs] })
  const batch = new A.RecordBatch({ s })
  const schema: StructType = { type: 'struct', fields: [{ name: 's', type: { type: 'struct', fields: [field('x', 'double')] }, nullable: true, metadata: {} }] }
  assert.equal(collectStats([batch], schema), '{"numRecords":3,"nullCount":{"s":{"x":1}}}')
})
