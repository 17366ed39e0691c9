import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { ParquetRowGroup } from '../../src/engine/parquet.js'
import type { Expression } from '../../src/scan/expression.js'
import { bindExpression } from '../../src/scan/expression-bind.js'
import { parseExpression } from '../../src/scan/expression-parser.js'
import { canSkipFile, canSkipRowGroup, type TypedPartitionValues } from '../../src/scan/skipping.js'
import type { FileStats } from '../../src/scan/stats.js'
import { truncateMaxString, truncateMinString } from '../../src/txn/stats-strings.js'
import { field, struct } from './predicate-fixtures.js'

const schema = struct(
  field('a', 'integer'),
  field('b', 'long'),
  field('f', 'double'),
  field('s', 'string'),
  field('ts', 'timestamp'),
  field('dec', { type: 'decimal', precision: 20, scale: 2 }),
  field('d', 'date'),
  field('m', 'integer', { 'delta.columnMapping.physicalName': 'col-m' }),
  field('n', struct(field('x', 'integer'))),
  field('p', 'string'),
)

const bind = (text: string): Expression => bindExpression(parseExpression(text), schema)
const skips = (text: string, stats: string | FileStats | undefined, partition: TypedPartitionValues = {}): boolean =>
  canSkipFile(bind(text), stats, partition, schema)
const json = (o: object): string => JSON.stringify(o)

// a: 5..9 with 2 nulls among 4 records.
const aStats = json({ numRecords: 4, minValues: { a: 5 }, maxValues: { a: 9 }, nullCount: { a: 2 } })

test('missing stats, a missing column or a malformed stats string never skip', () => {
  assert.equal(skips('a > 100', undefined), false)
  assert.equal(skips('a > 100', json({ numRecords: 4 })), false)
  assert.equal(skips('b > 100', aStats), false)
  assert.equal(skips('a > 100', '{not json'), false)
})

test('comparisons skip exactly when the bounds exclude every value', () => {
  assert.equal(skips('a > 9', aStats), true)
  assert.equal(skips('a >= 9', aStats), false)
  assert.equal(skips('a < 5', aStats), true)
  assert.equal(skips('a <= 5', aStats), false)
  assert.equal(skips('a = 10', aStats), true)
  assert.equal(skips('a = 7', aStats), false)
  assert.equal(skips('10 < a', aStats), true) // literal on the left
  assert.equal(skips('a != 7', aStats), false)
  const constant = json({ numRecords: 3, minValues: { a: 7 }, maxValues: { a: 7 }, nullCount: { a: 1 } })
  assert.equal(skips('a != 7', constant), true) // non-nulls all 7; the null row gives NULL
  assert.equal(skips('a = NULL', aStats), true)
})

test('NOT is pushed through with NULLs in mind', () => {
  assert.equal(skips('NOT (a > 3)', aStats), true) // every non-null a > 3; nulls give NULL
  assert.equal(skips('NOT (a < 3)', aStats), false)
  assert.equal(skips('NOT (a IS NULL)', aStats), false)
  assert.equal(skips('NOT (NOT (a > 9))', aStats), true)
  assert.equal(skips('NOT (a > 9 OR a IS NULL)', aStats), false)
})

test('AND needs one side to rule rows out, OR needs both', () => {
  assert.equal(skips('a > 100 AND b = 1', aStats), true)
  assert.equal(skips('a > 100 OR b = 1', aStats), false)
  assert.equal(skips('a > 100 OR a < 0', aStats), true)
})

test('IN, IS NULL and IS NOT NULL use bounds and null counts', () => {
  assert.equal(skips('a IN (1, 2, 10)', aStats), true)
  assert.equal(skips('a IN (1, 7)', aStats), false)
  assert.equal(skips('a IS NULL', json({ numRecords: 4, nullCount: { a: 0 } })), true)
  assert.equal(skips('a IS NULL', aStats), false)
  assert.equal(skips('a IS NOT NULL', json({ numRecords: 4, nullCount: { a: 4 } })), true)
  assert.equal(skips('a > 0', json({ numRecords: 4, nullCount: { a: 4 } })), true) // all null
  assert.equal(skips('a IS NOT NULL', aStats), false)
})

test('wide bounds (tightBounds false) still bound values; null counts only at 0 and numRecords', () => {
  const wide = json({ numRecords: 4, tightBounds: false, minValues: { a: 5 }, maxValues: { a: 9 }, nullCount: { a: 4 } })
  assert.equal(skips('a IS NOT NULL', wide), true)
  assert.equal(skips('a > 9', json({ numRecords: 4, tightBounds: false, minValues: { a: 5 }, maxValues: { a: 9 }, nullCount: { a: 1 } })), true)
  assert.equal(skips('a IS NULL', json({ numRecords: 4, tightBounds: false, nullCount: { a: 1 } })), false)
})

test('an empty file is skipped', () => {
  assert.equal(skips('a IS NULL', json({ numRecords: 0 })), true)
})

test('timestamp maxima are truncated to milliseconds, so they are widened by 999 µs', () => {
  const ts = json({ numRecords: 1, minValues: { ts: '1970-01-01T00:00:01.000Z' }, maxValues: { ts: '1970-01-01T00:00:01.000Z' }, nullCount: { ts: 0 } })
  assert.equal(skips("ts > TIMESTAMP '1970-01-01 00:00:01.000500'", ts), false) // the real value may be 1.000999
  assert.equal(skips("ts = TIMESTAMP '1970-01-01 00:00:01.000999'", ts), false)
  assert.equal(skips("ts > TIMESTAMP '1970-01-01 00:00:01.000999'", ts), true)
  assert.equal(skips("ts < TIMESTAMP '1970-01-01 00:00:01'", ts), true)
})

