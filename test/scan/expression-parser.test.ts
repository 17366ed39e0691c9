import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ExpressionError } from '../../src/errors.js'
import { and, col, eq, ge, gt, isIn, isNotNull, isNull, le, lit, lt, ne, not, or, startsWith, typedLit, type Expression } from '../../src/scan/expression.js'
import { bindExpression } from '../../src/scan/expression-bind.js'
import { formatExpression } from '../../src/scan/expression-format.js'
import { parseExpression } from '../../src/scan/expression-parser.js'
import { field, struct } from './predicate-fixtures.js'

const dec = (unscaled: bigint, scale: number, precision: number) => typedLit({ type: 'decimal', value: { unscaled, scale, precision } })

test('parses the --where forms the CLI documents into the expected trees', () => {
  const cases: [string, Expression][] = [
    ["a > 3 AND part = 'x'", and(gt(col('a'), 3), eq(col('part'), 'x'))],
    ['b IS NOT NULL', isNotNull(col('b'))],
    ['b is null', isNull(col('b'))],
    ['c IN (1, 2, 3)', isIn(col('c'), [1, 2, 3])],
    ["NOT (x < 2 OR y = 'q''s')", not(or(lt(col('x'), 2), eq(col('y'), "q's")))],
    ["s LIKE 'abc%'", startsWith(col('s'), 'abc')],
    ["s LIKE 'abc'", eq(col('s'), 'abc')],
    ["STARTS_WITH(s, 'ab''c')", startsWith(col('s'), "ab'c")],
    ['`my col.x` <> 1', ne(col(['my col.x']), 1)],
    ['`a``b`.c >= -5', ge(col(['a`b', 'c']), -5)],
    ['a.b.c <= 2', le(col(['a', 'b', 'c']), 2)],
    ["d = DATE '2021-01-01'", eq(col('d'), typedLit({ type: 'date', value: 18628 }))],
    ["t < TIMESTAMP '2021-01-01 00:00:01'", lt(col('t'), typedLit({ type: 'timestamp', value: 1609459201000000n }))],
    ["t = TIMESTAMP_NTZ '1970-01-01 00:00:00.000001'", eq(col('t'), typedLit({ type: 'timestamp_ntz', value: 1n }))],
    ['a BETWEEN 1 AND 10', and(ge(col('a'), 1), le(col('a'), 10))],
    ['a NOT BETWEEN 1 AND 10 OR b NOT IN (1)', or(not(and(ge(col('a'), 1), le(col('a'), 10))), not(isIn(col('b'), [1])))],
    ['x = 1.50', eq(col('x'), dec(150n, 2, 3))],
    ['x = -0.05', eq(col('x'), dec(-5n, 2, 2))],
    ['x = 1e3', eq(col('x'), typedLit({ type: 'double', value: 1000 }))],
    ['x = 2D', eq(col('x'), typedLit({ type: 'double', value: 2 }))],
    ['x = 7L', eq(col('x'), 7n)],
    ['x = 3000000000', eq(col('x'), 3000000000n)],
    ['x = -2147483648', eq(col('x'), -2147483648)],
    ["X'0aFF' = bin", eq(typedLit({ type: 'binary', value: Uint8Array.of(10, 255) }), col('bin'))],
    ['flag', col('flag')],
    ['NOT flag AND TRUE OR NULL', or(and(not(col('flag')), lit(true)), lit(null))],
    ['date = 1 AND timestamp > 2', and(eq(col('date'), 1), gt(col('timestamp'), 2))],
    ['(a = 1)', eq(col('a'), 1)],
  ]
  for (const [text, expected] of cases) assert.deepEqual(parseExpression(text), expected, text)
})

test('AND binds tighter than OR, NOT tighter than AND', () => {
  assert.deepEqual(parseExpression('a = 1 OR b = 2 AND NOT c = 3'), or(eq(col('a'), 1), and(eq(col('b'), 2), not(eq(col('c'), 3)))))
})

