import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtemp, readdir, rm, stat, symlink, writeFile, mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { createLocalFileSystem } from '../../src/engines/local-fs.js'
import { runFileSystemConformance } from '../../src/testing/index.js'
import { racerContent } from '../fixtures/racer-content.js'

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url))
const utf8 = (s: string) => new TextEncoder().encode(s)

async function tempRoot(): Promise<{ dir: string; root: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'dk-local-fs-'))
  return { dir, root: pathToFileURL(dir).href + '/', cleanup: () => rm(dir, { recursive: true, force: true }) }
}

const collect = async (it: AsyncIterable<{ location: string }>) => {
  const out: string[] = []
  for await (const m of it) out.push(m.location)
  return out
}

runFileSystemConformance({
  name: 'local-fs',
  test,
  makeFs: async () => {
    const { root, cleanup } = await tempRoot()
    return { fs: createLocalFileSystem(), root, cleanup }
  },
})

test('local-fs: percent-encoded locations round-trip to on-disk names', async () => {
  const { dir, root, cleanup } = await tempRoot()
  try {
    const fs = createLocalFileSystem()
    // Written by something else, straight to disk: the name really contains "%20".
    await writeFile(join(dir, 'a%20b'), 'literal percent')
    await writeFile(join(dir, 'c d'), 'space')
    await writeFile(join(dir, 'h#q?'), 'hash and question mark')
    await writeFile(join(dir, 'x~[]|^'), 'left alone by URL parsing')
    const listed = await collect(fs.list(root))
    // Expected spellings written out by hand from the WHATWG URL path rules.
    assert.deepEqual(listed, [root + 'a%2520b', root + 'c%20d', root + 'h%23q%3F', root + 'x~[]|^'])
    assert.equal(new TextDecoder().decode(await fs.read(root + 'a%2520b')), 'literal percent')
    assert.equal(new TextDecoder().decode(await fs.read(root + 'c%20d')), 'space')
    assert.equal(new TextDecoder().decode(await fs.read(root + 'h%23q%3F')), 'hash and question mark')
    // The kernel resolves log paths with new URL; listing must give the same string.
    assert.equal(new URL('./x~[]|^', root).href, listed[3])
    await fs.put(root + 'e%2520f', utf8('1'))
    await fs.put(root + 'g%20h', utf8('2'))
    await fs.put(root + '%C3%A9', utf8('3'))
    const names = await readdir(dir)
    assert.ok(names.includes('e%20f') && names.includes('g h') && names.includes('é'), names.join(','))
  } finally {
    await cleanup()
  }
})

test('local-fs: non-ASCII file names list in UTF-8 byte order of their locations', async () => {
  const { dir, root, cleanup } = await tempRoot()
  try {
    const names = ['\u{1F600}', '\uFF01', '\uE000', 'z', '\u00E9', 'Z', '_', '%']
    for (const n of names) await writeFile(join(dir, n), n)
    const listed = await collect(createLocalFileSystem().list(root))
    const expected = [...listed].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
    assert.deepEqual(listed, expected)
    assert.deepEqual(new Set(listed.map((l) => fileURLToPath(l))), new Set(names.map((n) => join(dir, n))))
  } finally {
    await cleanup()
  }
})

test('local-fs: listing hides staging files and follows symlinks to files, not directories', async () => {
  const { dir, root, cleanup } = await tempRoot()
  try {
    await writeFile(join(dir, '.dk-tmp-0123456789abcdef'), 'half a commi')
    await writeFile(join(dir, 'real'), 'r')
    await symlink(join(dir, 'real'), join(dir, 'link'))
    await mkdir(join(dir, 'sub'))
    await writeFile(join(dir, 'sub', 'inner'), 'i')
    await symlink(join(dir, 'sub'), join(dir, 'sublink'))
    const fs = createLocalFileSystem()
    assert.deepEqual(await collect(fs.list(root)), [root + 'link', root + 'real'])
    assert.deepEqual(await collect(fs.list(root, { recursive: true })), [root + 'link', root + 'real', root + 'sub/inner'])
  } finally {
    await cleanup()
  }
})

test('local-fs: writes leave no staging files behind and head reports the stat times', async () => {
  const { dir, root, cleanup } = await tempRoot()
  try {
    const fs = createLocalFileSystem()
    await fs.put(root + 'a/b/c', utf8('one'))
    await fs.put(root + 'a/b/c', utf8('two'))
    await fs.putIfAbsent(root + 'a/b/d', utf8('three'))
    await fs.putIfAbsent(root + 'a/b/d', utf8('four'))
    assert.deepEqual((await readdir(join(dir, 'a', 'b'))).sort(), ['c', 'd'])
    const s = await stat(join(dir, 'a', 'b', 'd'))
    const h = await fs.head(root + 'a/b/d')
    assert.deepEqual(h, { location: root + 'a/b/d', size: 5, lastModified: Math.floor(s.mtimeMs) })
  } finally {
    await cleanup()
  }
})

