/**
 * The `_last_checkpoint` checksum: MD5 against RFC 1321's test suite, canonicalisation and
 * checksum against the spec's worked example, and every checksum Spark wrote in the corpora.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, readdirSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { md5Hex } from '../../src/log/md5.js'
import { canonicalizeJson, jsonChecksum, strictUrlEncode } from '../../src/log/json-checksum.js'
import { lastCheckpointJson } from '../../src/log/last-checkpoint-write.js'
import { CORPORA_ROOT } from '../corpora-root.js'

test('md5 matches the RFC 1321 test suite', () => {
  const suite: [string, string][] = [
    ['', 'd41d8cd98f00b204e9800998ecf8427e'],
    ['a', '0cc175b9c0f1b6a831c399e269772661'],
    ['abc', '900150983cd24fb0d6963f7d28e17f72'],
    ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
    ['abcdefghijklmnopqrstuvwxyz', 'c3fcd3d76192e4007dfb496cca67e13b'],
    ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 'd174ab98d277d9f5a5611c2c9f419d9f'],
    ['12345678901234567890123456789012345678901234567890123456789012345678901234567890', '57edf4a22be3c955ac49da2e2107b67a'],
  ]
  for (const [input, digest] of suite) assert.equal(md5Hex(input), digest, JSON.stringify(input))
})

test('md5 handles every padding boundary (55, 56, 63, 64, 65 bytes)', async () => {
  // Reference: node's own MD5 (tests may use node:crypto; the library may not).
  const { createHash } = await import('node:crypto')
  for (const n of [0, 1, 54, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000]) {
    const bytes = new Uint8Array(n).map((_, i) => (i * 31 + 7) & 0xff)
    assert.equal(md5Hex(bytes), createHash('md5').update(bytes).digest('hex'), `length ${n}`)
  }
})

test('strict URL encoding keeps only A-Z a-z 0-9 - . _ ~ and upper-cases hex', () => {
  assert.equal(strictUrlEncode("'v 0'"), '%27v%200%27')
  assert.equal(strictUrlEncode('https://delta.io'), 'https%3A%2F%2Fdelta.io')
  assert.equal(strictUrlEncode("a-b.c_d~e!*()'"), 'a-b.c_d~e%21%2A%28%29%27')
  assert.equal(strictUrlEncode('é€😀>'), '%C3%A9%E2%82%AC%F0%9F%98%80%3E')
})

test("the spec's worked example: canonical form and checksum", () => {
  const json = JSON.parse(
    `{"k0":"'v 0'", "checksum": "adsaskfljadfkjadfkj", "k1":{"k2": 2, "k3": ["v3", [1, 2], {"k4": "v4", "k5": ["v5", "v6", "v7"]}]}}`,
  ) as Record<string, unknown>
  assert.equal(
    canonicalizeJson(json),
    '"k0"="%27v%200%27","k1"+"k2"=2,"k1"+"k3"+0="v3","k1"+"k3"+1+0=1,"k1"+"k3"+1+1=2,"k1"+"k3"+2+"k4"="v4","k1"+"k3"+2+"k5"+0="v5","k1"+"k3"+2+"k5"+1="v6","k1"+"k3"+2+"k5"+2="v7"',
  )
  assert.equal(jsonChecksum(json), '6a92d155a59bf2eecbd4b4ec7fd1f875')
})

test("the spec's object example canonicalises as the spec shows", () => {
  assert.equal(canonicalizeJson({ a: 10, b: { y: null, x: 'https://delta.io' } }), '"a"=10,"b"+"x"="https%3A%2F%2Fdelta.io","b"+"y"=null')
})

test('every checksum Spark wrote in the corpora verifies', () => {
  const roots = ['golden', 'kernel-rs', 'delta-rs'].map((d) => join(CORPORA_ROOT, d))
  let checked = 0
  for (const root of roots) {
    for (const name of readdirSync(root)) {
      for (const file of [join(root, name, '_delta_log/_last_checkpoint'), join(root, name, 'delta/_delta_log/_last_checkpoint')]) {
        if (!existsSync(file)) continue
        const o = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
        if (typeof o.checksum !== 'string') continue
        assert.equal(jsonChecksum(o), o.checksum, file)
        checked++
      }
    }
  }
  assert.ok(checked >= 20, `expected at least 20 checksummed files, found ${checked}`)
})

test('_last_checkpoint text carries the fields and a checksum of the rest', () => {
  const text = lastCheckpointJson({ version: 10, size: 13, sizeInBytes: 21857, numOfAddFiles: 10 })
  const o = JSON.parse(text) as Record<string, unknown>
  assert.deepEqual({ ...o, checksum: undefined }, { version: 10, size: 13, sizeInBytes: 21857, numOfAddFiles: 10, checksum: undefined })
  // Canonical form written out by hand from the spec's rules.
  assert.equal(o.checksum, md5Hex('"numOfAddFiles"=10,"size"=13,"sizeInBytes"=21857,"version"=10'))
})
