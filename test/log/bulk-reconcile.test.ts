import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { BulkFiles } from '../../src/log/bulk-reconcile.js'
import type { Add, Remove } from '../../src/protocol/actions.js'

const addOf = (path: string, n: number): Add => ({ path, partitionValues: {}, size: n, modificationTime: n, dataChange: true })
const removeOf = (path: string, n: number): Remove => ({ path, deletionTimestamp: n, dataChange: true })

/** Reference: a Map, newest action per key wins. */
function reference(ops: readonly { key: string; add: boolean }[]) {
  const m = new Map<string, { add: boolean; n: number }>()
  ops.forEach((o, n) => m.set(o.key, { add: o.add, n }))
  const adds: string[] = []
  const tombstones: string[] = []
  for (const [k, v] of m) (v.add ? adds : tombstones).push(`${k}#${v.n}`)
  return { adds: adds.sort(), tombstones: tombstones.sort() }
}

function reconcile(ops: readonly { key: string; add: boolean }[]) {
  const bulk = new BulkFiles()
  ops.forEach((o, n) => bulk.push(o.add ? addOf(o.key, n) : removeOf(o.key, n), o.add, o.key))
  const adds: Add[] = []
  const tombstones: Remove[] = []
  bulk.reconcileInto(adds, tombstones)
  return { adds: adds.map((a) => `${a.path}#${a.size}`).sort(), tombstones: tombstones.map((r) => `${r.path}#${r.deletionTimestamp}`).sort() }
}

test('bulk reconciliation keeps the newest action of every key, like a map', () => {
  // Many unique keys (Bloom false positives happen) mixed with a few that repeat.
  const op = fc.oneof(
    { weight: 3, arbitrary: fc.nat(1_000_000).map((i) => `u${i}`) },
    { weight: 1, arbitrary: fc.constantFrom('a', 'b', 'c', 'p=1/d', '') },
  )
  fc.assert(
    fc.property(fc.array(fc.record({ key: op, add: fc.boolean() }), { maxLength: 3000, size: 'max' }), (ops) => {
      assert.deepEqual(reconcile(ops), reference(ops))
    }),
    { seed: 42, numRuns: 60 },
  )
})

test('bulk reconciliation of 50,000 unique keys keeps them all, and a repeat of each keeps only the last', () => {
  const unique = Array.from({ length: 50_000 }, (_, i) => ({ key: `part=${i % 7}/file-${i}.parquet`, add: true }))
  assert.deepEqual(reconcile(unique), reference(unique))
  const twice = [...unique, ...unique.map((o, i) => ({ key: o.key, add: i % 2 === 0 }))]
  const got = reconcile(twice)
  assert.equal(got.adds.length, 25_000)
  assert.equal(got.tombstones.length, 25_000)
  assert.deepEqual(got, reference(twice))
})
