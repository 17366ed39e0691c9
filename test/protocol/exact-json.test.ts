import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { ExactJsonSyntaxError, parseExactJson, stringifyExactJson } from '../../src/protocol/exact-json.js'

test('property: agrees with JSON.parse and JSON.stringify on JSON without 16+ digit integers', () => {
  fc.assert(
    fc.property(fc.json().filter((t) => !/\d{16,}/.test(t)), (text) => {
      const expected: unknown = JSON.parse(text)
      const parsed = parseExactJson(text)
      assert.deepEqual(parsed, expected)
      assert.equal(stringifyExactJson(parsed), JSON.stringify(expected))
    }),
    { seed: 42, numRuns: 500 },
  )
})

test('integers outside the safe range stay exact as bigint', () => {
  assert.deepEqual(parseExactJson('[9007199254740993, -9223372036854775808, 9007199254740991, 1e20]'), [
    9007199254740993n,
    -9223372036854775808n,
    9007199254740991,
    1e20,
  ])
  assert.equal(stringifyExactJson({ a: [9007199254740993n] }), '{"a":[9007199254740993]}')
})

test('a __proto__ key is plain data', () => {
  const v = parseExactJson('{"__proto__":{"x":1}}') as Record<string, unknown>
  assert.deepEqual(Object.keys(v), ['__proto__'])
  assert.equal(Object.getPrototypeOf(v), Object.prototype)
})

test('malformed input throws with an offset', () => {
  for (const bad of ['', '{', '[1,]', '{"a":1}x', '01', '"\u0001"', 'tru', '{"a" 1}']) {
    assert.throws(() => parseExactJson(bad), ExactJsonSyntaxError, JSON.stringify(bad))
  }
})
