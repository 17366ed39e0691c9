import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { FileSystem } from '../../src/engine/file-system.js'
import { CommitFailedError, StorageError } from '../../src/errors.js'
import { createMemoryFileSystem } from '../../src/engines/memory.js'
import { Table } from '../../src/table.js'
import { createTable } from '../../src/txn/create-table.js'
import { Transaction } from '../../src/txn/transaction.js'
import { SIMPLE, engineOn, fakeAdd } from './helpers.js'

const ROOT = 'memory:///t/'
const noWait = { sleep: async () => {}, random: () => 0.5 }

/** A memory store whose `putIfAbsent` misbehaves on chosen calls: 'lost' = write then throw, 'fail' = throw without writing. */
function faulty(plan: ('ok' | 'lost' | 'fail')[]): { fs: FileSystem; puts: () => number } {
  const inner = createMemoryFileSystem()
  let calls = 0
  const fs: FileSystem = {
    ...inner,
    async putIfAbsent(location, data, opts) {
      const mode = location.includes('_delta_log/') ? (plan[calls++] ?? 'ok') : 'ok'
      if (mode === 'fail') throw new StorageError(`injected failure writing ${location}`)
      const r = await inner.putIfAbsent(location, data, opts)
      if (mode === 'lost') throw new StorageError(`injected failure after writing ${location}`)
      return r
    },
  }
  return { fs, puts: () => calls }
}

async function commitFiles(fs: FileSystem): Promise<string[]> {
  const out: string[] = []
  for await (const m of fs.list('memory:///t/_delta_log/')) out.push(m.location.slice('memory:///t/_delta_log/'.length))
  return out
}

test('a put that wrote but reported an I/O error is recognised by its txnId on retry, not committed twice', async () => {
  const { fs } = faulty(['ok', 'lost'])
  const engine = engineOn(fs)
  await createTable(ROOT, engine, { schema: SIMPLE })
  const txn = new Transaction(await Table.open(ROOT, engine).snapshot(), { retry: noWait })
  txn.addFiles([fakeAdd('a.parquet', {})])
  const out = await txn.commit()
  assert.deepEqual(out, { version: 1, attempts: 2, conflictsRetried: 0 })
  assert.deepEqual(await commitFiles(fs), ['00000000000000000000.json', '00000000000000000001.json'])
  assert.deepEqual((await Table.open(ROOT, engine).snapshot()).files().map((f) => f.path), ['a.parquet'])
})

test('a put that failed without writing is retried at the same version', async () => {
  const { fs } = faulty(['ok', 'fail', 'fail'])
  const engine = engineOn(fs)
  await createTable(ROOT, engine, { schema: SIMPLE })
  const txn = new Transaction(await Table.open(ROOT, engine).snapshot(), { retry: noWait })
  txn.addFiles([fakeAdd('a.parquet')])
  assert.deepEqual(await txn.commit(), { version: 1, attempts: 3, conflictsRetried: 0 })
})

test('when the budget runs out the error says the outcome of the last put is unknown', async () => {
  const { fs } = faulty(['ok', 'fail', 'fail', 'fail'])
  const engine = engineOn(fs)
  await createTable(ROOT, engine, { schema: SIMPLE })
  const txn = new Transaction(await Table.open(ROOT, engine).snapshot(), { retry: { ...noWait, maxAttempts: 3 } })
  txn.addFiles([fakeAdd('a.parquet')])
  await assert.rejects(txn.commit(), (e: unknown) => e instanceof CommitFailedError && e.attempts === 3 && /unknown/.test(e.message) && e.cause instanceof StorageError)
  assert.deepEqual(await commitFiles(fs), ['00000000000000000000.json'])
})

test('backoff waits are jittered, exponential and capped; a transaction commits only once', async () => {
  const { fs } = faulty(['ok', 'fail', 'fail', 'fail', 'fail'])
  const engine = engineOn(fs)
  await createTable(ROOT, engine, { schema: SIMPLE })
  const waits: number[] = []
  const txn = new Transaction(await Table.open(ROOT, engine).snapshot(), {
    retry: { initialDelayMs: 10, maxDelayMs: 30, random: () => 0.999, sleep: async (ms) => void waits.push(ms) },
  })
  await txn.commit()
  // floor(0.999 * min(30, 10 * 2^(k-1))) for k = 1..4
  assert.deepEqual(waits, [9, 19, 29, 29])
  await assert.rejects(txn.commit(), /already committed/)
})

test('two blind appends from the same snapshot both commit, the loser rebased to the next version', async () => {
  const fs = createMemoryFileSystem()
  const engine = engineOn(fs)
  await createTable(ROOT, engine, { schema: SIMPLE })
  const snap = await Table.open(ROOT, engine).snapshot()
  const a = new Transaction(snap, { retry: noWait })
  const b = new Transaction(snap, { retry: noWait })
  a.addFiles([fakeAdd('a.parquet')])
  b.addFiles([fakeAdd('b.parquet')])
  assert.deepEqual(await a.commit(), { version: 1, attempts: 1, conflictsRetried: 0 })
  assert.deepEqual(await b.commit(), { version: 2, attempts: 2, conflictsRetried: 1 })
  const files = (await Table.open(ROOT, engine).snapshot()).files().map((f) => f.path).sort()
  assert.deepEqual(files, ['a.parquet', 'b.parquet'])
})
