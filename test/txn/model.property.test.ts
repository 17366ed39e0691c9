/**
 * Model test: random interleavings of transactions from several writers (appends, partition
 * deletes, whole-table overwrites, property changes) on one in-memory table, some committing
 * concurrently. Under Serializable isolation, the table at every version must equal a serial
 * reference that applies each committed operation, in version order, to the previous state; a
 * transaction may only fail with a concurrency error, and only if some other commit landed after
 * its snapshot.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { ConcurrentModificationError } from '../../src/errors.js'
import { Table } from '../../src/table.js'
import { createTable } from '../../src/txn/create-table.js'
import { Transaction } from '../../src/txn/transaction.js'
import { SIMPLE, fakeAdd, memoryEngine } from './helpers.js'

const ROOT = 'memory:///m/'
const PARTS = ['p0', 'p1', 'p2']

type Op =
  | { kind: 'append'; part: string }
  | { kind: 'deletePart'; part: string }
  | { kind: 'overwriteAll'; part: string }
  | { kind: 'setProp'; value: string }

type Step = { kind: 'begin'; writer: number; op: Op } | { kind: 'commit'; writers: number[] }

interface State {
  files: Map<string, string> // path → part
  prop: string | undefined
}

/** The serial reference: one committed operation applied to the state before it. */
function apply(s: State, op: Op, file: string): State {
  const files = new Map(s.files)
  switch (op.kind) {
    case 'append':
      files.set(file, op.part)
      return { ...s, files }
    case 'deletePart':
      for (const [p, part] of s.files) if (part === op.part) files.delete(p)
      return { ...s, files }
    case 'overwriteAll':
      return { ...s, files: new Map([[file, op.part]]) }
    case 'setProp':
      return { ...s, prop: op.value }
  }
}

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('append' as const), part: fc.constantFrom(...PARTS) }),
  fc.record({ kind: fc.constant('deletePart' as const), part: fc.constantFrom(...PARTS) }),
  fc.record({ kind: fc.constant('overwriteAll' as const), part: fc.constantFrom(...PARTS) }),
  fc.record({ kind: fc.constant('setProp' as const), value: fc.constantFrom('x', 'y', 'z') }),
)
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('begin' as const), writer: fc.integer({ min: 0, max: 3 }), op: opArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('commit' as const), writers: fc.uniqueArray(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 4 }) }) },
)

async function run(steps: Step[]): Promise<void> {
  const engine = memoryEngine()
  await createTable(ROOT, engine, { schema: SIMPLE, partitionColumns: ['part'], properties: { 'delta.isolationLevel': 'Serializable' } })
  const table = Table.open(ROOT, engine)
  const pending = new Map<number, { txn: Transaction; op: Op; file: string; readVersion: number }>()
  const committed = new Map<number, { op: Op; file: string }>()
  const failures: { readVersion: number; error: unknown }[] = []
  let counter = 0
  for (const step of steps) {
    if (step.kind === 'begin') {
      if (pending.has(step.writer)) continue
      const snap = await table.snapshot()
      const txn = new Transaction(snap, { retry: { maxAttempts: 50, sleep: async () => {} } })
      const file = `part=${step.op.kind === 'setProp' ? 'none' : step.op.part}/f${counter++}.parquet`
      const op = step.op
      if (op.kind === 'append') txn.addFiles([fakeAdd(file, { part: op.part })])
      else if (op.kind === 'deletePart') await txn.delete({ partitions: (r) => r.part === op.part })
      else if (op.kind === 'overwriteAll') {
        txn.recordRead({ wholeTable: true })
        txn.removeFiles(snap.files().map((f) => f.path))
        txn.addFiles([fakeAdd(file, { part: op.part })])
      } else txn.setProperties({ 'user.prop': op.value })
      pending.set(step.writer, { txn, op, file, readVersion: snap.version })
      continue
    }
    const batch = step.writers.flatMap((w) => (pending.has(w) ? [pending.get(w)!] : []))
    for (const w of step.writers) pending.delete(w)
    const results = await Promise.allSettled(batch.map((p) => p.txn.commit()))
    results.forEach((r, k) => {
      if (r.status === 'fulfilled') committed.set(r.value.version, batch[k]!)
      else failures.push({ readVersion: batch[k]!.readVersion, error: r.reason })
    })
  }
  const latest = await table.latestVersion()
  assert.equal(committed.size, latest, 'every version after 0 is one committed transaction')
  let state: State = { files: new Map(), prop: undefined }
  for (let v = 1; v <= latest; v++) {
    const c = committed.get(v)
    assert.ok(c, `version ${v} has a committed transaction`)
    state = apply(state, c.op, c.file)
    const snap = await table.snapshot({ version: v })
    const actual = new Map(snap.files().map((f) => [f.path, f.partitionValues.part ?? '']))
    assert.deepEqual(actual, state.files, `files at version ${v}`)
    assert.equal(snap.metadata.configuration['user.prop'], state.prop, `property at version ${v}`)
  }
  for (const f of failures) {
    assert.ok(f.error instanceof ConcurrentModificationError, `failure is a concurrency conflict: ${String(f.error)}`)
    assert.ok(f.error.winningVersion !== undefined && f.error.winningVersion > f.readVersion, 'a conflict names a commit made after the snapshot')
  }
}

test('random interleavings of several writers agree with a serial reference (Serializable)', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(stepArb, { minLength: 10, maxLength: 40 }), async (steps) => run(steps)),
    { seed: 42, numRuns: 100 },
  )
})

test('blind appends from many concurrent writers all commit, each exactly once, versions gap-free', async () => {
  const engine = memoryEngine()
  await createTable(ROOT, engine, { schema: SIMPLE, partitionColumns: ['part'] })
  const table = Table.open(ROOT, engine)
  const snap = await table.snapshot()
  const txns = Array.from({ length: 12 }, (_, i) => {
    const t = new Transaction(snap, { retry: { maxAttempts: 20, sleep: async () => {} } })
    t.addFiles([fakeAdd(`part=p0/${i}.parquet`, { part: 'p0' })])
    return t
  })
  const outs = await Promise.all(txns.map((t) => t.commit()))
  assert.deepEqual(outs.map((o) => o.version).sort((a, b) => a - b), Array.from({ length: 12 }, (_, i) => i + 1))
  assert.equal((await table.snapshot()).files().length, 12)
})