test('local-fs: bad locations and ranges are refused with typed errors', async () => {
  const { dir, root, cleanup } = await tempRoot()
  try {
    const fs = createLocalFileSystem()
    await writeFile(join(dir, 'f'), 'abc')
    await assert.rejects(fs.read('s3://bucket/f'), { code: 'INVALID_ARGUMENT' })
    await assert.rejects(fs.read('not a url'), { code: 'INVALID_ARGUMENT' })
    await assert.rejects(fs.read(root + 'f#frag'), { code: 'INVALID_ARGUMENT' })
    await assert.rejects(fs.read(root + 'f%2Fx'), { code: 'INVALID_ARGUMENT' })
    await assert.rejects(fs.readRange(root + 'f', 1, 4), { code: 'STORAGE_ERROR', message: new RegExp(root + 'f') })
    await assert.rejects(fs.readRange(root + 'f', 2, 1), { code: 'INVALID_ARGUMENT' })
    await assert.rejects(fs.read(root), { code: 'FILE_NOT_FOUND' }, 'a directory is not an object')
    await assert.rejects(fs.head(root + 'f/'), { code: 'FILE_NOT_FOUND' })
    await assert.rejects(collect(fs.list(root + 'f')), { code: 'INVALID_ARGUMENT' })
  } finally {
    await cleanup()
  }
})

interface Child {
  readonly lines: AsyncIterator<string>
  readonly send: (line: string) => void
  readonly exited: Promise<number | null>
}

function startChild(script: string, args: readonly string[]): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', join(FIXTURES, script), ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  child.stdout.setEncoding('utf8')
  async function* lines(): AsyncGenerator<string> {
    let buffered = ''
    for await (const chunk of child.stdout) {
      buffered += chunk as string
      let nl
      while ((nl = buffered.indexOf('\n')) !== -1) {
        yield buffered.slice(0, nl)
        buffered = buffered.slice(nl + 1)
      }
    }
  }
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return { lines: lines(), send: (line) => child.stdin.write(line + '\n'), exited }
}

async function nextLine(c: Child): Promise<string> {
  const r = await c.lines.next()
  assert.ok(!r.done, 'child process ended without output')
  return r.value
}

test('local-fs: putIfAbsent is atomic across 8 processes racing for 50 keys', async () => {
  const { root, cleanup } = await tempRoot()
  const processes = 8
  const keys = 50
  const bytes = 8192
  try {
    const children = Array.from({ length: processes }, (_, id) =>
      startChild('put-if-absent-racer.ts', [root, String(id), String(keys), String(bytes)]),
    )
    for (const c of children) assert.equal(await nextLine(c), 'ready')
    for (const c of children) c.send('go')
    const won = await Promise.all(children.map(async (c) => (JSON.parse(await nextLine(c)) as { created: number[] }).created))
    assert.deepEqual(await Promise.all(children.map((c) => c.exited)), Array(processes).fill(0))

    const winnerOf = new Map<number, number>()
    won.forEach((created, id) => {
      for (const k of created) {
        assert.ok(!winnerOf.has(k), `key ${k} created by both process ${winnerOf.get(k)} and ${id}`)
        winnerOf.set(k, id)
      }
    })
    assert.equal(winnerOf.size, keys, 'every key was created by some process')
    const fs = createLocalFileSystem()
    for (const [k, id] of winnerOf) {
      assert.deepEqual(await fs.read(`${root}key-${k}.json`), racerContent(id, k, bytes), `content of key ${k}`)
    }
    assert.equal((await collect(fs.list(root))).length, keys, 'no staging files are visible')
  } finally {
    await cleanup()
  }
})

test('local-fs: a reader in another process never sees a partially written object', async () => {
  const { root, cleanup } = await tempRoot()
  const files = 24
  const bytes = 2 * 1024 * 1024
  const fs = createLocalFileSystem()
  const replacedVersions = [racerContent(0, -1, bytes), racerContent(1, -1, bytes)]
  let reads = 0
  const checkAll = async () => {
    for await (const meta of fs.list(root)) {
      const name = meta.location.slice(root.length)
      let data: Uint8Array
      try {
        data = await fs.read(meta.location)
      } catch (e) {
        assert.fail(`listed ${name} could not be read: ${String(e)}`)
      }
      reads++
      if (name === 'replaced') {
        assert.ok(replacedVersions.some((v) => Buffer.compare(v, data) === 0), `torn read of replaced (${data.length} bytes)`)
      } else {
        const i = Number(/^file-(\d+)$/.exec(name)?.[1] ?? NaN)
        assert.ok(Number.isInteger(i), `unexpected listed object ${name}`)
        assert.ok(Buffer.compare(racerContent(0, i, bytes), data) === 0, `torn read of ${name} (${data.length} bytes)`)
      }
    }
  }
  try {
    const writer = startChild('slow-writer.ts', [root, String(files), String(bytes)])
    let finished = false
    const done = nextLine(writer).then((line) => {
      finished = true
      return line
    })
    while (!finished) await checkAll()
    assert.equal(await done, 'done')
    assert.equal(await writer.exited, 0)
    await checkAll()
    assert.ok(reads >= files + 1, 'the final pass read every object')
  } finally {
    await cleanup()
  }
})
