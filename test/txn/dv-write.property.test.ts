/**
 * Model test: random sequences of appends, row-level deletes, partition deletes, checkpoints and
 * toggles of delta.enableDeletionVectors on a partitioned DV table agree, after every commit,
 * with a reference multiset of rows. Every live file with a DV keeps at least one live row and
 * stats whose numRecords counts the whole data file.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { checkpoint } from '../../src/log/checkpoint-write.js'
import { Table } from '../../src/table.js'
import { createTable } from '../../src/txn/create-table.js'
import { Transaction } from '../../src/txn/transaction.js'
import { SIMPLE, memoryEngine, readRows, simpleBatch } from './helpers.js'

const ROOT = 'memory:///dvm/'
const PARTS = ['p0', 'p1']

interface Row {
  readonly id: number
  readonly part: string
  readonly value: number
}

type Op =
  | { kind: 'append'; rows: { part: string; value: number }[] }
  | { kind: 'deleteRows'; mod: number; rest: number }
  | { kind: 'deletePart'; part: string }
  | { kind: 'dvProperty'; on: boolean }
  | { kind: 'checkpoint' }

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('append' as const), rows: fc.array(fc.record({ part: fc.constantFrom(...PARTS), value: fc.integer({ min: 0, max: 9 }) }), { minLength: 1, maxLength: 12 }) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('deleteRows' as const), mod: fc.integer({ min: 1, max: 4 }), rest: fc.integer({ min: 0, max: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deletePart' as const), part: fc.constantFrom(...PARTS) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('dvProperty' as const), on: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('checkpoint' as const) }) },
)

/** The rows a `deleteRows` op deletes: value mod `mod` equals `rest`. */
const hits = (op: { mod: number; rest: number }, value: number) => value % op.mod === op.rest

async function run(ops: Op[]): Promise<void> {
  const engine = memoryEngine()
  await createTable(ROOT, engine, { schema: SIMPLE, partitionColumns: ['part'], properties: { 'delta.enableDeletionVectors': 'true' } })
  const table = Table.open(ROOT, engine)
  let model: Row[] = []
  let nextId = 0
  for (const op of ops) {
    if (op.kind === 'checkpoint') {
      await checkpoint(table)
      continue
    }
    const txn = new Transaction(await table.snapshot())
    if (op.kind === 'append') {
      const rows = op.rows.map((r) => ({ id: nextId++, ...r }))
      await txn.append([simpleBatch(rows)], { rowGroupSize: 4 })
      model = [...model, ...rows]
    } else if (op.kind === 'deleteRows') {
      await txn.delete({ rows: (b) => Uint8Array.from({ length: b.numRows }, (_, i) => (hits(op, b.getChild('value')!.get(i) as number) ? 1 : 0)) })
      model = model.filter((r) => !hits(op, r.value))
    } else if (op.kind === 'deletePart') {
      await txn.delete({ partitions: (p) => p.part === op.part })
      model = model.filter((r) => r.part !== op.part)
    } else txn.setProperties({ 'delta.enableDeletionVectors': String(op.on) })
    await txn.commit()
    assert.deepEqual(await readRows(ROOT, engine), [...model].sort((a, b) => a.id - b.id), `after ${JSON.stringify(op)}`)
    for (const f of (await table.snapshot()).files()) {
      if (!f.deletionVector) continue
      const numRecords = (JSON.parse(f.stats!) as { numRecords: number }).numRecords
      assert.ok(f.deletionVector.cardinality < numRecords, `${f.path}: a file with a DV keeps a live row`)
    }
  }
}

test('random appends and deletes on a DV table agree with a reference multiset', async () => {
  await fc.assert(fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 10 }), run), { seed: 42, numRuns: 100 })
})
