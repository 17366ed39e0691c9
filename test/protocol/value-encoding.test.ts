import { test } from 'node:test'
import assert from 'node:assert/strict'
import * as arrow from 'apache-arrow'
import fc from 'fast-check'
import {
  arrowValueToCsv,
  arrowValueToJson,
  csvHeader,
  rowToCsv,
  rowToJson,
  vectorValueToJson,
  base64,
} from '../../src/protocol/value-encoding.js'

/** Validity bitmap from a list of flags (Arrow: LSB first). */
function bitmap(valid: boolean[]): Uint8Array {
  const out = new Uint8Array(Math.ceil(valid.length / 8))
  valid.forEach((v, i) => {
    if (v) out[i >> 3]! |= 1 << (i & 7)
  })
  return out
}

function batchOf(columns: Record<string, arrow.Data>): arrow.RecordBatch {
  const fields = Object.entries(columns).map(([name, d]) => new arrow.Field(name, d.type, true))
  const length = Object.values(columns)[0]!.length
  return new arrow.RecordBatch(new arrow.Schema(fields), arrow.makeData({ type: new arrow.Struct(fields), length, nullCount: 0, children: Object.values(columns) }))
}

const tsUtc = new arrow.Timestamp(arrow.TimeUnit.MICROSECOND, 'UTC')
const tsNtz = new arrow.Timestamp(arrow.TimeUnit.MICROSECOND, null)
const ts = (type: arrow.Timestamp, values: bigint[], valid?: boolean[]): arrow.Data<arrow.Timestamp> =>
  arrow.makeData({ type, length: values.length, data: new BigInt64Array(values), nullBitmap: valid ? bitmap(valid) : undefined } as never) as unknown as arrow.Data<arrow.Timestamp>
const decimalData = (scale: number, precision: number, values: bigint[]): arrow.Data => {
  const words = new Uint32Array(values.length * 4)
  values.forEach((v, i) => {
    let x = BigInt.asUintN(128, v)
    for (let k = 0; k < 4; k++, x >>= 32n) words[i * 4 + k] = Number(x & 0xffffffffn)
  })
  return arrow.makeData({ type: new arrow.Decimal(scale, precision, 128), length: values.length, data: words })
}

test('timestamps: ISO-8601 UTC with six fraction digits; NTZ without Z; extreme years', () => {
  const values = [1609459200123456n, -1n, 0n, -62135596800000000n, 253402300800000000n, -62167219200000001n]
  const batch = batchOf({ utc: ts(tsUtc, values), ntz: ts(tsNtz, values) })
  const expected = [
    '2021-01-01T00:00:00.123456',
    '1969-12-31T23:59:59.999999',
    '1970-01-01T00:00:00.000000',
    '0001-01-01T00:00:00.000000',
    '+010000-01-01T00:00:00.000000',
    '-000001-12-31T23:59:59.999999',
  ]
  expected.forEach((text, i) => assert.deepEqual(rowToJson(batch, i), { utc: `${text}Z`, ntz: text }))
})

test('property: timestamps agree with Date.toISOString on the millisecond part', () => {
  fc.assert(
    fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 }), fc.integer({ min: 0, max: 999 }), (ms, extra) => {
      const batch = batchOf({ t: ts(tsUtc, [BigInt(ms) * 1000n + BigInt(extra)]) })
      assert.equal(rowToJson(batch, 0).t, new Date(ms).toISOString().slice(0, -1) + String(extra).padStart(3, '0') + 'Z')
    }),
    { seed: 42, numRuns: 500 },
  )
})

test('other timestamp units convert to microseconds', () => {
  const ms = arrow.makeData({ type: new arrow.Timestamp(arrow.TimeUnit.MILLISECOND, 'UTC'), length: 1, data: new BigInt64Array([1500n]) } as never)
  const ns = arrow.makeData({ type: new arrow.Timestamp(arrow.TimeUnit.NANOSECOND, 'UTC'), length: 1, data: new BigInt64Array([-1n]) } as never)
  assert.deepEqual(rowToJson(batchOf({ ms, ns }), 0), { ms: '1970-01-01T00:00:01.500000Z', ns: '1969-12-31T23:59:59.999999Z' })
})

