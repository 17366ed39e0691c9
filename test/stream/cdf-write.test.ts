/**
 * Change data feed writes: on a table with delta.enableChangeDataFeed, a row-level delete writes
 * the deleted rows to `_change_data/` as `delete` change data, so the feed reports exactly those
 * rows (not the rows copied into the rewritten file); whole-file deletes and appends need no change
 * data files; a row-level delete cannot share a commit with other data changes.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { InvalidWriteError } from '../../src/errors.js'
import { readCommitActions } from '../../src/log/commit-read.js'
import { readChangeDataFeed } from '../../src/stream/cdf.js'
import type { Table } from '../../src/table.js'
import { Transaction } from '../../src/txn/transaction.js'
import { collect, lines } from './cdf-helpers.js'
import { append, eventBatch, events, eventsTable } from './fixtures.js'

const cdfTable = () => eventsTable({ properties: { 'delta.enableChangeDataFeed': 'true' } })

const row = (type: string, version: number, device: string, seq: number) => JSON.stringify({ device, seq, value: seq, _change_type: type, _commit_version: version })

async function feed(table: Table, startVersion: number, endVersion?: number): Promise<string[]> {
  return lines(await collect(readChangeDataFeed(table, { startVersion, ...(endVersion !== undefined ? { endVersion } : {}) })))
}

const deleteWhere = (pred: (device: string, seq: bigint) => boolean) => ({
  rows: (b: import('apache-arrow').RecordBatch) =>
    Uint8Array.from({ length: b.numRows }, (_, i) => (pred(b.getChild('device')!.get(i) as string, b.getChild('seq')!.get(i) as bigint) ? 1 : 0)),
})

test('a row-level delete on a CDF table writes exactly the deleted rows as change data', async () => {
  const table = await cdfTable()
  await append(table, events('a', 0, 4), events('b', 0, 2)) // v1: two files
  const txn = new Transaction(await table.snapshot())
  await txn.delete(deleteWhere((d, s) => d === 'a' && (s === 1n || s === 2n)))
  const { version } = await txn.commit() // v2
  const actions = await readCommitActions(table.engine, table.root, version)
  const cdc = actions.filter((a) => a.kind === 'cdc')
  assert.equal(cdc.length, 1)
  assert.ok(cdc[0]!.kind === 'cdc' && cdc[0]!.cdc.path.startsWith('_change_data/cdc-') && cdc[0]!.cdc.dataChange === false)
  assert.equal(actions.filter((a) => a.kind === 'remove').length, 1, "only a's file was rewritten")
  assert.deepEqual(await feed(table, 2, 2), [row('delete', 2, 'a', 1), row('delete', 2, 'a', 2)])
  // The snapshot agrees: v1 minus the feed's deletes is v2.
  assert.deepEqual(
    await feed(table, 1),
    [...['a:0', 'a:1', 'a:2', 'a:3', 'b:0', 'b:1'].map((k) => row('insert', 1, k[0]!, Number(k[2]))), row('delete', 2, 'a', 1), row('delete', 2, 'a', 2)].sort(),
  )
})

test('a row-level delete that empties a file: its rows are change data too (the commit has a cdc file)', async () => {
  const table = await cdfTable()
  await append(table, events('a', 0, 2), events('b', 0, 2)) // v1
  const txn = new Transaction(await table.snapshot())
  await txn.delete(deleteWhere((d, s) => d === 'b' || s === 0n))
  await txn.commit() // v2: b's file removed whole, a's rewritten
  assert.deepEqual(await feed(table, 2, 2), [row('delete', 2, 'a', 0), row('delete', 2, 'b', 0), row('delete', 2, 'b', 1)].sort())
})

test('appends and whole-file deletes write no change data files; the feed derives them', async () => {
  const table = await cdfTable()
  await append(table, events('a', 0, 2)) // v1
  const txn = new Transaction(await table.snapshot())
  await txn.delete({})
  const { version } = await txn.commit() // v2
  assert.equal((await readCommitActions(table.engine, table.root, version)).filter((a) => a.kind === 'cdc').length, 0)
  assert.deepEqual(await feed(table, 1), [row('insert', 1, 'a', 0), row('insert', 1, 'a', 1), row('delete', 2, 'a', 0), row('delete', 2, 'a', 1)].sort())
})

test('a row-level delete cannot share a commit with an append on a CDF table', async () => {
  const table = await cdfTable()
  await append(table, events('a', 0, 2))
  const txn = new Transaction(await table.snapshot())
  await txn.delete(deleteWhere((_, s) => s === 0n))
  await txn.append([eventBatch(events('c', 0, 1))])
  await assert.rejects(txn.commit(), InvalidWriteError)
  // Without CDF the same transaction is fine (no change data files, nothing can vanish).
  const plain = await eventsTable()
  await append(plain, events('a', 0, 2))
  const t2 = new Transaction(await plain.snapshot())
  await t2.delete(deleteWhere((_, s) => s === 0n))
  await t2.append([eventBatch(events('c', 0, 1))])
  await t2.commit()
})
