/**
 * Property: `Snapshot.update()` chained across random split points of random histories (adds,
 * removes, DVs, txns, domains, protocol and metaData changes, JSON V2 checkpoints) gives at every
 * version the state a small reference model of the spec's rules predicts, the same state as a
 * fresh load, and leaves every earlier snapshot exactly as it was.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { createMemoryFileSystem } from '../../src/engines/memory.js'
import type { Engine } from '../../src/engine/engine.js'
import type { FileSystem } from '../../src/engine/file-system.js'
import type { ParquetHandler } from '../../src/engine/parquet.js'
import { Table } from '../../src/table.js'
import type { Snapshot } from '../../src/snapshot.js'
import { padVersion } from '../../src/log/log-files.js'
import { canon } from './snapshot-state.js'

const SCHEMA = JSON.stringify({ type: 'struct', fields: [{ name: 'x', type: 'long', nullable: true, metadata: {} }] })
const ROOT = 'memory:///t/'
const enc = new TextEncoder()

type FileRef = { path: string; dv?: string }
type Act =
  | { add: FileRef }
  | { remove: FileRef }
  | { txn: { appId: string; version: number } }
  | { metaData: { config: string } }
  | { protocol: { reader: 1 | 2 } }
  | { domainMetadata: { domain: string; configuration: string; removed: boolean } }

/** The reference model: the spec's reconciliation rules, stated plainly. */
interface Model {
  files: Set<string>
  tombstones: Set<string>
  txns: Map<string, number>
  domains: Map<string, string>
  config: string
  reader: number
}
const keyOf = (a: FileRef) => `${a.path}|${a.dv ?? ''}`

function applyModel(m: Model, acts: readonly Act[]): Model {
  const n: Model = { files: new Set(m.files), tombstones: new Set(m.tombstones), txns: new Map(m.txns), domains: new Map(m.domains), config: m.config, reader: m.reader }
  for (const a of acts) {
    if ('add' in a) {
      n.files.add(keyOf(a.add))
      n.tombstones.delete(keyOf(a.add))
    } else if ('remove' in a) {
      n.files.delete(keyOf(a.remove))
      n.tombstones.add(keyOf(a.remove))
    } else if ('txn' in a) n.txns.set(a.txn.appId, a.txn.version)
    else if ('metaData' in a) n.config = a.metaData.config
    else if ('protocol' in a) n.reader = a.protocol.reader
    else if (a.domainMetadata.removed) n.domains.delete(a.domainMetadata.domain)
    else n.domains.set(a.domainMetadata.domain, a.domainMetadata.configuration)
  }
  return n
}

const dvOf = (id: string) => ({ storageType: 'i', pathOrInlineDv: id, sizeInBytes: 4, cardinality: 1 })
const metaLine = (config: string) => ({
  metaData: { id: 'id', format: { provider: 'parquet', options: {} }, schemaString: SCHEMA, partitionColumns: [], configuration: { k: config } },
})
const addObj = (f: FileRef) => ({ add: { path: f.path, partitionValues: {}, size: 10, modificationTime: 1, dataChange: true, ...(f.dv ? { deletionVector: dvOf(f.dv) } : {}) } })
const removeObj = (f: FileRef) => ({ remove: { path: f.path, deletionTimestamp: 5, dataChange: true, ...(f.dv ? { deletionVector: dvOf(f.dv) } : {}) } })

function toLogLine(a: Act): string {
  if ('add' in a) return JSON.stringify(addObj(a.add))
  if ('remove' in a) return JSON.stringify(removeObj(a.remove))
  if ('txn' in a) return JSON.stringify({ txn: a.txn })
  if ('metaData' in a) return JSON.stringify(metaLine(a.metaData.config))
  if ('protocol' in a) return JSON.stringify({ protocol: { minReaderVersion: a.protocol.reader, minWriterVersion: 2 } })
  return JSON.stringify({ domainMetadata: a.domainMetadata })
}

const refOf = (k: string): FileRef => {
  const [path, dv] = k.split('|')
  return { path: path!, ...(dv ? { dv } : {}) }
}

