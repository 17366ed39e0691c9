/**
 * Child process of the commit benchmark. Protocol on stdin/stdout, one line each, so process
 * start-up and module loading stay outside the timings:
 *   child → `ready`;  parent → `delta <tableRoot> <commits>` or `floor <dirUrl> <total>`;
 *   child → one JSON {@link RoundReport} line;  parent → `exit`.
 * `delta` appends `commits` small batches (ids worker·1e6 + i), each its own transaction.
 * `floor` races the other workers to put-if-absent files 0..total-1 in one folder, the storage
 * cost a commit protocol cannot go below.
 */
import { createInterface } from 'node:readline'
import * as A from 'apache-arrow'
import { createNodeEngine } from '../../src/node.js'
import { Table } from '../../src/table.js'
import { Transaction } from '../../src/txn/transaction.js'
import { BATCH_ROWS, type RoundReport } from '../lib/commit-protocol.js'

const worker = Number(process.argv[2])
const engine = createNodeEngine({ sync: false })
const enc = new TextEncoder()
const wallNow = () => performance.timeOrigin + performance.now()

function batchOf(first: number): A.RecordBatch {
  const ids = Array.from({ length: BATCH_ROWS }, (_, k) => BigInt(first + k))
  const table = new A.Table({
    id: A.vectorFromArray(ids, new A.Int64()),
    worker: A.vectorFromArray(ids.map(() => worker), new A.Int32()),
    value: A.vectorFromArray(ids.map((v) => Number(v) / 7), new A.Float64()),
  })
  return table.batches[0]!
}

async function deltaRound(root: string, commits: number): Promise<RoundReport> {
  const table = Table.open(root, engine)
  const latencies: number[] = []
  const transactions: number[] = []
  let conflictsRetried = 0
  let attempts = 0
  const start = wallNow()
  for (let i = 0; i < commits; i++) {
    const started = performance.now()
    // Generous attempt budget: 16 racing writers on 2 cores can lose many races in a row, and a
    // failed commit would be an error here, not a measurement. Backoff stays at its defaults.
    const txn = new Transaction(await table.snapshot(), { retry: { maxAttempts: 1000 } })
    await txn.append([batchOf(worker * 1_000_000 + i * BATCH_ROWS)])
    const t0 = performance.now()
    const outcome = await txn.commit()
    latencies.push(performance.now() - t0)
    transactions.push(performance.now() - started)
    conflictsRetried += outcome.conflictsRetried
    attempts += outcome.attempts
  }
  return { worker, start, end: wallNow(), latencies, transactions, conflictsRetried, attempts }
}

async function floorRound(dir: string, total: number): Promise<RoundReport> {
  const latencies: number[] = []
  let attempts = 0
  let lost = 0
  const payload = enc.encode(`{"commitInfo":{"worker":${worker},"pad":"${'x'.repeat(400)}"}}\n`)
  const start = wallNow()
  let t0 = performance.now()
  for (let n = 0; n < total; n++) {
    attempts++
    const r = await engine.fileSystem.putIfAbsent(`${dir}${String(n).padStart(20, '0')}.json`, payload)
    if (r.status === 'created') {
      latencies.push(performance.now() - t0)
      t0 = performance.now()
    } else lost++
  }
  return { worker, start, end: wallNow(), latencies, conflictsRetried: lost, attempts }
}

const lines = createInterface({ input: process.stdin })
process.stdout.write('ready\n')
for await (const line of lines) {
  const [cmd, target, count] = line.trim().split(' ')
  if (cmd === 'exit') break
  const report = cmd === 'delta' ? await deltaRound(target!, Number(count)) : await floorRound(target!, Number(count))
  process.stdout.write(JSON.stringify(report) + '\n')
}
lines.close()