test('decimals keep their full scale, sign and 38 digits', () => {
  const batch = batchOf({
    d: decimalData(2, 10, [1230n, -5n, 0n, -100n]),
    big: decimalData(0, 38, [10n ** 38n - 1n, -(10n ** 38n - 1n), 7n, 0n]),
    tiny: decimalData(38, 38, [-1n, 1n, 10n ** 37n, 0n]),
  })
  assert.deepEqual(
    [0, 1, 2, 3].map((i) => rowToJson(batch, i)),
    [
      { d: '12.30', big: '99999999999999999999999999999999999999', tiny: '-0.00000000000000000000000000000000000001' },
      { d: '-0.05', big: '-99999999999999999999999999999999999999', tiny: '0.00000000000000000000000000000000000001' },
      { d: '0.00', big: '7', tiny: '0.10000000000000000000000000000000000000' },
      { d: '-1.00', big: '0', tiny: '0.00000000000000000000000000000000000000' },
    ],
  )
})

test('integers, floats, booleans, dates, strings, binary and nulls', () => {
  const batch = batchOf({
    l: arrow.makeData({ type: new arrow.Int64(), length: 4, data: new BigInt64Array([5n, 2n ** 53n - 1n, 2n ** 53n, -(2n ** 63n)]) }),
    i: arrow.makeData({ type: new arrow.Int8(), length: 4, data: new Int8Array([-128, 0, 127, 1]), nullBitmap: bitmap([true, true, true, false]) }),
    f: arrow.makeData({ type: new arrow.Float64(), length: 4, data: new Float64Array([1.5, NaN, Infinity, -Infinity]) }),
    g: arrow.makeData({ type: new arrow.Float32(), length: 4, data: new Float32Array([0.1, -2.5, NaN, 3e38]) }),
    b: arrow.makeData({ type: new arrow.Bool(), length: 4, data: bitmap([true, false, true, false]), nullBitmap: bitmap([true, true, false, true]) }),
    d: arrow.makeData({ type: new arrow.DateDay(), length: 4, data: new Int32Array([0, -1, 18628, 2932897]) }),
    s: arrow.vectorFromArray(['héllo', '', null, 'a,b'], new arrow.Utf8()).data[0]!,
    x: arrow.makeData({ type: new arrow.Binary(), length: 4, valueOffsets: new Int32Array([0, 3, 3, 4, 6]), data: new Uint8Array([1, 2, 3, 0xff, 0xfb, 0xef]) }),
    n: arrow.makeData({ type: new arrow.Null(), length: 4 }),
  })
  assert.deepEqual(
    [0, 1, 2, 3].map((i) => rowToJson(batch, i)),
    [
      { l: 5, i: -128, f: 1.5, g: 0.1, b: true, d: '1970-01-01', s: 'héllo', x: 'AQID', n: null },
      { l: 9007199254740991, i: 0, f: 'NaN', g: -2.5, b: false, d: '1969-12-31', s: '', x: '', n: null },
      { l: '9007199254740992', i: 127, f: 'Infinity', g: 'NaN', b: null, d: '2021-01-01', s: null, x: '/w==', n: null },
      { l: '-9223372036854775808', i: null, f: '-Infinity', g: 3e38, b: false, d: '+010000-01-01', s: 'a,b', x: '++8=', n: null },
    ],
  )
})

