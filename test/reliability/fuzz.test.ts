/**
 * Fuzzing the log parser and the checkpoint reader with mutated real logs (fixed seeds, a few
 * seconds). Every outcome must be a typed `DeltaError` or a snapshot that agrees with an
 * independent reference replay of the same (mutated) log; never an untyped error, never a hang.
 */
import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import fc from 'fast-check'
import type { FileSystem } from '../../src/engine/file-system.js'
import { DeltaError } from '../../src/errors.js'
import { Table } from '../../src/table.js'
import { ROOT, corpusLogFs, describeError, engineOn, reporter } from './helpers.js'

const report = reporter('fuzzing')
after(() => report.print())

const LOG = `${ROOT}_delta_log/`
const enc = (s: string) => new TextEncoder().encode(s)
const dec = (b: Uint8Array) => new TextDecoder().decode(b)

/** Tables whose logs are fuzzed: only JSON commits (their checkpoints are left out). */
const LOG_TABLES = ['kernel-rs/table-with-dv-small', 'delta-rs/delta-0.8.0-partitioned', 'golden/log-replay-latest-metadata-protocol/delta', 'kernel-rs/app-txn-no-checkpoint']

async function commitFiles(fs: FileSystem): Promise<string[]> {
  const out: string[] = []
  for await (const m of fs.list(LOG)) if (/\/\d{20}\.json$/.test(m.location)) out.push(m.location)
  return out.sort()
}

/**
 * Reference replay, written from PROTOCOL.md independently of the kernel: per commit in order,
 * `add` sets and `remove` deletes the key (path, DV unique id). Only the live keys are compared.
 */
async function referenceLiveKeys(fs: FileSystem): Promise<string[]> {
  const live = new Set<string>()
  for (const loc of await commitFiles(fs)) {
    for (const line of dec(await fs.read(loc)).split('\n')) {
      if (line.trim() === '') continue
      const o = JSON.parse(line) as Record<string, { path: string; deletionVector?: { storageType: string; pathOrInlineDv: string; offset?: number } | null }>
      const key = (a: (typeof o)[string]) => {
        const dv = a.deletionVector
        return dv ? `${a.path}|${dv.storageType}${dv.pathOrInlineDv}${dv.offset != null ? `@${dv.offset}` : ''}` : a.path
      }
      if (o.add) live.add(key(o.add))
      if (o.remove) live.delete(key(o.remove))
    }
  }
  return [...live].sort()
}

async function kernelLiveKeys(fs: FileSystem): Promise<string[]> {
  const s = await Table.open(ROOT, engineOn(fs)).snapshot()
  return s
    .files()
    .map((a) => {
      const dv = a.deletionVector
      return dv ? `${a.path}|${dv.storageType}${dv.pathOrInlineDv}${dv.offset != null ? `@${dv.offset}` : ''}` : a.path
    })
    .sort()
}

type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'dropLine'; line: number }
  | { kind: 'duplicateLine'; line: number }
  | { kind: 'swapLines'; a: number; b: number }
  | { kind: 'setValue'; line: number; pick: number; value: unknown }
  | { kind: 'unknownField'; line: number; value: unknown }
  | { kind: 'insertLine'; line: number; value: unknown }

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('dropLine' as const), line: fc.nat() }),
  fc.record({ kind: fc.constant('duplicateLine' as const), line: fc.nat() }),
  fc.record({ kind: fc.constant('swapLines' as const), a: fc.nat(), b: fc.nat() }),
  fc.record({ kind: fc.constant('setValue' as const), line: fc.nat(), pick: fc.nat(), value: fc.jsonValue({ maxDepth: 3 }) }),
  fc.record({ kind: fc.constant('unknownField' as const), line: fc.nat(), value: fc.jsonValue({ maxDepth: 3 }) }),
  fc.record({ kind: fc.constant('insertLine' as const), line: fc.nat(), value: fc.jsonValue({ maxDepth: 3 }) }),
)

/** Every (object, key) pair of a parsed value, depth first. */
function slots(v: unknown, out: [Record<string, unknown>, string][] = []): [Record<string, unknown>, string][] {
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    for (const k of Object.keys(v)) {
      out.push([v as Record<string, unknown>, k])
      slots((v as Record<string, unknown>)[k], out)
    }
  }
  return out
}

/** A line already broken by an earlier mutation is left alone by the structural ones. */
function parseOrUndefined(line: string): unknown {
  try {
    return JSON.parse(line)
  } catch {
    return undefined
  }
}

