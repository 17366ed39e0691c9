import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { DeletionVectorError } from '../../src/errors.js'
import { uuidFromBytes, uuidToBytes, z85Decode, z85Encode } from '../../src/protocol/z85.js'

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#'

/** Reference model: each 5-character block is a big-endian base-85 number of 4 bytes (RFC 32). */
function referenceDecode(text: string): Uint8Array {
  const out: number[] = []
  for (let i = 0; i < text.length; i += 5) {
    let v = 0n
    for (const ch of text.slice(i, i + 5)) v = v * 85n + BigInt(ALPHABET.indexOf(ch))
    out.push(Number((v >> 24n) & 255n), Number((v >> 16n) & 255n), Number((v >> 8n) & 255n), Number(v & 255n))
  }
  return Uint8Array.from(out)
}

test('Z85 RFC 32 test vector: 864FD26FB559F75B is HelloWorld', () => {
  const bytes = Uint8Array.from([0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b])
  assert.equal(z85Encode(bytes), 'HelloWorld')
  assert.deepEqual(z85Decode('HelloWorld'), bytes)
})

test('UUIDs of the PROTOCOL.md examples and of the kernel-rs corpus decode to the documented values', () => {
  // PROTOCOL.md example 1: "ab^-aqEH.-t@S}K{vb[*k^" is prefix "ab" + d2c639aa-8816-431a-aaf6-d3fe2512ff61.
  assert.equal(uuidFromBytes(z85Decode('^-aqEH.-t@S}K{vb[*k^')), 'd2c639aa-8816-431a-aaf6-d3fe2512ff61')
  // kernel-rs/table-with-dv-small: the DV file is deletion_vector_61d16c75-6994-46b7-a15b-8b538852e50e.bin.
  assert.equal(uuidFromBytes(z85Decode('vBn[lx{q8@P<9BNH/isA')), '61d16c75-6994-46b7-a15b-8b538852e50e')
  // delta-kernel-rs unit tests: known UUIDs and their encodings.
  assert.equal(z85Encode(uuidToBytes('550e8400-e29b-41d4-a716-446655440000')), 'rsTVZ&*Sl-RXRWjryu/!')
  assert.equal(z85Encode(uuidToBytes('123e4567-e89b-12d3-a456-426614174000')), '5<w-%>:JjlQ/G/]6C<1m')
})

test('decoding agrees with a BigInt base-85 model, and encoding inverts it', () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...ALPHABET), { maxLength: 60 }), (chars) => {
      // Keep only whole blocks whose value fits 32 bits ('%' and above in the first digit overflow).
      const blocks: string[] = []
      for (let i = 0; i + 5 <= chars.length; i += 5) {
        const block = chars.slice(i, i + 5).join('')
        let v = 0n
        for (const ch of block) v = v * 85n + BigInt(ALPHABET.indexOf(ch))
        if (v <= 0xffffffffn) blocks.push(block)
      }
      const text = blocks.join('')
      const decoded = z85Decode(text)
      assert.deepEqual(decoded, referenceDecode(text))
      assert.equal(z85Encode(decoded), text)
    }),
    { seed: 42, numRuns: 300 },
  )
})

test('lengths that are not a multiple of 4 are zero-padded and truncated back (Delta convention)', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 50 }), (bytes) => {
      const text = z85Encode(bytes)
      assert.equal(text.length, Math.ceil(bytes.length / 4) * 5)
      assert.deepEqual(z85Decode(text, bytes.length), bytes)
    }),
    { seed: 42, numRuns: 300 },
  )
})

test('a final block with leading # is the Rust z85 crate tail: k hashes mean 4 - k bytes, big-endian', () => {
  // 0*85^2 + 9*85 + 3 = 768 = 0x0300.
  assert.deepEqual(z85Decode('HelloWorld##093'), Uint8Array.from([0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b, 0x03, 0x00]))
  assert.deepEqual(z85Decode('#0093'), Uint8Array.from([0x00, 0x03, 0x00]))
  assert.deepEqual(z85Decode('###30'), Uint8Array.from([255]))
  assert.deepEqual(z85Decode('##093', 1), Uint8Array.from([0x03]))
})

test('malformed text is a DeletionVectorError', () => {
  assert.throws(() => z85Decode('Hello'.slice(0, 4)), DeletionVectorError)
  assert.throws(() => z85Decode('Hell~'), /invalid character '~' at position 4/)
  assert.throws(() => z85Decode('#0000HelloWorld'), /block '#0000' at position 0 exceeds 32 bits/)
  assert.throws(() => z85Decode('$0000'), /exceeds 32 bits/)
  assert.throws(() => z85Decode('#####'), /exceeds 8 bits/)
  assert.throws(() => z85Decode('HelloWorld', 9), DeletionVectorError)
  assert.throws(() => z85Decode('HelloWorld', 3), DeletionVectorError)
  assert.throws(() => uuidToBytes('not-a-uuid'), DeletionVectorError)
  assert.throws(() => uuidFromBytes(new Uint8Array(15)), DeletionVectorError)
})
