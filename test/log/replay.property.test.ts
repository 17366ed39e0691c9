/**
 * Property: random histories of commits (add/remove/txn/metaData/protocol/domainMetadata), with
 * UUID-named JSON checkpoints and truthful, stale or lying `_last_checkpoint` hints sprinkled in,
 * reconstruct at every version the same state as a small reference model of the spec's rules.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { createMemoryFileSystem } from '../../src/engines/memory.js'
import type { Engine } from '../../src/engine/engine.js'
import type { ParquetHandler } from '../../src/engine/parquet.js'
import { Table } from '../../src/table.js'
import { padVersion } from '../../src/log/log-files.js'

const SCHEMA = JSON.stringify({ type: 'struct', fields: [{ name: 'x', type: 'long', nullable: true, metadata: {} }] })
const ROOT = 'memory:///t/'
const enc = new TextEncoder()

type Act =
  | { add: { path: string; dv?: string } }
  | { remove: { path: string; dv?: string } }
  | { txn: { appId: string; version: number } }
  | { metaData: { config: string } }
  | { protocol: { reader: 1 | 2 } }
  | { domainMetadata: { domain: string; configuration: string; removed: boolean } }

/** The reference model: the spec's reconciliation rules, stated as plainly as possible. */
interface Model {
  files: Map<string, { path: string; dv?: string }>
  tombstones: Set<string>
  txns: Map<string, number>
  domains: Map<string, string>
  config: string
  reader: number
}
const keyOf = (a: { path: string; dv?: string }) => `${a.path}|${a.dv ?? ''}`

function applyModel(m: Model, acts: readonly Act[]): Model {
  const n: Model = { files: new Map(m.files), tombstones: new Set(m.tombstones), txns: new Map(m.txns), domains: new Map(m.domains), config: m.config, reader: m.reader }
  for (const a of acts) {
    if ('add' in a) {
      n.files.set(keyOf(a.add), a.add)
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
function toLogLine(a: Act): string {
  if ('add' in a) {
    return JSON.stringify({ add: { path: a.add.path, partitionValues: {}, size: 10, modificationTime: 1, dataChange: true, ...(a.add.dv ? { deletionVector: dvOf(a.add.dv) } : {}) } })
  }
  if ('remove' in a) {
    return JSON.stringify({ remove: { path: a.remove.path, deletionTimestamp: 5, dataChange: true, ...(a.remove.dv ? { deletionVector: dvOf(a.remove.dv) } : {}) } })
  }
  if ('txn' in a) return JSON.stringify({ txn: a.txn })
  if ('metaData' in a) return JSON.stringify(metaLine(a.metaData.config))
  if ('protocol' in a) return JSON.stringify({ protocol: { minReaderVersion: a.protocol.reader, minWriterVersion: 2 } })
  return JSON.stringify({ domainMetadata: a.domainMetadata })
}
const metaLine = (config: string) => ({
  metaData: { id: 'id', format: { provider: 'parquet', options: {} }, schemaString: SCHEMA, partitionColumns: [], configuration: { k: config } },
})

/** A V2 JSON checkpoint holding the model state. */
function checkpointOf(m: Model, version: number): string {
  const lines: unknown[] = [
    { checkpointMetadata: { version } },
    { protocol: { minReaderVersion: m.reader, minWriterVersion: 2 } },
    metaLine(m.config),
  ]
  for (const [appId, v] of m.txns) lines.push({ txn: { appId, version: v } })
  for (const [domain, configuration] of m.domains) lines.push({ domainMetadata: { domain, configuration, removed: false } })
  for (const f of m.files.values()) lines.push(JSON.parse(toLogLine({ add: f })))
  for (const k of m.tombstones) {
    const [path, dv] = k.split('|')
    lines.push(JSON.parse(toLogLine({ remove: { path: path!, ...(dv ? { dv } : {}) } })))
  }
  return lines.map((l) => JSON.stringify(l)).join('\n') + '\n'
}

const noParquet: ParquetHandler = {
  readFooter: () => Promise.reject(new Error('no parquet in this test')),
  read: () => {
    throw new Error('no parquet in this test')
  },
  write: () => Promise.reject(new Error('no parquet in this test')),
}

const action: fc.Arbitrary<Act> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ path: fc.constantFrom('a', 'b', 'c', 'd', 'e%20f', 'p=1/g'), dv: fc.option(fc.constantFrom('dv1', 'dv2'), { nil: undefined }) }).map((x) => ({ add: x.dv ? x : { path: x.path } })) },
  { weight: 3, arbitrary: fc.record({ path: fc.constantFrom('a', 'b', 'c', 'd', 'e%20f', 'p=1/g'), dv: fc.option(fc.constantFrom('dv1', 'dv2'), { nil: undefined }) }).map((x) => ({ remove: x.dv ? x : { path: x.path } })) },
  { weight: 1, arbitrary: fc.record({ appId: fc.constantFrom('app1', 'app2'), version: fc.nat(100) }).map((txn) => ({ txn })) },
  { weight: 1, arbitrary: fc.string({ maxLength: 3 }).map((config) => ({ metaData: { config } })) },
  { weight: 1, arbitrary: fc.constantFrom<1 | 2>(1, 2).map((reader) => ({ protocol: { reader } })) },
  { weight: 1, arbitrary: fc.record({ domain: fc.constantFrom('d1', 'd2'), configuration: fc.string({ maxLength: 3 }), removed: fc.boolean() }).map((domainMetadata) => ({ domainMetadata })) },
)

