import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { crc32 } from '../../src/protocol/crc32.js'

const ascii = (s: string) => new TextEncoder().encode(s)

/** Bit-at-a-time reference CRC-32 (reflected 0xEDB88320, init and final xor 0xFFFFFFFF). */
function referenceCrc32(bytes: Uint8Array): number {
  let c = 0xffffffff
  for (const b of bytes) {
    c ^= b
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1
  }
  return (c ^ 0xffffffff) >>> 0
}

test('standard check values', () => {
  assert.equal(crc32(ascii('123456789')), 0xcbf43926)
  assert.equal(crc32(new Uint8Array(0)), 0)
  assert.equal(crc32(ascii('The quick brown fox jumps over the lazy dog')), 0x414fa339)
  assert.equal(crc32(ascii('a')), 0xe8b7be43)
})

test('checksum stored in the kernel-rs DV file matches its bitmap bytes', () => {
  // Bytes 5..41 of table-with-dv-small's DV file: the bitmap; bytes 41..45: its CRC, big-endian.
  const bitmap = Uint8Array.from(Buffer.from('d1d339640100000000000000000000003a30000001000000000001001000000000000900', 'hex'))
  assert.equal(crc32(bitmap), 0x2a671846)
})

test('agrees with a bitwise reference at every length and alignment, also when fed in pieces', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(20), fc.nat(300), (bytes, skip, cut) => {
      const view = bytes.subarray(Math.min(skip, bytes.length))
      const expected = referenceCrc32(view)
      assert.equal(crc32(view), expected)
      const at = Math.min(cut, view.length)
      assert.equal(crc32(view.subarray(at), crc32(view.subarray(0, at))), expected)
    }),
    { seed: 42, numRuns: 400 },
  )
})
