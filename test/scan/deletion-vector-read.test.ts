import assert from 'node:assert/strict'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { test } from 'node:test'
import fc from 'fast-check'
import { parquetReadObjects } from 'hyparquet'
import type { FileSystem } from '../../src/engine/file-system.js'
import { createLocalFileSystem } from '../../src/engines/local-fs.js'
import { AbortedError, DeltaError, FileNotFoundError } from '../../src/errors.js'
import type { DeletionVectorDescriptor } from '../../src/protocol/actions.js'
import { dvUniqueId, encodeDvFile, encodeUuidDvPath, inlineDvDescriptor } from '../../src/protocol/deletion-vector.js'
import { RoaringBitmapArray } from '../../src/protocol/roaring.js'
import { deletionKeepMask, deletionVectorSelector, loadDeletionVector } from '../../src/scan/deletion-vector-read.js'
import { CORPORA, tableDvs } from '../protocol/dv-corpus.js'

type Row = Record<string, unknown>

/** The local engine, recording every request so tests can check the I/O budget. */
function countingFs(): FileSystem & { calls: string[] } {
  const inner = createLocalFileSystem({ sync: false })
  const calls: string[] = []
  return {
    ...inner,
    calls,
    read(loc, o) {
      calls.push(`read ${loc}`)
      return inner.read(loc, o)
    },
    readRange(loc, s, e, o) {
      calls.push(`readRange ${loc} ${s} ${e}`)
      return inner.readRange(loc, s, e, o)
    },
  }
}

const rootUrl = (dir: string) => pathToFileURL(dir).href + '/'

async function readParquet(path: string): Promise<Row[]> {
  const buf = await readFile(path)
  const file = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength)
  return (await parquetReadObjects({ file })) as Row[]
}

/** Rows of a data file that survive its DV, read independently of the scan path. */
async function survivingRows(tableDir: string, path: string, dv: DeletionVectorDescriptor | undefined, fs: FileSystem): Promise<Row[]> {
  const rows = await readParquet(join(tableDir, decodeURIComponent(path)))
  if (!dv) return rows
  const bitmap = await loadDeletionVector(fs, rootUrl(tableDir), dv)
  const mask = deletionKeepMask(bitmap, 0, rows.length) ?? new Uint8Array(rows.length).fill(1)
  return rows.filter((_, i) => mask[i] === 1)
}

for (const group of ['kernel-rs', 'delta-rs']) {
  test(`${group}/table-with-dv-small: one ranged read, rows 0 and 9 deleted, values 1..8 remain`, async () => {
    const dir = join(CORPORA, group, 'table-with-dv-small')
    const [{ dv, path }] = tableDvs(dir)
    const fs = countingFs()
    const bitmap = await loadDeletionVector(fs, rootUrl(dir), dv)
    assert.deepEqual(bitmap.toArray(), [0, 9])
    // The DV is the file's first: bytes [0, 1 + 4 + 36 + 4) in one request, version byte included.
    assert.deepEqual(fs.calls, [`readRange ${rootUrl(dir)}deletion_vector_61d16c75-6994-46b7-a15b-8b538852e50e.bin 0 45`])
    // kernel-rs's with_predicate_and_removes: the table reads as values 1..8.
    const rows = await survivingRows(dir, path, dv, fs)
    assert.deepEqual(rows.map((r) => r.value), [1, 2, 3, 4, 5, 6, 7, 8])
  })
}

test('kernel-rs/with-short-dv: ids 0-2 of the first file are deleted (kernel-rs short_dv keeps ids 3..9)', async () => {
  const dir = join(CORPORA, 'kernel-rs/with-short-dv')
  const fs = countingFs()
  const [{ dv, path }] = tableDvs(dir)
  const rows = await survivingRows(dir, path, dv, fs)
  assert.deepEqual(rows.map((r) => Number(r.id)), [3, 4])
})

test('golden dv-partitioned-with-checkpoint: data files minus their DVs are exactly the expected rows', async () => {
  const dir = join(CORPORA, 'golden/dv-partitioned-with-checkpoint/delta')
  // Minimal replay of the JSON commits: the newest action per (path, DV id) wins.
  const live = new Map<string, { path: string; dv?: DeletionVectorDescriptor; part: string }>()
  const log = join(dir, '_delta_log')
  for (const file of (await readdir(log)).filter((f) => f.endsWith('.json')).sort()) {
    for (const line of (await readFile(join(log, file), 'utf8')).split('\n').filter(Boolean)) {
      const a = JSON.parse(line) as { add?: Row; remove?: Row }
      const act = (a.add ?? a.remove) as { path: string; deletionVector?: DeletionVectorDescriptor; partitionValues?: Record<string, string> } | undefined
      if (!act) continue
      const key = `${act.path}\u0000${act.deletionVector ? dvUniqueId(act.deletionVector) : ''}`
      if (a.add) live.set(key, { path: act.path, part: act.partitionValues!.part!, ...(act.deletionVector ? { dv: act.deletionVector } : {}) })
      else live.delete(key)
    }
  }
  assert.ok([...live.values()].filter((f) => f.dv).length >= 2, `expected files with DVs, found ${[...live.values()].filter((f) => f.dv).length}`)
  const fs = countingFs()
  const got: string[] = []
  for (const f of live.values()) {
    for (const r of await survivingRows(dir, f.path, f.dv, fs)) got.push(`${f.part}|${r.col1}|${r.col2}`)
  }
  const expectedDir = join(dir, '../expected')
  const expected: string[] = []
  for (const file of (await readdir(expectedDir)).filter((f) => f.endsWith('.parquet'))) {
    for (const r of await readParquet(join(expectedDir, file))) expected.push(`${r.part}|${r.col1}|${r.col2}`)
  }
  assert.deepEqual(got.sort(), expected.sort())
})

