/**
 * Property: listing with a store-side StartAfter (keys compared by UTF-8 bytes, as S3 does) and
 * then the engine's filtering yields exactly what a full listing filtered by location would.
 * Keys mix characters spelled alike in keys and locations with ones that need escaping.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { storeStartAfter, toListing } from '../../../src/engines/object-store/listing.js'
import { encodeKeyPath } from '../../../src/engines/object-store/keys.js'

const utf8Compare = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))
const CHARS = ['0', '1', '9', 'a', 'Z', '.', '_', '-', '~', ' ', '!', '%', '#', '?', '"', '{', '+', 'é', '\u{1F600}', '\uFF01', '/']
const name = fc.array(fc.constantFrom(...CHARS), { minLength: 1, maxLength: 6 }).map((cs) => cs.join(''))

test('a store-side StartAfter never drops an entry that sorts after startAfter by location', () => {
  const dir = 's3://b/t/'
  const dirKey = 't/'
  fc.assert(
    fc.property(fc.uniqueArray(name, { maxLength: 12 }), name, (names, after) => {
      const keys = names.filter((n) => !n.endsWith('/') && !n.includes('//') && encodeKeyPath(n) !== undefined)
      const objects = keys.map((n) => ({ key: dirKey + n, size: 1, lastModified: 0 }))
      const startAfterRel = encodeKeyPath(after.replace(/\/+$/, '') || 'x')!
      const startAfter = dir + startAfterRel
      const reference = objects
        .map((o) => dir + encodeKeyPath(o.key.slice(dirKey.length))!)
        .filter((l) => utf8Compare(l, startAfter) > 0)
        .sort(utf8Compare)
      const bound = storeStartAfter(dir, dirKey, startAfter)
      const storeSide = bound === undefined ? objects : objects.filter((o) => utf8Compare(o.key, bound) > 0)
      const listed = toListing(dir, dirKey, storeSide, startAfter).map((m) => m.location)
      assert.deepEqual(listed, reference)
    }),
    { seed: 42, numRuns: 2000 },
  )
})

test('listed locations round-trip: new URL resolves each to itself', () => {
  fc.assert(
    fc.property(name, (n) => {
      const rel = encodeKeyPath(n)
      if (rel === undefined) return
      const loc = 's3://b/t/' + rel
      assert.equal(new URL('./' + rel, 's3://b/t/').href, loc)
      assert.equal(decodeURIComponent(new URL(loc).pathname), '/t/' + n)
    }),
    { seed: 42, numRuns: 1000 },
  )
})