/** A V2 JSON checkpoint holding the model state. */
function checkpointOf(m: Model, version: number): string {
  const lines: unknown[] = [{ checkpointMetadata: { version } }, { protocol: { minReaderVersion: m.reader, minWriterVersion: 2 } }, metaLine(m.config)]
  for (const [appId, v] of m.txns) lines.push({ txn: { appId, version: v } })
  for (const [domain, configuration] of m.domains) lines.push({ domainMetadata: { domain, configuration, removed: false } })
  for (const k of m.files) lines.push(addObj(refOf(k)))
  for (const k of m.tombstones) lines.push(removeObj(refOf(k)))
  return lines.map((l) => JSON.stringify(l)).join('\n') + '\n'
}

const noParquet: ParquetHandler = {
  readFooter: () => Promise.reject(new Error('no parquet in this test')),
  read: () => {
    throw new Error('no parquet in this test')
  },
  write: () => Promise.reject(new Error('no parquet in this test')),
}

const PATHS = ['a', 'b', 'c', 'd', 'e%20f', 'p=1/g', 'h', 'i']
const fileRef = fc.record({ path: fc.constantFrom(...PATHS), dv: fc.option(fc.constantFrom('dv1', 'dv2'), { nil: undefined }) }).map((x) => (x.dv ? x : { path: x.path }))
const action: fc.Arbitrary<Act> = fc.oneof(
  { weight: 6, arbitrary: fileRef.map((add) => ({ add })) },
  { weight: 3, arbitrary: fileRef.map((remove) => ({ remove })) },
  { weight: 1, arbitrary: fc.record({ appId: fc.constantFrom('app1', 'app2'), version: fc.nat(100) }).map((txn) => ({ txn })) },
  { weight: 1, arbitrary: fc.string({ maxLength: 3 }).map((config) => ({ metaData: { config } })) },
  { weight: 1, arbitrary: fc.constantFrom<1 | 2>(1, 2).map((reader) => ({ protocol: { reader } })) },
  { weight: 1, arbitrary: fc.record({ domain: fc.constantFrom('d1', 'd2'), configuration: fc.string({ maxLength: 3 }), removed: fc.boolean() }).map((domainMetadata) => ({ domainMetadata })) },
)

const history = fc.record({
  commits: fc.array(fc.array(action, { maxLength: 8 }), { minLength: 2, maxLength: 14 }),
  checkpoints: fc.array(fc.nat(14), { maxLength: 3 }),
  /** Versions the growing log is refreshed at (the tail), and split points of the final chain. */
  tailAt: fc.array(fc.nat(14), { maxLength: 6 }),
  chain: fc.array(fc.nat(14), { minLength: 1, maxLength: 6 }),
})

/** Everything observable about a snapshot's state, order-free. */
function fingerprint(s: Snapshot): string {
  const sorted = (xs: readonly unknown[]) => xs.map((x) => JSON.stringify(canon(x))).sort()
  return JSON.stringify({
    version: s.version,
    files: sorted(s.files()),
    tombstones: sorted(s.tombstones()),
    txns: sorted(s.appTransactions()),
    domains: sorted(s.domainMetadataEntries()),
    protocol: canon(s.protocol),
    metadata: canon(s.metadata),
    schema: canon(s.schema),
  })
}

function assertModel(s: Snapshot, want: Model, label: string): void {
  const keys = (xs: readonly { path: string; deletionVector?: { pathOrInlineDv: string } | null }[]) =>
    new Set(xs.map((f) => keyOf({ path: f.path, ...(f.deletionVector ? { dv: f.deletionVector.pathOrInlineDv } : {}) })))
  assert.deepEqual(keys(s.files()), want.files, `files, ${label}`)
  assert.equal(s.files().length, want.files.size, `no duplicate files, ${label}`)
  assert.deepEqual(keys(s.tombstones()), want.tombstones, `tombstones, ${label}`)
  assert.deepEqual(new Map(s.appTransactions().map((t) => [t.appId, t.version])), want.txns, `txns, ${label}`)
  assert.deepEqual(new Map(s.domainMetadataEntries().map((d) => [d.domain, d.configuration])), want.domains, `domains, ${label}`)
  assert.equal(s.metadata.configuration.k, want.config, `metadata, ${label}`)
  assert.equal(s.protocol.minReaderVersion, want.reader, `protocol, ${label}`)
}