function mutate(bytes: Uint8Array, m: Mutation): Uint8Array {
  if (m.kind === 'flip') {
    const b = bytes.slice()
    if (b.length > 0) b[m.at % b.length]! ^= 1 << m.bit
    return b
  }
  if (m.kind === 'truncate') return bytes.subarray(0, bytes.length === 0 ? 0 : m.at % bytes.length)
  const lines = dec(bytes).split('\n').filter((l) => l.trim() !== '')
  if (lines.length === 0) return bytes
  const i = ('line' in m ? m.line : 0) % lines.length
  switch (m.kind) {
    case 'dropLine':
      lines.splice(i, 1)
      break
    case 'duplicateLine':
      lines.splice(i, 0, lines[i]!)
      break
    case 'swapLines': {
      const a = m.a % lines.length
      const b = m.b % lines.length
      ;[lines[a], lines[b]] = [lines[b]!, lines[a]!]
      break
    }
    case 'setValue': {
      const o = parseOrUndefined(lines[i]!)
      if (o === undefined) break
      const all = slots(o)
      if (all.length > 0) {
        const [obj, key] = all[m.pick % all.length]!
        obj[key] = m.value
      }
      lines[i] = JSON.stringify(o)
      break
    }
    case 'unknownField': {
      const o = parseOrUndefined(lines[i]!)
      if (!o || typeof o !== 'object') break
      for (const v of Object.values(o)) if (v && typeof v === 'object' && !Array.isArray(v)) (v as Record<string, unknown>).fuzzedUnknownField = m.value
      lines[i] = JSON.stringify(o)
      break
    }
    case 'insertLine':
      lines.splice(i, 0, JSON.stringify({ fuzzedUnknownAction: m.value }))
      break
  }
  return enc(lines.join('\n'))
}

/** Mutations that must not change what the table contains. */
const preserving = (m: Mutation) => m.kind === 'unknownField' || m.kind === 'insertLine'

test('fuzzed commit files: a typed error or the reference replay, never an untyped error', { timeout: 60_000 }, async () => {
  const tally = { ok: 0, typed: new Map<string, number>() }
  const bases = await Promise.all(LOG_TABLES.map(async (t) => {
    const fs = corpusLogFs(t)
    return { fs, commits: await commitFiles(fs), keys: await kernelLiveKeys(fs) }
  }))
  for (const b of bases) assert.deepEqual(b.keys, await referenceLiveKeys(b.fs), 'baseline agrees with the reference')
  await fc.assert(
    fc.asyncProperty(fc.nat(LOG_TABLES.length - 1), fc.nat(), fc.array(mutationArb, { minLength: 1, maxLength: 3 }), async (t, c, mutations) => {
      const base = bases[t]!
      const fs = corpusLogFs(LOG_TABLES[t]!)
      const target = base.commits[c % base.commits.length]!
      let bytes = await fs.read(target)
      for (const m of mutations) bytes = mutate(bytes, m)
      await fs.put(target, bytes)
      let keys: string[]
      try {
        keys = await kernelLiveKeys(fs)
      } catch (e) {
        if (!(e instanceof DeltaError)) throw new Error(`untyped ${describeError(e)} after ${JSON.stringify(mutations)}`, { cause: e })
        tally.typed.set(e.code, (tally.typed.get(e.code) ?? 0) + 1)
        return
      }
      tally.ok++
      if (mutations.every(preserving)) assert.deepEqual(keys, base.keys)
      let reference: string[] | undefined
      try {
        reference = await referenceLiveKeys(fs)
      } catch {
        reference = undefined // the kernel read a log the naive reference cannot parse: nothing to compare
      }
      if (reference) assert.deepEqual(keys, reference, `kernel disagrees with the reference after ${JSON.stringify(mutations)}`)
    }),
    { seed: 42, numRuns: 400 },
  )
  const typed = [...tally.typed].sort().map(([k, n]) => `${k} ${n}`).join(', ')
  report.add('fuzz', '400 mutated commit files (4 tables)', `${tally.ok} read and matched the reference replay; typed errors: ${typed}; untyped 0`)
})

test('fuzzed Parquet checkpoints: a typed error or a snapshot, never an untyped error or a hang', { timeout: 60_000 }, async () => {
  const table = 'delta-rs/simple_table_with_checkpoint'
  const cp = `${LOG}00000000000000000010.checkpoint.parquet`
  const base = await kernelLiveKeys(corpusLogFs(table))
  const tally = { same: 0, differs: 0, typed: new Map<string, number>() }
  const damage = fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('fill' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 64 }), byte: fc.integer({ min: 0, max: 255 }) }),
  )
  await fc.assert(
    fc.asyncProperty(fc.array(damage, { minLength: 1, maxLength: 4 }), async (ds) => {
      const fs = corpusLogFs(table)
      let b = (await fs.read(cp)).slice()
      for (const d of ds) {
        if (d.kind === 'flip') b[d.at % b.length]! ^= 1 << d.bit
        else if (d.kind === 'truncate') b = b.slice(0, d.at % b.length)
        else if (b.length > 0) b.fill(d.byte, d.at % b.length, (d.at % b.length) + d.length)
      }
      await fs.put(cp, b)
      try {
        const keys = await kernelLiveKeys(fs)
        if (JSON.stringify(keys) === JSON.stringify(base)) tally.same++
        else tally.differs++
      } catch (e) {
        if (!(e instanceof DeltaError)) throw new Error(`untyped ${describeError(e)} after ${JSON.stringify(ds)}`, { cause: e })
        tally.typed.set(e.code, (tally.typed.get(e.code) ?? 0) + 1)
      }
    }),
    { seed: 7, numRuns: 300 },
  )
  const typed = [...tally.typed].sort().map(([k, n]) => `${k} ${n}`).join(', ')
  report.add(
    'fuzz',
    '300 damaged checkpoint files',
    `${tally.same} read unchanged; ${tally.differs} read with different file paths (Parquet has no checksum over values); typed errors: ${typed}; untyped 0`,
  )
})