test('golden dv-partitioned-with-checkpoint: every DV in the checkpoint loads and matches its cardinality', async () => {
  const dir = join(CORPORA, 'golden/dv-partitioned-with-checkpoint/delta')
  const rows = await readParquet(join(dir, '_delta_log/00000000000000000010.checkpoint.parquet'))
  const fs = countingFs()
  let n = 0
  for (const row of rows) {
    const raw = (row.add as { deletionVector?: Record<string, unknown> | null } | null)?.deletionVector
    if (!raw) continue
    const dv: DeletionVectorDescriptor = {
      storageType: raw.storageType as 'u',
      pathOrInlineDv: raw.pathOrInlineDv as string,
      offset: Number(raw.offset),
      sizeInBytes: Number(raw.sizeInBytes),
      cardinality: Number(raw.cardinality),
    }
    const bitmap = await loadDeletionVector(fs, rootUrl(dir), dv)
    assert.equal(bitmap.cardinality, dv.cardinality)
    n++
  }
  assert.ok(n >= 3, `expected DVs in the checkpoint, found ${n}`)
})

test('inline DVs need no I/O; a later DV in a file costs one exact range', async () => {
  const fs = countingFs()
  const inline = inlineDvDescriptor(RoaringBitmapArray.from([2, 3]))
  assert.deepEqual((await loadDeletionVector(fs, 'file:///nowhere/', inline)).toArray(), [2, 3])
  assert.deepEqual(fs.calls, [])

  const dir = await mkdtemp(join(tmpdir(), 'dv-read-'))
  try {
    const uuid = '550e8400-e29b-41d4-a716-446655440000'
    const { bytes, entries } = encodeDvFile([RoaringBitmapArray.from([1]), RoaringBitmapArray.from([7, 8, 2 ** 33])])
    await writeFile(join(dir, `deletion_vector_${uuid}.bin`), bytes)
    const dv: DeletionVectorDescriptor = { storageType: 'u', pathOrInlineDv: encodeUuidDvPath(uuid), ...entries[1]! }
    assert.deepEqual((await loadDeletionVector(fs, rootUrl(dir), dv)).toArray(), [7, 8, 2 ** 33])
    assert.deepEqual(fs.calls, [`readRange ${rootUrl(dir)}deletion_vector_${uuid}.bin ${entries[1]!.offset} ${bytes.length}`])

    // Broken descriptors and files fail with typed errors.
    await assert.rejects(loadDeletionVector(fs, rootUrl(dir), { ...dv, sizeInBytes: dv.sizeInBytes + 10 }), DeltaError)
    await assert.rejects(loadDeletionVector(fs, rootUrl(dir), { ...dv, cardinality: 2 }), /cardinality is 2/)
    await assert.rejects(loadDeletionVector(fs, rootUrl(dir), { ...dv, pathOrInlineDv: encodeUuidDvPath('123e4567-e89b-12d3-a456-426614174000') }), FileNotFoundError)
    const aborted = AbortSignal.abort()
    await assert.rejects(loadDeletionVector(fs, rootUrl(dir), dv, { signal: aborted }), AbortedError)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

test('keep-masks agree with a Set model for any window, across containers and above 2^32', () => {
  const values = fc.array(
    fc.oneof(fc.nat(3 * 65536), fc.integer({ min: 2 ** 32 - 70_000, max: 2 ** 32 + 70_000 })),
    { maxLength: 300 },
  )
  const runs = fc.array(fc.tuple(fc.nat(3 * 65536), fc.nat(3000)), { maxLength: 4 })
  fc.assert(
    fc.property(values, runs, fc.oneof(fc.nat(3 * 65536), fc.integer({ min: 2 ** 32 - 70_000, max: 2 ** 32 + 70_000 })), fc.nat(70_000), (vs, rs, first, count) => {
      const all = [...vs, ...rs.flatMap(([s, l]) => Array.from({ length: l }, (_, i) => s + i))]
      const set = new Set(all)
      const mask = deletionKeepMask(RoaringBitmapArray.from(all), first, count)
      let anyDeleted = false
      for (let i = 0; i < count; i++) if (set.has(first + i)) anyDeleted = true
      if (!anyDeleted) return assert.equal(mask, undefined)
      assert.ok(mask)
      assert.equal(mask.length, count)
      for (let i = 0; i < count; i++) assert.equal(mask[i], set.has(first + i) ? 0 : 1, `row ${first + i}`)
    }),
    { seed: 42, numRuns: 200 },
  )
})

test('the selector drops deleted rows batch by batch and rejects nonsense windows', () => {
  const select = deletionVectorSelector(RoaringBitmapArray.from([0, 9, 10]))
  assert.deepEqual(select({ numRows: 5 }, 0), Uint8Array.from([0, 1, 1, 1, 1]))
  assert.equal(select({ numRows: 4 }, 5), undefined)
  assert.deepEqual(select({ numRows: 3 }, 9), Uint8Array.from([0, 0, 1]))
  assert.equal(deletionVectorSelector(RoaringBitmapArray.empty())({ numRows: 3 }, 0), undefined)
  assert.throws(() => deletionKeepMask(RoaringBitmapArray.empty(), -1, 3), /non-negative integers/)
})