test('update() chained across random split points equals a fresh load and the model; earlier snapshots are unchanged', async () => {
  await fc.assert(
    fc.asyncProperty(history, async ({ commits, checkpoints, tailAt, chain }) => {
      const fs = createMemoryFileSystem()
      const engine: Engine = { fileSystem: fs, parquet: noParquet }
      const table = Table.open(ROOT, engine)
      const models: Model[] = []
      const cps = new Set(checkpoints.filter((c) => c < commits.length))
      const tails = new Set(tailAt)
      const seen: { snapshot: Snapshot; print: string }[] = []
      const remember = (s: Snapshot) => seen.push({ snapshot: s, print: fingerprint(s) })
      let m: Model = { files: new Set(), tombstones: new Set(), txns: new Map(), domains: new Map(), config: '', reader: 1 }
      let tail: Snapshot | undefined
      // The log grows commit by commit; a tailing reader refreshes at some of the versions.
      for (let v = 0; v < commits.length; v++) {
        const acts: Act[] = v === 0 ? [{ protocol: { reader: 1 } }, { metaData: { config: 'init' } }, ...commits[0]!] : commits[v]!
        m = applyModel(m, acts)
        models.push(m)
        await fs.put(`${ROOT}_delta_log/${padVersion(v)}.json`, enc.encode(acts.map(toLogLine).join('\n') + '\n'))
        if (cps.has(v)) await fs.put(`${ROOT}_delta_log/${padVersion(v)}.checkpoint.0f0e0d0c-0000-4000-8000-00000000000${v % 10}.json`, enc.encode(checkpointOf(m, v)))
        if (tails.has(v) || v === commits.length - 1) {
          const next = tail ? await tail.update() : await table.snapshot()
          assert.equal(next.version, v)
          assertModel(next, m, `tail at ${v}`)
          assert.equal(fingerprint(next), fingerprint(await table.snapshot()), `tail at ${v} vs fresh load`)
          assert.equal(await next.update(), next, 'nothing new: the same snapshot')
          remember(next)
          tail = next
        }
      }
      // Split points over the finished log: start fresh at the first, then update({ version }) on.
      const points = [...new Set(chain.map((c) => c % commits.length))].sort((a, b) => a - b)
      let s = await table.snapshot({ version: points[0]! })
      remember(s)
      for (const p of points.slice(1)) {
        s = await table.snapshot({ from: s, version: p })
        assert.equal(s.version, p)
        assertModel(s, models[p]!, `chain at ${p}`)
        assert.equal(fingerprint(s), fingerprint(await table.snapshot({ version: p })), `chain at ${p} vs fresh load`)
        remember(s)
      }
      const latest = await s.update()
      assert.equal(latest.version, commits.length - 1)
      assertModel(latest, models[commits.length - 1]!, 'chain to latest')
      for (const { snapshot, print } of seen) assert.equal(fingerprint(snapshot), print, `snapshot ${snapshot.version} changed after later updates`)
    }),
    { seed: 42, numRuns: 80 },
  )
})

/** A file system that counts reads per file name. */
function counting(fs: FileSystem): { fs: FileSystem; reads: Map<string, number> } {
  const reads = new Map<string, number>()
  return {
    reads,
    fs: {
      ...fs,
      capabilities: fs.capabilities,
      list: (dir, o) => fs.list(dir, o),
      read: (loc, o) => {
        const name = loc.slice(loc.lastIndexOf('/') + 1)
        reads.set(name, (reads.get(name) ?? 0) + 1)
        return fs.read(loc, o)
      },
    },
  }
}

async function tableWith(versions: number, bigCommit: boolean): Promise<{ fs: FileSystem; put: (v: number, lines: unknown[]) => Promise<void> }> {
  const fs = createMemoryFileSystem()
  const put = (v: number, lines: unknown[]) => fs.put(`${ROOT}_delta_log/${padVersion(v)}.json`, enc.encode(lines.map((l) => JSON.stringify(l)).join('\n') + '\n'))
  await put(0, [{ protocol: { minReaderVersion: 1, minWriterVersion: 2 } }, metaLine('init'), addObj({ path: 'a' })])
  for (let v = 1; v < versions; v++) {
    // The same 200 files added and removed again: big commits, a small state (and checkpoint).
    const lines: unknown[] = bigCommit ? [...Array.from({ length: 200 }, (_, i) => addObj({ path: `f${i}` })), ...Array.from({ length: 200 }, (_, i) => removeObj({ path: `f${i}` }))] : [addObj({ path: `g${v}` })]
    await put(v, lines)
  }
  return { fs, put }
}

