/**
 * Path safety: paths in the log (`add.path`, `remove.path`, `cdc.path`, DV paths, sidecar paths)
 * that are absolute or escape the table root are refused with `InvalidPathError` unless
 * `allowAbsolutePaths` is set (shallow clones), and nothing outside the root is ever read or
 * deleted: every storage call goes through a recording wrapper and is checked.
 */
import assert from 'node:assert/strict'
import { chmodSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { pathToFileURL } from 'node:url'
import type { FileSystem } from '../../src/engine/file-system.js'
import { type FaultyFileSystem, withFaults } from '../../src/engines/fault-injection.js'
import { createLocalFileSystem } from '../../src/engines/local-fs.js'
import { createMemoryFileSystem } from '../../src/engines/memory.js'
import { DeltaError, InvalidPathError } from '../../src/errors.js'
import { encodeUuidDvPath } from '../../src/protocol/deletion-vector.js'
import { rowToJson } from '../../src/protocol/value-encoding.js'
import { Scan } from '../../src/scan/scan.js'
import { Table } from '../../src/table.js'
import { vacuum } from '../../src/txn/vacuum.js'
import { CORPORA, ROOT, corpusFs, describeError, engineOn, reporter } from './helpers.js'

const report = reporter('path safety')
after(() => report.print())

const DV_TABLE = 'kernel-rs/table-with-dv-small'
const DATA = 'part-00000-fae5310a-a37d-4e51-827b-c3d5516560ca-c000.snappy.parquet'
const DV_UUID = '61d16c75-6994-46b7-a15b-8b538852e50e'
const DV_ROWS = [1, 2, 3, 4, 5, 6, 7, 8].map((value) => JSON.stringify({ value }))
const enc = (s: string) => new TextEncoder().encode(s)
const dec = (b: Uint8Array) => new TextDecoder().decode(b)

/** Paths an attacker would write into a log, relative to a table at memory:///t/. */
const HOSTILE = [
  'file:///etc/passwd',
  '/etc/passwd',
  '../secret.parquet',
  'a/../../secret.parquet',
  '%2e%2e/secret.parquet',
  '%2E%2E/%2e%2e/secret.parquet',
  'memory:///t/../secret.parquet',
  'memory:///t/%2e%2e/secret.parquet',
  'memory:///other/secret.parquet',
  'memory://evil-host/t/secret.parquet',
  '//evil-host/t/secret.parquet',
  's3://other-bucket/secret.parquet',
  'https://example.com/secret.parquet',
  'C:/Windows/secret.parquet',
  '.',
  'a/..',
]

async function editCommit1(fs: FileSystem, edit: (o: Record<string, Record<string, unknown>>) => void): Promise<void> {
  const loc = `${ROOT}_delta_log/00000000000000000001.json`
  const lines = dec(await fs.read(loc)).split('\n').filter((l) => l.trim() !== '')
  await fs.put(loc, enc(lines.map((l) => {
    const o = JSON.parse(l) as Record<string, Record<string, unknown>>
    edit(o)
    return JSON.stringify(o)
  }).join('\n')))
}

async function scanRows(fs: FileSystem, root = ROOT, allowAbsolutePaths = false): Promise<string[]> {
  const snapshot = await Table.open(root, engineOn(fs)).snapshot()
  const rows: string[] = []
  for await (const b of new Scan(snapshot, { allowAbsolutePaths }).batches()) for (let i = 0; i < b.numRows; i++) rows.push(JSON.stringify(rowToJson(b, i)))
  return rows.sort()
}

function assertInside(fs: FaultyFileSystem, root: string, what: string): void {
  const outside = fs.faults.calls.filter((c) => !c.location.startsWith(root) || /\/\.\.?(\/|$)|%2e%2e/i.test(c.location.slice(root.length)))
  assert.deepEqual(outside, [], `${what}: storage calls outside ${root}`)
}

async function expectRefused(fs: FaultyFileSystem, what: string, run: () => Promise<unknown>): Promise<void> {
  await assert.rejects(run(), (e: unknown) => {
    assert.ok(e instanceof InvalidPathError, `${what}: expected InvalidPathError, got ${describeError(e)}`)
    assert.equal(e.code, 'INVALID_PATH')
    return true
  })
  assertInside(fs, ROOT, what)
}

test('add.path that is absolute or escapes the root is refused, and nothing outside the root is touched', async () => {
  for (const p of HOSTILE) {
    const inner = corpusFs(DV_TABLE)
    await editCommit1(inner, (o) => {
      if (o.add) {
        o.add.path = p
        delete o.add.deletionVector
      }
    })
    const fs = withFaults(inner)
    await expectRefused(fs, `add.path ${p}`, () => scanRows(fs))
    report.add('add.path', p, 'InvalidPathError (INVALID_PATH); no I/O outside the root')
  }
})

test("a 'p' DV path that is absolute elsewhere or escapes is refused", async () => {
  for (const p of HOSTILE.filter((x) => /^[a-zA-Z][a-zA-Z0-9+.-]*:|^\//.test(x))) {
    const inner = corpusFs(DV_TABLE)
    await editCommit1(inner, (o) => {
      if (o.add?.deletionVector) Object.assign(o.add.deletionVector, { storageType: 'p', pathOrInlineDv: p })
    })
    const fs = withFaults(inner)
    await expectRefused(fs, `DV p ${p}`, () => scanRows(fs))
    report.add('DV path (p)', p, 'InvalidPathError (INVALID_PATH); no I/O outside the root')
  }
})

test("a 'u' DV whose directory prefix escapes the root is refused", async () => {
  for (const prefix of ['../', '../../etc/', '/etc/', '//evil-host/', 'a/../../']) {
    const inner = corpusFs(DV_TABLE)
    await editCommit1(inner, (o) => {
      if (o.add?.deletionVector) Object.assign(o.add.deletionVector, { pathOrInlineDv: encodeUuidDvPath(DV_UUID, prefix) })
    })
    const fs = withFaults(inner)
    await expectRefused(fs, `DV u prefix ${prefix}`, () => scanRows(fs))
    report.add('DV path (u prefix)', prefix, 'InvalidPathError (INVALID_PATH); no I/O outside the root')
  }
})

test('sidecar paths outside _delta_log/_sidecars are refused before any read', async () => {
  const table = 'kernel-rs/v2-checkpoints-json-with-sidecars'
  const cp = `${ROOT}_delta_log/00000000000000000006.checkpoint.2a15d0c6-8b11-4a98-bab4-957905d62f7f.json`
  const sidecars = [...HOSTILE, 'memory:///t/_delta_log/_sidecars/../../secret.parquet', 'memory:///t/_delta_log/_sidecars/%2e%2e/x.parquet']
  for (const p of sidecars) {
    const inner = corpusFs(table)
    const lines = dec(await inner.read(cp)).split('\n').filter((l) => l.trim() !== '')
    let done = false
    await inner.put(cp, enc(lines.map((l) => {
      const o = JSON.parse(l) as { sidecar?: { path: string } }
      if (o.sidecar && !done) {
        o.sidecar.path = p
        done = true
      }
      return JSON.stringify(o)
    }).join('\n')))
    const fs = withFaults(inner)
    await expectRefused(fs, `sidecar ${p}`, () => Table.open(ROOT, engineOn(fs)).snapshot())
    report.add('sidecar path', p, 'InvalidPathError (INVALID_PATH); no I/O outside the root')
  }
})

test('cdc and remove paths never cause I/O on a read, whatever they hold', async () => {
  for (const p of HOSTILE) {
    const inner = corpusFs(DV_TABLE)
    await inner.put(`${ROOT}_delta_log/00000000000000000002.json`, enc(
      [{ remove: { path: p, deletionTimestamp: 1, dataChange: true } }, { cdc: { path: p, partitionValues: {}, size: 1, dataChange: false } }]
        .map((a) => JSON.stringify(a)).join('\n'),
    ))
    const fs = withFaults(inner)
    assert.deepEqual(await scanRows(fs), DV_ROWS)
    assertInside(fs, ROOT, `cdc/remove ${p}`)
  }
  report.add('cdc.path / remove.path', `${HOSTILE.length} hostile values`, 'readable, correct; never resolved, no I/O outside the root')
})

test('vacuum of a table with hostile remove and add paths deletes nothing outside the root', async () => {
  for (const p of HOSTILE) {
    const inner = corpusFs(DV_TABLE)
    await inner.put('memory:///other/secret.parquet', enc('keep me'))
    await inner.put('memory:///secret.parquet', enc('keep me'))
    await inner.put(`${ROOT}orphan.parquet`, enc('unreferenced'))
    await inner.put(`${ROOT}_delta_log/00000000000000000002.json`, enc(
      // The tombstone is unexpired, so vacuum resolves its path to protect it.
      [{ remove: { path: p, deletionTimestamp: Date.now() + 36_000_000, dataChange: true } }]
        .map((a) => JSON.stringify(a)).join('\n'),
    ))
    const fs = withFaults(inner)
    let outcome: string
    try {
      const out = await vacuum(Table.open(ROOT, engineOn(fs)), { retentionHours: 0, force: true, now: Date.now() + 3_600_000 })
      assert.deepEqual(out.deleted, [`${ROOT}orphan.parquet`])
      outcome = 'deleted only the orphan inside the root'
    } catch (e) {
      assert.ok(e instanceof DeltaError, describeError(e))
      outcome = describeError(e)
    }
    assert.deepEqual(fs.faults.calls.filter((c) => c.op === 'delete' && !c.location.startsWith(ROOT)), [])
    assert.equal(dec(await inner.read('memory:///other/secret.parquet')), 'keep me')
    assert.equal(dec(await inner.read('memory:///secret.parquet')), 'keep me')
    report.add('vacuum with remove.path', p, outcome)
  }
})

test('allowAbsolutePaths reads a shallow clone whose files and DVs live in another table', async () => {
  const fs = createMemoryFileSystem()
  const source = corpusFs(DV_TABLE, { root: 'memory:///src/' })
  for await (const m of source.list('memory:///src/', { recursive: true })) await fs.put(m.location, await source.read(m.location))
  // The clone's log names the source's files by absolute URI, and its DV by a 'p' path.
  for (const v of [0, 1]) {
    const name = `_delta_log/0000000000000000000${v}.json`
    const lines = dec(await fs.read(`memory:///src/${name}`)).split('\n').filter((l) => l.trim() !== '')
    await fs.put(`${ROOT}${name}`, enc(lines.map((l) => {
      const o = JSON.parse(l) as Record<string, Record<string, unknown>>
      for (const a of [o.add, o.remove]) {
        if (!a) continue
        a.path = `memory:///src/${a.path as string}`
        if (a.deletionVector) Object.assign(a.deletionVector, { storageType: 'p', pathOrInlineDv: `memory:///src/deletion_vector_${DV_UUID}.bin` })
      }
      return JSON.stringify(o)
    }).join('\n')))
  }
  const refused = withFaults(fs)
  await expectRefused(refused, 'shallow clone without the option', () => scanRows(refused))
  const allowed = withFaults(fs)
  assert.deepEqual(await scanRows(allowed, ROOT, true), DV_ROWS)
  const touched = [...new Set(allowed.faults.calls.map((c) => c.location))].filter((l) => !l.startsWith(ROOT)).sort()
  assert.deepEqual(touched, [`memory:///src/deletion_vector_${DV_UUID}.bin`, `memory:///src/${DATA}`])
  report.add('shallow clone', 'absolute add.path + p DV into another table', 'refused by default; with allowAbsolutePaths reads the 8 correct rows, touching only the two referenced files')
})

test('on the local file system, hostile paths are refused and no file outside the table is opened', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dk-paths-'))
  try {
    const tableDir = join(dir, 'table')
    cpSync(join(CORPORA, DV_TABLE), tableDir, { recursive: true })
    for (const p of [tableDir, join(tableDir, '_delta_log')]) chmodSync(p, 0o755)
    const log = join(tableDir, '_delta_log', '00000000000000000001.json')
    chmodSync(log, 0o644)
    writeFileSync(join(dir, 'secret.parquet'), readFileSync(join(tableDir, DATA)))
    const original = readFileSync(log, 'utf8')
    const root = `${pathToFileURL(tableDir).href}/`
    const hostile = ['../secret.parquet', '%2e%2e/secret.parquet', `${pathToFileURL(dir).href}/secret.parquet`, `file:${dir}/table/../secret.parquet`, `${root}..%2Fsecret.parquet`, '..\\secret.parquet', 'file://evil-host/etc/passwd']
    for (const p of hostile) {
      writeFileSync(log, original.split('\n').filter((l) => l.trim() !== '').map((l) => {
        const o = JSON.parse(l) as Record<string, Record<string, unknown>>
        if (o.add) {
          o.add.path = p
          delete o.add.deletionVector
        }
        return JSON.stringify(o)
      }).join('\n'))
      const fs = withFaults(createLocalFileSystem())
      await assert.rejects(scanRows(fs, root), (e: unknown) => {
        assert.ok(e instanceof DeltaError, `${p}: ${describeError(e)}`)
        // An encoded '/' inside a name is not an escape, but the local engine cannot name such a file.
        assert.ok(e.code === 'INVALID_PATH' || e.code === 'INVALID_ARGUMENT', `${p}: ${e.code} ${e.message}`)
        return true
      })
      assertInside(fs, root, `local ${p}`)
      report.add('local add.path', p, 'refused (typed); no file outside the table opened')
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
