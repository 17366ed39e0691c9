import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { InvalidPartitionValueError } from '../../src/errors.js'
import {
  escapePartitionPathComponent,
  parsePartitionPathSegment,
  parsePartitionValue,
  partitionDirectory,
  partitionPathSegment,
  serializePartitionValue,
  unescapePartitionPathComponent,
  type PartitionScalar,
} from '../../src/protocol/partition-values.js'
import type { DataType } from '../../src/protocol/schema-types.js'
import { CORPORA_ROOT } from '../corpora-root.js'

const CORPORA = CORPORA_ROOT
const T = (type: string): DataType => ({ type }) as DataType
const dec = (precision: number, scale: number): DataType => ({ type: 'decimal', precision, scale })
/** Microseconds of a UTC instant, computed by `Date.UTC` (independent of the code under test). */
const utcMicros = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0, micros = 0): bigint =>
  BigInt(Date.UTC(y, mo - 1, d, h, mi, s)) * 1000n + BigInt(micros)

test('spec examples', () => {
  assert.equal(parsePartitionValue('1970-01-01', T('date'), 'd'), 0)
  assert.equal(parsePartitionValue('1970-01-01 00:00:00', T('timestamp'), 't'), 0n)
  assert.equal(parsePartitionValue('1970-01-01 00:00:00.123456', T('timestamp'), 't'), 123456n)
  assert.equal(parsePartitionValue('1970-01-01T00:00:00.123456Z', T('timestamp'), 't'), 123456n)
  assert.equal(parsePartitionValue('1970-01-01 00:00:00.123456', T('timestamp_ntz'), 't'), 123456n)
  assert.equal(parsePartitionValue('true', T('boolean'), 'b'), true)
  assert.equal(parsePartitionValue('false', T('boolean'), 'b'), false)
  assert.deepEqual(parsePartitionValue('\u0001\u0002\u0003', T('binary'), 'b'), new Uint8Array([1, 2, 3]))
})

test('an empty string is null for every type, including string', () => {
  for (const t of ['string', 'binary', 'long', 'integer', 'short', 'byte', 'float', 'double', 'boolean', 'date', 'timestamp', 'timestamp_ntz']) {
    assert.equal(parsePartitionValue('', T(t), 'c'), null, t)
    assert.equal(parsePartitionValue(null, T(t), 'c'), null, t)
  }
  assert.equal(serializePartitionValue('', T('string')), null)
  assert.equal(serializePartitionValue(new Uint8Array(), T('binary')), null)
})

test('values found in the corpora', () => {
  // golden/kernel-timestamp-int96 and -timestamp_micros: Spark's zone-less form, read as UTC
  // (the expected/ Parquet of that table holds 2020-01-01 08:09:10.001 UTC for this value).
  assert.equal(parsePartitionValue('2020-01-01 08:09:10.001', T('timestamp'), 'part'), utcMicros(2020, 1, 1, 8, 9, 10, 1000))
  assert.equal(parsePartitionValue('1969-01-01 00:00:00', T('timestamp'), 'part'), utcMicros(1969, 1, 1))
  // kernel-rs/timestamp-partitioned-table (delta-rs ISO form)
  assert.equal(parsePartitionValue('1971-07-22T03:06:40.000000Z', T('timestamp'), 'time'), utcMicros(1971, 7, 22, 3, 6, 40))
  // golden/data-reader-timestamp_ntz
  assert.equal(parsePartitionValue('2013-07-05 17:01:00.123456', T('timestamp_ntz'), 'tsNtzPartition'), utcMicros(2013, 7, 5, 17, 1, 0, 123456))
  // golden/basic-decimal-table, decimal(12,5)
  assert.deepEqual(parsePartitionValue('-2342342.23423', dec(12, 5), 'part'), { unscaled: -234234223423n, scale: 5 })
  assert.deepEqual(parsePartitionValue('0.00004', dec(12, 5), 'part'), { unscaled: 4n, scale: 5 })
  assert.deepEqual(parsePartitionValue('234.00000', dec(12, 5), 'part'), { unscaled: 23400000n, scale: 5 })
  // delta-rs/delta-0.8.0-numeric-partition, delta-2.2.0-partitioned-types, cdf-table
  assert.equal(parsePartitionValue('10', T('long'), 'x'), 10n)
  assert.equal(parsePartitionValue('9.9', T('double'), 'y'), 9.9)
  assert.equal(parsePartitionValue('4', T('integer'), 'c1'), 4)
  assert.equal(parsePartitionValue('2023-12-22', T('date'), 'birthday'), Date.UTC(2023, 11, 22) / 86_400_000)
})

