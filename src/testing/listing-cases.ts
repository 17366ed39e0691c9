/**
 * Conformance cases for `FileSystem.list`: same-directory only, files only, ascending by UTF-8
 * bytes of the location, strict `startAfter`, recursive listing, missing directories.
 *
 * @packageDocumentation
 */
import { check, checkEqual, checkList } from './assert.js'
import { at, byUtf8Bytes, drain, seed } from './fixtures.js'
import type { FileSystemCase } from './types.js'

// Upper/lower case, '_' and '.', digits, and non-ASCII from 2-, 3- and 4-byte UTF-8, including
// U+FF01 vs U+1F600, which UTF-16 code-unit order sorts the other way round.
const NAMES = [
  'b.json', 'a.json', 'B.json', '_x', 'a', 'a.json.crc', 'z', '00000000000000000010.json',
  '00000000000000000002.json', 'é.txt', 'e.txt', '\uFF01.txt', '\u{1F600}.txt', '\u00FF', '\u0100', 'a-b', 'a_b',
]

const LOG = [
  '00000000000000000000.json',
  '00000000000000000001.json',
  '00000000000000000002.checkpoint.parquet',
  '00000000000000000002.json',
  '00000000000000000003.json',
]

const locations = (root: string, names: readonly string[]): string[] =>
  names.map((n) => at(root, n)).sort(byUtf8Bytes)

/** The listing cases. */
export const listingCases: readonly FileSystemCase[] = [
  {
    name: 'list yields the files directly in the directory, ascending by UTF-8 bytes',
    async run({ fs, root }) {
      await seed(fs, root, NAMES.map((n) => [n, `content of ${n}`] as const))
      await seed(fs, root, [['sub/inner.json', 'x'], ['sub/deeper/leaf', 'y'], ['zz/only-child', 'z']])
      const listed = await drain(fs, root)
      checkList(listed.map((m) => m.location), locations(root, NAMES), `list(${root})`)
      for (const m of listed) {
        const name = decodeURIComponent(m.location.slice(root.length))
        checkEqual(m.size, new TextEncoder().encode(`content of ${name}`).length, `size of ${m.location}`)
      }
    },
  },
  {
    name: 'list with startAfter yields only locations strictly after it',
    async run({ fs, root }) {
      await seed(fs, root, LOG.map((n) => [n, n] as const))
      const after = async (startAfter: string) => (await drain(fs, root, { startAfter })).map((m) => m.location)
      const all = locations(root, LOG)
      checkList(await after(at(root, LOG[1]!)), all.slice(2), 'startAfter an existing location (strict)')
      checkList(await after(at(root, '00000000000000000002')), all.slice(2), 'startAfter a prefix of later names')
      checkList(await after(at(root, '00000000000000000000.jsonz')), all.slice(1), 'startAfter between two names')
      checkList(await after(all[all.length - 1]!), [], 'startAfter the last location')
      checkList(await after(root), all, 'startAfter the directory itself')
      checkList(await after(root.slice(0, -1)), all, 'startAfter before the directory')
    },
  },
  {
    name: 'list with startAfter orders non-ASCII names by UTF-8 bytes',
    async run({ fs, root }) {
      const names = ['\uFF01', '\u{1F600}', '\u00E9', 'e', '\uE000']
      await seed(fs, root, names.map((n) => [n, n] as const))
      const all = locations(root, names)
      const listed = (await drain(fs, root, { startAfter: all[1]! })).map((m) => m.location)
      checkList(listed, all.slice(2), `list(${root}) after ${all[1]}`)
    },
  },
  {
    name: 'list with recursive yields files at every depth, ascending by UTF-8 bytes',
    async run({ fs, root }) {
      const files = ['a', 'b/c', 'b/d/e', 'b/d/f', 'b-c', 'b.c', '\u00E9/x', 'z/y/x/w']
      await seed(fs, root, files.map((n) => [n, n] as const))
      const all = locations(root, files)
      checkList((await drain(fs, root, { recursive: true })).map((m) => m.location), all, 'recursive list')
      const sub = locations(root, ['b/c', 'b/d/e', 'b/d/f'])
      checkList((await drain(fs, at(root, 'b/'), { recursive: true })).map((m) => m.location), sub, 'recursive list of b/')
      const after = (await drain(fs, root, { recursive: true, startAfter: at(root, 'b/d/e') })).map((m) => m.location)
      checkList(after, all.filter((l) => byUtf8Bytes(l, at(root, 'b/d/e')) > 0), 'recursive list with startAfter')
    },
  },
  {
    name: 'list of a missing directory yields nothing',
    async run({ fs, root }) {
      checkList((await drain(fs, root)).map((m) => m.location), [], 'list of an empty root')
      await seed(fs, root, [['abc', '1'], ['ab/x', '2']])
      for (const dir of ['missing/', 'a/', 'abc/', 'missing/deeper/']) {
        checkList((await drain(fs, at(root, dir))).map((m) => m.location), [], `list(${dir})`)
        checkList((await drain(fs, at(root, dir), { recursive: true })).map((m) => m.location), [], `recursive list(${dir})`)
      }
    },
  },
  {
    name: 'list metadata agrees with head',
    async run({ fs, root }) {
      await seed(fs, root, [['one', 'x'], ['two', 'xyz'], ['empty', '']])
      const listed = await drain(fs, root)
      check(listed.length === 3, `expected 3 listed files, got ${listed.length}`)
      for (const m of listed) {
        const h = await fs.head(m.location)
        checkEqual(h.location, m.location, 'head location')
        checkEqual(m.size, h.size, `listed size of ${m.location}`)
        checkEqual(m.lastModified, h.lastModified, `listed lastModified of ${m.location}`)
      }
    },
  },
]
