import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createMemoryFileSystem } from '../../src/engines/memory.js'
import { runFileSystemConformance } from '../../src/testing/index.js'

let n = 0
runFileSystemConformance({
  name: 'memory',
  test,
  makeFs: async () => ({ fs: createMemoryFileSystem(), root: `memory:///t${n++}/` }),
})

const utf8 = (s: string) => new TextEncoder().encode(s)
const collect = async (it: AsyncIterable<{ location: string }>) => {
  const out: string[] = []
  for await (const m of it) out.push(m.location)
  return out
}

test('memory: lastModified comes from the injected clock', async () => {
  let clock = 1_700_000_000_000.7
  const fs = createMemoryFileSystem({ now: () => clock })
  await fs.put('memory:///t/a', utf8('a'))
  clock = 1_700_000_005_000
  await fs.putIfAbsent('memory:///t/b', utf8('b'))
  assert.equal((await fs.head('memory:///t/a')).lastModified, 1_700_000_000_000)
  assert.equal((await fs.head('memory:///t/b')).lastModified, 1_700_000_005_000)
  clock = 1_700_000_009_000
  assert.equal((await fs.putIfAbsent('memory:///t/b', utf8('c'))).status, 'exists')
  assert.equal((await fs.head('memory:///t/b')).lastModified, 1_700_000_005_000, 'a losing putIfAbsent leaves the time alone')
})

test('memory: raw (unencoded) non-ASCII locations are listed in UTF-8 byte order, not UTF-16 order', async () => {
  const fs = createMemoryFileSystem()
  // U+1F600 is a surrogate pair (0xD83D...) in UTF-16, which sorts before U+FF01; in UTF-8
  // (F0 9F ...) it sorts after U+FF01 (EF BC 81). Expected order written out by hand.
  for (const name of ['\u{1F600}', '\uFF01', '\uE000', 'z', '\u00E9']) await fs.put(`memory:///t/${name}`, utf8(name))
  const expected = ['z', '\u00E9', '\uE000', '\uFF01', '\u{1F600}'].map((n) => `memory:///t/${n}`)
  assert.deepEqual(await collect(fs.list('memory:///t/')), expected)
  assert.deepEqual(await collect(fs.list('memory:///t/', { startAfter: 'memory:///t/\uFF01' })), [expected[4]])
})

test('memory: a listing is a snapshot; writes during iteration do not disturb it', async () => {
  const fs = createMemoryFileSystem()
  await fs.put('memory:///t/a', utf8('a'))
  await fs.put('memory:///t/c', utf8('c'))
  const seen: string[] = []
  for await (const m of fs.list('memory:///t/')) {
    seen.push(m.location)
    await fs.put('memory:///t/b', utf8('b'))
  }
  assert.deepEqual(seen, ['memory:///t/a', 'memory:///t/c'])
})

test('memory: invalid arguments are refused with InvalidArgumentError', async () => {
  const fs = createMemoryFileSystem()
  await fs.put('memory:///t/a', utf8('abc'))
  await assert.rejects(collect(fs.list('memory:///t')), { code: 'INVALID_ARGUMENT' })
  await assert.rejects(fs.readRange('memory:///t/a', 2, 1), { code: 'INVALID_ARGUMENT' })
  await assert.rejects(fs.readRange('memory:///t/a', -1, 1), { code: 'INVALID_ARGUMENT' })
  await assert.rejects(fs.readRange('memory:///t/a', 0, 4), { code: 'STORAGE_ERROR' })
  await assert.rejects(fs.put('memory:///t/dir/', utf8('x')), { code: 'INVALID_ARGUMENT' })
})