test('syntax errors are ExpressionErrors naming the offset and what was expected', () => {
  const bad: [string, RegExp][] = [
    ['a >', /expected a column, a literal or \( at offset 3, found the end/],
    ['a = 1 b', /expected AND, OR or the end of the predicate at offset 6/],
    ["a = 'open", /unexpected character "'" at offset 4/],
    ["s LIKE 'a%b'", /only a prefix pattern/],
    ["s LIKE 'a_'", /only a prefix pattern/],
    ['c IN (1, d)', /expected a literal in the IN list/],
    ["d = DATE '2021-02-30'", /DATE "2021-02-30" at offset 9: day 30 does not exist/],
    ['(a = 1', /expected '\)'/],
    ['a = (b = 1)', /predicates cannot be compared/],
    ['x = 1.5L', /L suffix needs an integer/],
  ]
  for (const [text, message] of bad) assert.throws(() => parseExpression(text), (e: unknown) => e instanceof ExpressionError && message.test(e.message), text)
})

test('formatting then parsing gives back the same tree', () => {
  const texts = [
    "a > 3 AND part = 'x'",
    "NOT (x < 2 OR y = 'q''s') AND `we.ird``name` IN (1, 2, NULL)",
    "STARTS_WITH(s, 'ab') OR d = DATE '1999-12-31' OR t >= TIMESTAMP '2021-06-01 12:34:56.789012'",
    "x = 1.50 AND y = 2.5E-7 AND z = X'00ff' AND w IS NOT NULL AND v = -9223372036854775808",
  ]
  for (const text of texts) {
    const e = parseExpression(text)
    assert.deepEqual(parseExpression(formatExpression(e)), e, text)
  }
})

const schema = struct(
  field('id', 'long'),
  field('n', 'integer'),
  field('price', { type: 'decimal', precision: 10, scale: 2 }),
  field('d', 'date'),
  field('ts', 'timestamp'),
  field('ntz', 'timestamp_ntz'),
  field('f', 'double'),
  field('Name', 'string'),
  field('ok', 'boolean'),
  field('bin', 'binary'),
  field('s', struct(field('inner', 'short'), field('mapped', 'byte', { 'delta.columnMapping.physicalName': 'col-7' }))),
)

test('binding types literals by their column and resolves names case-insensitively', () => {
  const b = bindExpression(parseExpression("ID > 3 AND n = '12' AND price < 1.555 AND d = '2021-01-02' AND ts > '2021-01-01' AND f > 1"), schema)
  assert.equal(b.kind, 'and')
  const [id, n, price, d, ts, f] = (b as unknown as { children: Expression[] }).children as { left: Expression; right: Expression }[]
  assert.deepEqual(id!.left, { kind: 'column', path: ['id'], resolved: { type: { type: 'long' }, physicalPath: ['id'] } })
  assert.deepEqual(id!.right, typedLit({ type: 'long', value: 3n }))
  assert.deepEqual(n!.right, typedLit({ type: 'integer', value: 12 }))
  assert.deepEqual(price!.right, dec(1555n, 3, 4)) // kept exact, not rounded to the column's scale
  assert.deepEqual(d!.right, typedLit({ type: 'date', value: 18629 }))
  assert.deepEqual(ts!.right, typedLit({ type: 'timestamp', value: 18628n * 86_400_000_000n }))
  assert.deepEqual(f!.right, typedLit({ type: 'double', value: 1 }))
})

test('binding follows column mapping to physical paths and spells the logical path as the schema does', () => {
  const b = bindExpression(parseExpression('S.Mapped = 1'), schema) as { left: Expression; right: Expression }
  assert.deepEqual(b.left, { kind: 'column', path: ['s', 'mapped'], resolved: { type: { type: 'byte' }, physicalPath: ['s', 'col-7'] } })
  assert.deepEqual(b.right, typedLit({ type: 'byte', value: 1 }))
})

test('binding converts dates to timestamps and strings to binary', () => {
  const b = bindExpression(parseExpression("ntz >= DATE '1970-01-02' AND bin = 'A'"), schema) as unknown as { children: { right: Expression }[] }
  assert.deepEqual(b.children[0]!.right, typedLit({ type: 'timestamp_ntz', value: 86_400_000_000n }))
  assert.deepEqual(b.children[1]!.right, typedLit({ type: 'binary', value: Uint8Array.of(65) }))
})

test('binding rejects unknown columns, bad literals and non-predicates with clear messages', () => {
  const bad: [string, RegExp][] = [
    ['zz = 1', /unknown column zz: the table has id, n, price/],
    ['s.zz = 1', /unknown column s.zz: struct s has inner, mapped/],
    ['id.x = 1', /id is a long, not a struct/],
    ['n > 2.5', /cannot use 2.5 as a integer value: not an integer/],
    ['n > 3000000000', /out of the integer range/],
    ["id = 'x'", /cannot use 'x' as a long value: expected a number/],
    ["d = '2021-13-01'", /cannot use '2021-13-01' as a date value: month 13/],
    ['Name = 1', /expected a string literal/],
    ['ok = 1', /expected true or false/],
    ['id = Name', /cannot compare long with string/],
    ['id', /expected a predicate, found column id of type long/],
    ['STARTS_WITH(id, \'1\')', /STARTS_WITH needs a string/],
    ['s = 1', /cannot use 1 as a struct/],
  ]
  for (const [text, message] of bad) {
    assert.throws(() => bindExpression(parseExpression(text), schema), (e: unknown) => e instanceof ExpressionError && message.test(e.message), text)
  }
})