test('update() reads only the commits after the previous version, not a bigger newer checkpoint', async () => {
  const { fs: base, put } = await tableWith(3, false)
  const { fs, reads } = counting(base)
  const table = Table.open(ROOT, { fileSystem: fs, parquet: noParquet })
  const first = await table.snapshot()
  await put(3, [addObj({ path: 'x' })])
  await put(4, [removeObj({ path: 'a' })])
  // A checkpoint at 4 far bigger than the two commits: not worth reading.
  const big: Model = { files: new Set(['g1|', 'g2|', 'x|']), tombstones: new Set(Array.from({ length: 500 }, (_, i) => `old${i}|`).concat('a|')), txns: new Map(), domains: new Map(), config: 'init', reader: 1 }
  await base.put(`${ROOT}_delta_log/${padVersion(4)}.checkpoint.0f0e0d0c-0000-4000-8000-000000000004.json`, enc.encode(checkpointOf(big, 4)))
  reads.clear()
  const next = await first.update()
  assert.deepEqual([...reads.keys()].sort(), [`${padVersion(3)}.json`, `${padVersion(4)}.json`])
  assert.deepEqual(next.files().map((f) => f.path).sort(), ['g1', 'g2', 'x'])
  assert.deepEqual(first.files().map((f) => f.path).sort(), ['a', 'g1', 'g2'])
})

test('update() loads a newer checkpoint when its commits would cost more, and replays them when that checkpoint is corrupt', async () => {
  const { fs: base } = await tableWith(12, true)
  const table = Table.open(ROOT, { fileSystem: base, parquet: noParquet })
  const { fs, reads } = counting(base)
  const counted = Table.open(ROOT, { fileSystem: fs, parquet: noParquet })
  const first = await counted.snapshot({ version: 0 })
  const state: Model = { files: new Set(['a|']), tombstones: new Set(Array.from({ length: 200 }, (_, i) => `f${i}|`)), txns: new Map(), domains: new Map(), config: 'init', reader: 1 }
  const cpName = `${padVersion(10)}.checkpoint.0f0e0d0c-0000-4000-8000-000000000010.json`
  await base.put(`${ROOT}_delta_log/${cpName}`, enc.encode(checkpointOf(state, 10)))
  reads.clear()
  const viaCheckpoint = await counted.snapshot({ from: first })
  assert.equal(viaCheckpoint.version, 11)
  assert.equal(reads.get(cpName), 1, 'the checkpoint was read')
  assert.equal(reads.get(`${padVersion(1)}.json`), undefined, 'commits before it were not')
  assert.equal(fingerprint(viaCheckpoint), fingerprint(await table.snapshot()))
  // A corrupt newer checkpoint: the commits still reach the same state.
  await base.put(`${ROOT}_delta_log/${cpName}`, enc.encode('{"not": "a checkpoint"'))
  const viaCommits = await first.update()
  assert.equal(viaCommits.version, 11)
  assert.deepEqual(new Set(viaCommits.files().map((f) => f.path)), new Set(['a']))
  assert.equal(viaCommits.tombstones().length, 200)
})

test('update() to an older version loads it afresh; to a missing version throws', async () => {
  const { fs } = await tableWith(4, false)
  const table = Table.open(ROOT, { fileSystem: fs, parquet: noParquet })
  const latest = await table.snapshot()
  const older = await latest.update({ version: 1 })
  assert.equal(older.version, 1)
  assert.deepEqual(older.files().map((f) => f.path).sort(), ['a', 'g1'])
  await assert.rejects(latest.update({ version: 9 }), { code: 'VERSION_NOT_FOUND' })
  await assert.rejects(Table.open('memory:///other/', { fileSystem: fs, parquet: noParquet }).snapshot({ from: latest }), { code: 'INVALID_ARGUMENT' })
})