test('other accepted spellings: ISO offsets, Java decimal exponents, Java/Rust float specials', () => {
  assert.equal(parsePartitionValue('2021-01-01T05:30:00+05:30', T('timestamp'), 't'), utcMicros(2021, 1, 1))
  assert.equal(parsePartitionValue('2021-01-01T00:00:00-0100', T('timestamp'), 't'), utcMicros(2021, 1, 1, 1))
  assert.equal(parsePartitionValue('2021-01-01T00:00:00', T('timestamp'), 't'), utcMicros(2021, 1, 1))
  assert.deepEqual(parsePartitionValue('0E-10', dec(20, 10), 'd'), { unscaled: 0n, scale: 10 })
  assert.deepEqual(parsePartitionValue('1.5E+3', dec(10, 2), 'd'), { unscaled: 150000n, scale: 2 })
  assert.deepEqual(parsePartitionValue('12.3', dec(10, 2), 'd'), { unscaled: 1230n, scale: 2 })
  assert.ok(Number.isNaN(parsePartitionValue('NaN', T('double'), 'f')))
  assert.equal(parsePartitionValue('-Infinity', T('double'), 'f'), -Infinity)
  assert.equal(parsePartitionValue('inf', T('float'), 'f'), Infinity)
  assert.equal(parsePartitionValue('0.1', T('float'), 'f'), Math.fround(0.1))
})

test('serialisation formats', () => {
  assert.equal(serializePartitionValue(utcMicros(1970, 1, 1, 0, 0, 0, 123456), T('timestamp')), '1970-01-01T00:00:00.123456Z')
  assert.equal(serializePartitionValue(utcMicros(2021, 10, 1, 8, 9, 20), T('timestamp_ntz')), '2021-10-01 08:09:20')
  assert.equal(serializePartitionValue(utcMicros(2020, 1, 1, 8, 9, 10, 1000), T('timestamp_ntz')), '2020-01-01 08:09:10.001')
  assert.equal(serializePartitionValue(10, T('double')), '10.0')
  assert.equal(serializePartitionValue(-0, T('double')), '-0.0')
  assert.equal(serializePartitionValue(Math.fround(0.1), T('float')), '0.1')
  assert.equal(serializePartitionValue(NaN, T('float')), 'NaN')
  assert.equal(serializePartitionValue({ unscaled: -5n, scale: 2 }, dec(4, 2)), '-0.05')
  assert.equal(serializePartitionValue({ unscaled: 23400000n, scale: 5 }, dec(12, 5)), '234.00000')
  assert.equal(serializePartitionValue(-1, T('date')), '1969-12-31')
  assert.equal(serializePartitionValue(2n ** 63n - 1n, T('long')), '9223372036854775807')
})

test('invalid values raise InvalidPartitionValueError naming the column and raw value', () => {
  const cases: [string, DataType][] = [
    ['abc', T('integer')],
    ['1.5', T('long')],
    ['128', T('byte')],
    ['2147483648', T('integer')],
    ['9223372036854775808', T('long')],
    ['yes', T('boolean')],
    ['2021-02-29', T('date')],
    ['2021-13-01', T('date')],
    ['2021-01-01 24:00:00', T('timestamp')],
    ['2021-01-01T00:00:00Z', T('timestamp_ntz')],
    ['2021-01-01 00:00:00.0000001', T('timestamp')],
    ['1.234', dec(5, 2)],
    ['1000.00', dec(5, 2)],
    ['1..2', T('double')],
  ]
  for (const [raw, type] of cases) {
    assert.throws(
      () => parsePartitionValue(raw, type, 'col_x'),
      (e: unknown) => e instanceof InvalidPartitionValueError && e.message.includes('"col_x"') && e.message.includes(JSON.stringify(raw)),
      raw,
    )
  }
  assert.throws(() => parsePartitionValue('x', { type: 'array', elementType: T('long'), containsNull: true }, 'c'), /cannot be a partition column/)
  assert.throws(() => serializePartitionValue(new Uint8Array([0xff]), T('binary')), InvalidPartitionValueError)
  assert.throws(() => serializePartitionValue(1.5, T('integer')), InvalidPartitionValueError)
  assert.throws(() => serializePartitionValue({ unscaled: 100000n, scale: 2 }, dec(5, 2)), InvalidPartitionValueError)
})

// ---- round-trip property, every partitionable type ----

