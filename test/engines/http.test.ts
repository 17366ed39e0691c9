/**
 * The read-only HTTP engine against a static file server on 127.0.0.1 (started here): the
 * read-only subset of the engine conformance suite (objects written to the served folder by the
 * local engine, read back over HTTP), golden tables scanned over HTTP with the log listed by
 * probing, the request budget of that listing, weak servers, and refused writes.
 */
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { FileSystem } from '../../src/engine/file-system.js'
import { CommitFailedError } from '../../src/errors.js'
import { createHyparquetHandler } from '../../src/engines/hyparquet/index.js'
import { ReadOnlyStorageError, createHttpFileSystem } from '../../src/engines/http.js'
import { createLocalFileSystem } from '../../src/engines/local-fs.js'
import { fileSystemConformanceCases } from '../../src/testing/index.js'
import { createTable } from '../../src/txn/create-table.js'
import { GOLDEN, canonicalRows, expectedGoldenRows } from './golden-rows.js'
import { drainLocations, scanRows } from './object-store-cases.js'
import { startStaticServer } from './servers/static-server.js'

const scratch = await mkdtemp(join(tmpdir(), 'dk-http-'))
const server = await startStaticServer({ '/golden/': GOLDEN, '/scratch/': scratch })
after(async () => {
  await server.close()
  await rm(scratch, { recursive: true, force: true })
})

const http = createHttpFileSystem({ retry: { maxAttempts: 2, initialDelayMs: 1 } })
const local = createLocalFileSystem({ sync: false })

/** Writes go to the served folder through the local engine; everything else is the HTTP engine. */
function servedFs(): { fs: FileSystem; root: string } {
  const id = crypto.randomUUID()
  const root = `${server.origin}/scratch/${id}/`
  const fileRoot = pathToFileURL(join(scratch, id)).href + '/'
  const toFile = (loc: string) => fileRoot + loc.slice(root.length)
  const fs: FileSystem = {
    capabilities: http.capabilities,
    list: (dir, o) => http.list(dir, o),
    read: (l, o) => http.read(l, o),
    readRange: (l, s, e, o) => http.readRange(l, s, e, o),
    head: (l, o) => http.head(l, o),
    put: (l, d, o) => local.put(toFile(l), d, o),
    putIfAbsent: (l, d, o) => local.putIfAbsent(toFile(l), d, o),
    delete: (l, o) => local.delete(toFile(l), o),
  }
  return { fs, root }
}

// The cases that need no listing, or only of _delta_log/ (which the engine can derive).
const READ_ONLY_SUBSET = /^(read returns|readRange|head reports|read, readRange and head|putIfAbsent creates once|stored bytes|an aborted signal)/
const subset = fileSystemConformanceCases().filter((c) => READ_ONLY_SUBSET.test(c.name))
assert.equal(subset.length, 7, 'conformance cases in the read-only subset')
for (const c of subset) test(`http (read-only subset): ${c.name}`, () => c.run(servedFs()))

const GOLDEN_TABLES = ['basic-with-inserts-deletes-checkpoint', 'multi-part-checkpoint', 'v2-checkpoint-json', 'data-reader-escaped-chars']
for (const table of GOLDEN_TABLES) {
  test(`http: golden table ${table} scanned over HTTP reads as Spark expected`, async () => {
    const expected = await expectedGoldenRows(table)
    assert.ok(expected.length > 0)
    assert.deepEqual(canonicalRows(await scanRows(http, `${server.origin}/golden/${table}/delta/`)), expected)
  })
}

/** The log files of a golden table at or after `from`, read from disk (the reference listing). */
async function logOnDisk(table: string, keep: (name: string) => boolean): Promise<string[]> {
  const names = (await readdir(join(GOLDEN, table, 'delta', '_delta_log'))).filter((n) => /^\d{20}\./.test(n) && keep(n))
  return names.sort().map((n) => `${server.origin}/golden/${table}/delta/_delta_log/${n}`)
}

test('http: _delta_log listing by probing: checkpoint from the hint, commits until the first miss, and its request budget', async () => {
  const dir = `${server.origin}/golden/basic-with-inserts-deletes-checkpoint/delta/_delta_log/`
  const fs = createHttpFileSystem({ probeConcurrency: 4 })
  server.requests.length = 0
  const listed = await drainLocations(fs, dir)
  // _last_checkpoint says version 10: its checkpoint and the commits 10..13.
  assert.deepEqual(listed, await logOnDisk('basic-with-inserts-deletes-checkpoint', (n) => Number(n.slice(0, 20)) >= 10 && !n.endsWith('.crc')))
  const seen = server.requests.map((r) => `${r.method} ${r.path.slice(dir.length - server.origin.length)}`)
  assert.deepEqual(seen.filter((s) => s.startsWith('GET')), ['GET _last_checkpoint'])
  // One HEAD for the checkpoint, 4 found commits, then one window of 4 misses.
  assert.equal(seen.filter((s) => s.startsWith('HEAD')).length, 1 + 4 + 4)

  const after11 = await drainLocations(fs, dir, { startAfter: dir + '00000000000000000011' })
  assert.deepEqual(after11, await logOnDisk('basic-with-inserts-deletes-checkpoint', (n) => Number(n.slice(0, 20)) >= 11 && n.endsWith('.json')))
  const after11json = await drainLocations(fs, dir, { startAfter: dir + '00000000000000000011.json' })
  assert.deepEqual(after11json, after11.slice(1))
})

