import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ExpressionError } from '../../src/errors.js'
import { evaluatePredicate, evaluateTruth } from '../../src/scan/evaluate.js'
import { col, eq } from '../../src/scan/expression.js'
import { bindExpression } from '../../src/scan/expression-bind.js'
import { parseExpression } from '../../src/scan/expression-parser.js'
import { batchOf, field, struct } from './predicate-fixtures.js'

const schema = struct(
  field('id', 'long'),
  field('n', 'integer'),
  field('f', 'double'),
  field('s', 'string'),
  field('dec', { type: 'decimal', precision: 5, scale: 2 }),
  field('ts', 'timestamp'),
  field('ok', 'boolean'),
  field('st', struct(field('x', 'integer'))),
)

// Five rows; row 4 is mostly null, row 3 has a null struct.
const batch = batchOf(schema, [
  { id: 1n, n: 10, f: 1.5, s: 'apple', dec: 123n, ts: 0n, ok: true, st: { x: 1 } },
  { id: 2n, n: -3, f: NaN, s: 'apricot', dec: -5n, ts: 1_000_001n, ok: false, st: { x: null } },
  { id: 9007199254740993n, n: 0, f: -0, s: '\u{1F600}', dec: 100n, ts: -1n, ok: null, st: { x: 3 } },
  { id: 4n, n: 7, f: Infinity, s: '\uFFFF', dec: 99999n, ts: 5n, ok: true, st: null },
  { id: null, n: null, f: null, s: null, dec: null, ts: null, ok: null, st: null },
])

function keep(text: string): number[] {
  const mask = evaluatePredicate(bindExpression(parseExpression(text), schema), batch)
  return [...mask.keys()].filter((i) => mask[i] === 1)
}

test('comparisons keep exactly the rows where they are TRUE (NULL rows never)', () => {
  assert.deepEqual(keep('n > 0'), [0, 3])
  assert.deepEqual(keep('n <= 0'), [1, 2])
  assert.deepEqual(keep('n != 7'), [0, 1, 2])
  assert.deepEqual(keep('id = 9007199254740993'), [2]) // beyond 2^53: compared exactly
  assert.deepEqual(keep('id >= 2'), [1, 2, 3])
  assert.deepEqual(keep('0 < n'), [0, 3]) // literal on the left
})

test('NOT, AND and OR follow three-valued logic', () => {
  assert.deepEqual(keep('NOT (n > 0)'), [1, 2]) // row 4: NOT NULL is NULL
  assert.deepEqual(keep('n > 0 OR ok'), [0, 3]) // ok is NULL in rows 2 and 4
  assert.deepEqual(keep('NOT (n > 0 AND ok)'), [1, 2]) // row 2: n>0 FALSE; row 1: both FALSE
  assert.deepEqual(keep('NOT ok'), [1])
  assert.deepEqual(keep('n IS NULL OR NOT (n IS NULL)'), [0, 1, 2, 3, 4])
  assert.deepEqual(keep('NULL OR n = 7'), [3])
  assert.deepEqual(keep('NOT (NULL AND n = 7)'), [0, 1, 2]) // NULL AND FALSE = FALSE
})

test('doubles: NaN equals itself and is the largest value; -0 equals 0', () => {
  assert.deepEqual(keep("f > 1e300"), [1, 3])
  assert.deepEqual(keep("f = 'NaN'"), [1])
  assert.deepEqual(keep("f > 'Infinity'"), [1])
  assert.deepEqual(keep('f = 0'), [2])
  assert.deepEqual(keep('f < 0'), [])
})

test('strings compare by UTF-8 bytes, so an astral character sorts after U+FFFF', () => {
  assert.deepEqual(keep("s > '\uFFFF'"), [2])
  assert.deepEqual(keep("s LIKE 'ap%'"), [0, 1])
  assert.deepEqual(keep("STARTS_WITH(s, '')"), [0, 1, 2, 3])
  assert.deepEqual(keep("s IN ('apple', 'zzz')"), [0])
  assert.deepEqual(keep("s BETWEEN 'apple' AND 'apricot'"), [0, 1])
})

test('decimals compare exactly against literals of any scale', () => {
  // dec values: 1.23, -0.05, 1.00, 999.99, NULL
  assert.deepEqual(keep('dec = 1'), [2])
  assert.deepEqual(keep('dec = 1.000'), [2])
  assert.deepEqual(keep('dec > 1.229'), [0, 3])
  assert.deepEqual(keep('dec < -0.049'), [1])
  assert.deepEqual(keep('dec >= 999.99'), [3])
})

test('timestamps compare in microseconds', () => {
  assert.deepEqual(keep("ts > TIMESTAMP '1970-01-01 00:00:01'"), [1])
  assert.deepEqual(keep("ts < '1970-01-01'"), [2])
})

test('IN with a NULL item is NULL, not FALSE, when nothing matches', () => {
  const truth = evaluateTruth(bindExpression(parseExpression('n IN (10, NULL)'), schema), batch)
  assert.deepEqual([...truth], [1, 2, 2, 2, 2])
  assert.deepEqual(keep('NOT (n IN (10, NULL))'), [])
  assert.deepEqual(keep('NOT (n IN (10, 7))'), [1, 2])
})

test('nested fields are NULL when the enclosing struct is NULL', () => {
  assert.deepEqual(keep('st.x IS NULL'), [1, 3, 4])
  assert.deepEqual(keep('st IS NULL'), [3, 4])
  assert.deepEqual(keep('st.x >= 1'), [0, 2])
})

test('sliced batches are read at their offset', () => {
  const sliced = batch.slice(1, 4)
  const mask = evaluatePredicate(bindExpression(parseExpression("n <= 0 AND s LIKE 'ap%' AND st.x IS NULL"), schema), sliced)
  assert.deepEqual([...mask], [1, 0, 0])
  const ok = evaluatePredicate(bindExpression(parseExpression('ok'), schema), sliced)
  assert.deepEqual([...ok], [0, 0, 1])
})

test('a column missing from the batch is an ExpressionError', () => {
  assert.throws(() => evaluatePredicate(eq(col('nope'), 1), batch), ExpressionError)
})
