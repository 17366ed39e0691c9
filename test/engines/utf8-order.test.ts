import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { compareUtf8 } from '../../src/engines/utf8-order.js'

const sign = (n: number) => Math.sign(n)

test('compareUtf8 agrees with comparing the UTF-8 bytes (Buffer.compare)', () => {
  const text = fc.string({ unit: 'grapheme', maxLength: 8 })
  fc.assert(
    fc.property(text, text, (a, b) => {
      assert.equal(sign(compareUtf8(a, b)), Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')))
    }),
    { seed: 42, numRuns: 5000 },
  )
})

test('compareUtf8 orders the cases UTF-16 gets wrong', () => {
  assert.ok(compareUtf8('\uFF01', '\u{1F600}') < 0)
  assert.ok(compareUtf8('\uE000', '\u{10000}') < 0)
  assert.ok(compareUtf8('\uD7FF', '\u{10000}') < 0)
  assert.ok(compareUtf8('a', 'ab') < 0)
  assert.equal(compareUtf8('\u{1F600}', '\u{1F600}'), 0)
})