const history = fc.record({
  commits: fc.array(fc.array(action, { maxLength: 6 }), { minLength: 1, maxLength: 12 }),
  checkpoints: fc.array(fc.nat(12), { maxLength: 3 }),
  hint: fc.constantFrom<'none' | 'true' | 'stale' | 'lie' | 'garbage'>('none', 'true', 'stale', 'lie', 'garbage'),
})

test('replay of random histories with checkpoints agrees with the reference model', async () => {
  await fc.assert(
    fc.asyncProperty(history, async ({ commits, checkpoints, hint }) => {
      const fs = createMemoryFileSystem()
      const engine: Engine = { fileSystem: fs, parquet: noParquet }
      const models: Model[] = []
      let m: Model = { files: new Map(), tombstones: new Set(), txns: new Map(), domains: new Map(), config: '', reader: 1 }
      for (let v = 0; v < commits.length; v++) {
        const acts: Act[] = v === 0 ? [{ protocol: { reader: 1 } }, { metaData: { config: 'init' } }, ...commits[0]!] : commits[v]!
        m = applyModel(m, acts)
        models.push(m)
        await fs.put(`${ROOT}_delta_log/${padVersion(v)}.json`, enc.encode(acts.map(toLogLine).join('\n') + '\n'))
      }
      const cps = [...new Set(checkpoints.filter((c) => c < commits.length))].sort((a, b) => a - b)
      for (const c of cps) {
        await fs.put(`${ROOT}_delta_log/${padVersion(c)}.checkpoint.0f0e0d0c-0000-4000-8000-00000000000${c % 10}.json`, enc.encode(checkpointOf(models[c]!, c)))
      }
      const last = cps[cps.length - 1]
      const hints: Record<string, string | undefined> = {
        none: undefined,
        true: last !== undefined ? JSON.stringify({ version: last, size: 1 }) : undefined,
        stale: cps[0] !== undefined ? JSON.stringify({ version: cps[0], size: 1 }) : undefined,
        lie: JSON.stringify({ version: commits.length + 5, size: 1 }),
        garbage: '{"version": "x"',
      }
      if (hints[hint] !== undefined) await fs.put(`${ROOT}_delta_log/_last_checkpoint`, enc.encode(hints[hint]!))
      const table = Table.open(ROOT, engine)
      for (let v = 0; v < commits.length; v++) {
        const snap = await table.snapshot({ version: v })
        const want = models[v]!
        assert.deepEqual(
          new Set(snap.files().map((f) => keyOf({ path: f.path, ...(f.deletionVector ? { dv: f.deletionVector.pathOrInlineDv } : {}) }))),
          new Set(want.files.keys()),
          `files at version ${v}`,
        )
        assert.deepEqual(new Set(snap.tombstones().map((f) => keyOf({ path: f.path, ...(f.deletionVector ? { dv: f.deletionVector.pathOrInlineDv } : {}) }))), want.tombstones, `tombstones at ${v}`)
        assert.deepEqual(new Map(snap.appTransactions().map((t) => [t.appId, t.version])), want.txns, `txns at ${v}`)
        assert.deepEqual(new Map(snap.domainMetadataEntries().map((d) => [d.domain, d.configuration])), want.domains, `domains at ${v}`)
        assert.equal(snap.metadata.configuration.k, want.config)
        assert.equal(snap.protocol.minReaderVersion, want.reader)
      }
      const latest = await table.snapshot()
      assert.equal(latest.version, commits.length - 1)
    }),
    { seed: 20261129, numRuns: 60 },
  )
})