const INT64 = { min: -(2n ** 63n), max: 2n ** 63n - 1n }
const decimalCase = fc.integer({ min: 1, max: 38 }).chain((p) =>
  fc.tuple(fc.constant(p), fc.integer({ min: 0, max: p }), fc.bigInt({ min: -(10n ** BigInt(p)) + 1n, max: 10n ** BigInt(p) - 1n })),
)
type Case = [DataType, PartitionScalar]
const cases: fc.Arbitrary<Case> = fc.oneof(
  fc.string({ minLength: 1, unit: 'binary' }).map((v): Case => [T('string'), v]),
  fc.string({ minLength: 1, unit: 'binary' }).map((v): Case => [T('binary'), new TextEncoder().encode(v)]),
  fc.boolean().map((v): Case => [T('boolean'), v]),
  fc.bigInt(INT64).map((v): Case => [T('long'), v]),
  fc.integer().map((v): Case => [T('integer'), v]),
  fc.integer({ min: -32768, max: 32767 }).map((v): Case => [T('short'), v]),
  fc.integer({ min: -128, max: 127 }).map((v): Case => [T('byte'), v]),
  fc.double().map((v): Case => [T('double'), v]),
  fc.float().map((v): Case => [T('float'), v]),
  fc.integer().map((v): Case => [T('date'), v]),
  fc.bigInt(INT64).map((v): Case => [T('timestamp'), v]),
  fc.bigInt(INT64).map((v): Case => [T('timestamp_ntz'), v]),
  decimalCase.map(([p, s, u]): Case => [dec(p, s), { unscaled: u, scale: s }]),
)

test('property: parse(serialize(v)) === v for every partitionable type', () => {
  fc.assert(
    fc.property(cases, ([type, value]) => {
      const text = serializePartitionValue(value, type)
      assert.notEqual(text, null)
      const back = parsePartitionValue(text, type, 'c')
      if (typeof value === 'number') assert.ok(Object.is(back, value), `${String(value)} -> ${text} -> ${String(back)}`)
      else assert.deepEqual(back, value)
    }),
    { seed: 42, numRuns: 2000 },
  )
})

test('property: timestamps in the Date range serialise like Date.toISOString plus microseconds', () => {
  fc.assert(
    fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 }), fc.integer({ min: 0, max: 999 }), (ms, extra) => {
      const micros = BigInt(ms) * 1000n + BigInt(extra)
      const iso = new Date(ms).toISOString() // YYYY-MM-DDTHH:MM:SS.mmmZ or ±YYYYYY-...
      assert.equal(serializePartitionValue(micros, T('timestamp')), `${iso.slice(0, -1)}${String(extra).padStart(3, '0')}Z`)
    }),
    { seed: 42, numRuns: 1000 },
  )
})

// ---- Hive-style directory names ----

test('escaping follows Spark: the listed characters as %XX, everything else kept', () => {
  assert.equal(escapePartitionPathComponent('a/b:c=d%e#f?g\\h{i[j]k^l*m\'n"o'), 'a%2Fb%3Ac%3Dd%25e%23f%3Fg%5Ch%7Bi%5Bj%5Dk%5El%2Am%27n%22o')
  assert.equal(escapePartitionPathComponent('a b+c<d>|é\u0001\u007f'), 'a b+c<d>|é%01%7F')
  assert.equal(unescapePartitionPathComponent('100%'), '100%')
  assert.equal(unescapePartitionPathComponent('%zz%2f'), '%zz/')
  assert.equal(partitionPathSegment('p', null), 'p=__HIVE_DEFAULT_PARTITION__')
  assert.equal(partitionPathSegment('p', ''), 'p=__HIVE_DEFAULT_PARTITION__')
  assert.deepEqual(parsePartitionPathSegment('p=__HIVE_DEFAULT_PARTITION__'), { column: 'p', value: null })
  assert.equal(partitionDirectory(['a', 'b'], { a: '1', b: 'x/y' }), 'a=1/b=x%2Fy/')
})

test('property: unescape(escape(s)) === s', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), (s) => assert.equal(unescapePartitionPathComponent(escapePartitionPathComponent(s)), s)),
    { seed: 42, numRuns: 1000 },
  )
})

test('directory names in the corpora match their logged partition values', () => {
  const dirs = (table: string): string[] => readdirSync(join(CORPORA, table)).filter((d) => d.includes('=')).sort()
  // Written by Spark on Linux: our escaping reproduces the names exactly.
  assert.deepEqual(dirs('golden/data-reader-escaped-chars/delta'), ['bar+%21', 'bar+%22', 'bar+%23'].map((v) => partitionPathSegment('_2', v)).sort())
  assert.deepEqual(
    dirs('golden/kernel-timestamp-int96/delta'),
    ['1969-01-01 00:00:00', '2020-01-01 08:09:10.001', '2021-10-01 08:09:20', null].map((v) => partitionPathSegment('part', v)).sort(),
  )
  // delta-0.8.0-special-partition escaped the space too (a Windows-style writer): parse only.
  assert.deepEqual(dirs('delta-rs/delta-0.8.0-special-partition').map(parsePartitionPathSegment), [
    { column: 'x', value: 'A/A' },
    { column: 'x', value: 'B B' },
  ])
})