test('nested: struct as object, list as array, map as [key, value] pairs, exact timestamps inside', () => {
  const tsChild = ts(tsUtc, [1n, 2n, 0n], [true, true, false])
  const listType = new arrow.List<arrow.Timestamp>(new arrow.Field('element', tsUtc, true))
  const list = arrow.makeData({ type: listType, length: 3, valueOffsets: new Int32Array([0, 2, 2, 3]), child: tsChild, nullBitmap: bitmap([true, false, true]) })
  const structType = new arrow.Struct([new arrow.Field('a', new arrow.Int32(), true), new arrow.Field('t', listType, true)])
  const struct = arrow.makeData({
    type: structType,
    length: 3,
    children: [arrow.makeData({ type: new arrow.Int32(), length: 3, data: new Int32Array([7, 8, 9]) }), list],
    nullBitmap: bitmap([true, true, false]),
  })
  const entries = new arrow.Struct([new arrow.Field('key', new arrow.Utf8(), false), new arrow.Field('value', new arrow.Decimal(1, 3, 128), true)])
  const entriesData = arrow.makeData({
    type: entries,
    length: 3,
    children: [arrow.vectorFromArray(['k1', 'k2', 'k3'], new arrow.Utf8()).data[0]!, decimalData(1, 3, [15n, 0n, -7n])],
  })
  const map = arrow.makeData({
    type: new arrow.Map_(new arrow.Field('entries', entries, false)),
    length: 3,
    valueOffsets: new Int32Array([0, 2, 2, 3]),
    child: entriesData,
  })
  const batch = batchOf({ s: struct, m: map })
  assert.deepEqual(rowToJson(batch, 0), {
    s: { a: 7, t: ['1970-01-01T00:00:00.000001Z', '1970-01-01T00:00:00.000002Z'] },
    m: [['k1', '1.5'], ['k2', '0.0']],
  })
  assert.deepEqual(rowToJson(batch, 1), { s: { a: 8, t: null }, m: [] })
  assert.deepEqual(rowToJson(batch, 2), { s: null, m: [['k3', '-0.7']] })
  // Sliced batches and multi-chunk vectors address the same rows.
  const sliced = batch.slice(1)
  assert.deepEqual(rowToJson(sliced, 1), rowToJson(batch, 2))
  assert.deepEqual(rowToJson(sliced, 0), rowToJson(batch, 1))
  const chunked = new arrow.Vector([struct, struct])
  assert.deepEqual(vectorValueToJson(chunked, 3), rowToJson(batch, 0).s)
})

test('arrowValueToJson accepts what Vector.get returns', () => {
  const dec = new arrow.Vector([decimalData(2, 10, [-5n])])
  assert.equal(arrowValueToJson(dec.get(0), dec.type), '-0.05')
  const i64 = new arrow.Vector([arrow.makeData({ type: new arrow.Int64(), length: 1, data: new BigInt64Array([2n ** 60n]) })])
  assert.equal(arrowValueToJson(i64.get(0), i64.type), '1152921504606846976')
  const list = arrow.vectorFromArray([[1, 2]], new arrow.List(new arrow.Field('element', new arrow.Int32(), true)))
  assert.deepEqual(arrowValueToJson(list.get(0), list.type), [1, 2])
  const mapType = new arrow.Map_<arrow.Utf8, arrow.Int32>(new arrow.Field('entries', new arrow.Struct<{ key: arrow.Utf8; value: arrow.Int32 }>([new arrow.Field('key', new arrow.Utf8(), false), new arrow.Field('value', new arrow.Int32(), true)]), false))
  const map = arrow.vectorFromArray([new Map([['a', 1]])], mapType)
  assert.deepEqual(arrowValueToJson(map.get(0), mapType), [['a', 1]])
  const date = new arrow.Vector([arrow.makeData({ type: new arrow.DateDay(), length: 1, data: new Int32Array([-1]) })])
  assert.equal(arrowValueToJson(date.get(0), date.type), '1969-12-31')
  assert.equal(arrowValueToJson(5000n, tsNtz), '1970-01-01T00:00:00.005000')
  assert.equal(arrowValueToJson(null, tsNtz), null)
  assert.equal(arrowValueToCsv('say "hi"', new arrow.Utf8()), '"say ""hi"""')
})

test('property: base64 agrees with Buffer', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => assert.equal(base64(bytes), Buffer.from(bytes).toString('base64'))),
    { seed: 42, numRuns: 300 },
  )
})

test('CSV: RFC 4180 quoting, empty string distinct from null, nested as JSON text', () => {
  const batch = batchOf({
    'a,b': arrow.vectorFromArray(['plain', 'with,comma', 'with "quote"', 'line\nbreak', '', null], new arrow.Utf8()).data[0]!,
    n: arrow.makeData({ type: new arrow.Int32(), length: 6, data: new Int32Array([1, 2, 3, 4, 5, 6]) }),
    l: arrow.vectorFromArray([['x'], [], null, ['"'], ['a', 'b'], ['c']], new arrow.List(new arrow.Field('element', new arrow.Utf8(), true))).data[0]!,
  })
  assert.equal(csvHeader(batch.schema), '"a,b",n,l')
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5].map((i) => rowToCsv(batch, i)),
    ['plain,1,"[""x""]"', '"with,comma",2,[]', '"with ""quote""",3,', '"line\nbreak",4,"[""\\""""]"', '"",5,"[""a"",""b""]"', ',6,"[""c""]"'],
  )
})