test('Spark-truncated string bounds are used as bounds, in UTF-8 order', () => {
  const long = 'abcdefghij'.repeat(4)
  const other = 'abcdefghij'.repeat(3) + 'abzzz'
  const stats = json({ numRecords: 2, minValues: { s: truncateMinString(long, 32) }, maxValues: { s: truncateMaxString(other, 32) }, nullCount: { s: 0 } })
  assert.equal(skips(`s = '${long}'`, stats), false)
  assert.equal(skips(`s = '${other}'`, stats), false)
  assert.equal(skips("s > 'abcdefghijabcdefghijabcdefghijac'", stats), true)
  assert.equal(skips("s LIKE 'abcdefghijabcdefghijabcdefghijab%'", stats), false)
  assert.equal(skips("s LIKE 'b%'", stats), true)
  assert.equal(skips("s LIKE 'abc%'", stats), false)
  assert.equal(skips("NOT (s LIKE 'abc%')", stats), true) // both bounds start with abc
  const astral = json({ numRecords: 1, minValues: { s: '\uFFFF' }, maxValues: { s: '\uFFFF' }, nullCount: { s: 0 } })
  assert.equal(skips("s > '\u{1F600}'", astral), true) // U+FFFF sorts before U+1F600 in UTF-8 (not in UTF-16)
  assert.equal(skips("s < '\u{1F600}'", astral), false)
})

test('64-bit integers and decimals in stats are compared exactly', () => {
  const big = '{"numRecords":1,"minValues":{"b":9007199254740993,"dec":12345678901234567.89},"maxValues":{"b":9007199254740993,"dec":12345678901234567.89},"nullCount":{"b":0,"dec":0}}'
  assert.equal(skips('b > 9007199254740992', big), false)
  assert.equal(skips('b > 9007199254740993', big), true)
  assert.equal(skips('dec > 12345678901234567.88', big), false)
  assert.equal(skips('dec >= 12345678901234567.9', big), true)
})

test('dates, doubles with NaN, nested and column-mapped columns', () => {
  const stats = json({
    numRecords: 2,
    minValues: { d: '2021-01-01', f: 1, 'col-m': 3, n: { x: 1 } },
    maxValues: { d: '2021-01-31', f: 'NaN', 'col-m': 3, n: { x: 2 } },
    nullCount: { d: 0, f: 0, 'col-m': 0, n: { x: 0 } },
  })
  assert.equal(skips("d > DATE '2021-01-31'", stats), true)
  assert.equal(skips("d = '2021-01-15'", stats), false)
  assert.equal(skips('f > 1e300', stats), false) // NaN is above every number
  assert.equal(skips('f < 1', stats), true)
  assert.equal(skips('m = 4', stats), true) // stats keyed by the physical name
  assert.equal(skips('m = 3', stats), false)
  assert.equal(skips('n.x > 2', stats), true)
  assert.equal(skips('n.x IS NULL', stats), true)
})

test('partition columns are judged on their exact value', () => {
  assert.equal(skips("p = 'x'", undefined, { p: 'y' }), true)
  assert.equal(skips("p = 'x'", undefined, { p: 'x' }), false)
  assert.equal(skips("p = 'x'", undefined, { p: null }), true)
  assert.equal(skips('p IS NULL', undefined, { p: null }), false)
  assert.equal(skips('p IS NOT NULL', undefined, { p: null }), true)
  assert.equal(skips("NOT (p = 'x')", undefined, { p: null }), true)
  assert.equal(skips("p = 'x' OR a > 100", aStats, { p: 'y' }), true)
})

test('typed stats_parsed objects work like JSON stats', () => {
  const parsed: FileStats = { numRecords: 4n, minValues: { a: 5, b: 2n ** 62n, ts: 1_000_000n }, maxValues: { a: 9, b: 2n ** 62n, ts: 1_000_000n }, nullCount: { a: 0n, b: 0n, ts: 0n } }
  assert.equal(skips('a > 9', parsed), true)
  assert.equal(skips('b < 4611686018427387904', parsed), true)
  assert.equal(skips("ts > TIMESTAMP '1970-01-01 00:00:01.0009'", parsed), false)
})

test('row groups: exact footer stats; float maxima ignored since Parquet leaves NaN out', () => {
  const rg: ParquetRowGroup = {
    numRows: 3,
    columns: [
      { path: 'a', min: 5, max: 9, nullCount: 0 },
      { path: 'f', min: 1, max: 2, nullCount: 0 },
      { path: 'ts', min: 1_000_000n, max: 1_000_000n, nullCount: 0 },
      { path: 'dec', min: '1.50', max: '2.00', nullCount: 0 },
      { path: 'n.x', min: 1, max: 1, nullCount: 1 },
    ],
  }
  const rgSkips = (text: string) => canSkipRowGroup(bind(text), rg)
  assert.equal(rgSkips('a > 9'), true)
  assert.equal(rgSkips('a = 7'), false)
  assert.equal(rgSkips('f > 2'), false)
  assert.equal(rgSkips('f < 1'), true)
  assert.equal(rgSkips("ts > TIMESTAMP '1970-01-01 00:00:01.000500'"), true) // exact: no widening
  assert.equal(rgSkips('dec < 1.5'), true)
  assert.equal(rgSkips('n.x IS NULL'), false)
  assert.equal(rgSkips('b = 1'), false) // no statistics for b
})