test('http: multi-part and V2 checkpoints are found from the hint', async () => {
  const multi = `${server.origin}/golden/multi-part-checkpoint/delta/_delta_log/`
  assert.deepEqual(await drainLocations(http, multi), await logOnDisk('multi-part-checkpoint', (n) => n.startsWith('00000000000000000001.')))
  const v2 = `${server.origin}/golden/v2-checkpoint-json/delta/_delta_log/`
  assert.deepEqual(await drainLocations(http, v2), await logOnDisk('v2-checkpoint-json', (n) => Number(n.slice(0, 20)) >= 2))
  // Without a hint, commits from 0: a table with no _last_checkpoint.
  const plain = `${server.origin}/golden/data-reader-escaped-chars/delta/_delta_log/`
  assert.deepEqual(await drainLocations(http, plain), await logOnDisk('data-reader-escaped-chars', () => true))
})

test('http: a server that ignores Range and refuses HEAD still gives exact bytes and sizes', async () => {
  const { fs, root } = servedFs()
  const data = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff)
  await fs.put(root + 'blob.bin', data)
  server.options.ranges = false
  server.options.head = false
  try {
    assert.deepEqual(await http.readRange(root + 'blob.bin', 100, 350), data.subarray(100, 350))
    assert.equal((await http.head(root + 'blob.bin')).size, 1000)
    await assert.rejects(http.readRange(root + 'blob.bin', 900, 1001), /past the end/)
    await assert.rejects(http.head(root + 'missing.bin'), { code: 'FILE_NOT_FOUND' })
  } finally {
    server.options.ranges = true
    server.options.head = true
  }
})

test('http: writes, deletes and other listings throw ReadOnlyStorageError; commits are refused', async () => {
  const root = `${server.origin}/scratch/${crypto.randomUUID()}/`
  assert.equal(http.capabilities.atomicPutIfAbsent, false)
  for (const attempt of [
    () => http.put(root + 'x', new Uint8Array(1)),
    () => http.putIfAbsent(root + 'x', new Uint8Array(1)),
    () => http.delete(root + 'x'),
    () => drainLocations(http, root),
    () => drainLocations(http, root + '_delta_log/', { recursive: true }),
  ]) {
    await assert.rejects(attempt(), (e: unknown) => e instanceof ReadOnlyStorageError && /http: /.test(e.message))
  }
  const engine = { fileSystem: http, parquet: createHyparquetHandler(http) }
  const schema = { type: 'struct' as const, fields: [{ name: 'id', type: { type: 'long' as const }, nullable: true, metadata: {} }] }
  await assert.rejects(createTable(root, engine, { schema }), CommitFailedError)
  await assert.rejects(http.read('ftp://example/x'), { code: 'INVALID_ARGUMENT' })
})

test('http: a checkpoint whose own commit was cleaned up still leads to the commits after it; a partial multi-part set is left out', async () => {
  const { fs, root } = servedFs()
  const log = root + '_delta_log/'
  const put = (name: string, text = name) => fs.put(log + name, new TextEncoder().encode(text))
  for (const n of ['00000000000000000000.json', '00000000000000000002.checkpoint.parquet', '00000000000000000003.json', '00000000000000000004.json']) await put(n)
  await put('_last_checkpoint', '{"version":2,"size":3}')
  assert.deepEqual(await drainLocations(http, log), [
    log + '00000000000000000002.checkpoint.parquet',
    log + '00000000000000000003.json',
    log + '00000000000000000004.json',
  ])
  // The hint says 2 parts but only part 1 exists: no checkpoint, as a real listing would show none complete.
  await put('_last_checkpoint', '{"version":2,"size":3,"parts":2}')
  await put('00000000000000000002.checkpoint.0000000001.0000000002.parquet')
  assert.deepEqual(await drainLocations(http, log), [log + '00000000000000000003.json', log + '00000000000000000004.json'])
  // An unusable hint is ignored: commits from 0, up to the first gap (version 1).
  await put('_last_checkpoint', 'not json')
  assert.deepEqual(await drainLocations(http, log), [log + '00000000000000000000.json'])
})
