/**
 * The exactly-once sink: replays skip what the table already holds (by `txn` app version), a sink
 * OS process killed with SIGKILL mid-stream and restarted adds every event once, and two instances
 * of one stream racing each other never duplicate a batch.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { createNodeEngine } from '../../src/engines/node-engine.js'
import { Scan } from '../../src/scan/scan.js'
import { appendStream, type SinkBatchResult } from '../../src/stream/sink.js'
import { Table } from '../../src/table.js'
import { createTable } from '../../src/txn/create-table.js'
import { EVENTS, eventBatch, events, eventsTable } from './fixtures.js'

async function seqs(table: Table): Promise<number[]> {
  const out: number[] = []
  for await (const b of new Scan(await table.snapshot()).batches()) for (let i = 0; i < b.numRows; i++) out.push(Number(b.getChild('seq')!.get(i)))
  return out.sort((a, b) => a - b)
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i)

test('a replay from the first batch skips every batch the table already has', async () => {
  const table = await eventsTable()
  const input = (n: number) => range(n).map((i) => [eventBatch(events('s', i * 2, 2))])
  const crashed = appendStream(table, (async function* () {
    yield* input(3)
    throw new Error('source crashed')
  })(), { appId: 'q1' })
  await assert.rejects(crashed, /source crashed/)
  const results: SinkBatchResult[] = []
  const r = await appendStream(table, input(5), { appId: 'q1', onBatch: (x) => void results.push(x) })
  assert.deepEqual(results.map((x) => `${x.batchId}:${x.status}`), ['0:skipped', '1:skipped', '2:skipped', '3:committed', '4:committed'])
  assert.deepEqual([r.committed, r.skipped, r.rows], [2, 3, 4])
  assert.deepEqual(await seqs(table), range(10))
  assert.equal((await table.snapshot()).appTransactionVersion('q1'), 4)
  // Another application id is another stream: its batch 0 is new.
  await appendStream(table, [{ batchId: 0, data: [eventBatch(events('t', 100, 1))] }], { appId: 'q2' })
  assert.deepEqual(await seqs(table), [...range(10), 100])
  await assert.rejects(appendStream(table, [{ batchId: 7, data: [] }, { batchId: 7, data: [] }], { appId: 'q3' }), /must increase/)
})

test('two instances of one stream racing: each batch committed once', async () => {
  const table = await eventsTable()
  const input = () => range(6).map((i) => [eventBatch(events('s', i, 1))])
  const opts = { appId: 'dup', retry: { maxAttempts: 50, initialDelayMs: 1, maxDelayMs: 5 } }
  const [a, b] = await Promise.all([appendStream(table, input(), opts), appendStream(table, input(), opts)])
  assert.equal(a.committed + b.committed, 6)
  assert.deepEqual(await seqs(table), range(6))
})

function runSink(root: string, batches: number, rows: number, onLine?: (line: string, kill: () => void) => void): Promise<{ code: number | null; signal: NodeJS.Signals | null; lines: string[] }> {
  const script = fileURLToPath(new URL('./sink-worker.ts', import.meta.url))
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, root, 'sink-app', String(batches), String(rows)], { stdio: ['ignore', 'pipe', 'pipe'] })
    const lines: string[] = []
    let buf = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString()
      let nl: number
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl)
        buf = buf.slice(nl + 1)
        lines.push(line)
        onLine?.(line, () => child.kill('SIGKILL'))
      }
    })
    child.stderr.on('data', (d) => (err += d))
    child.on('error', reject)
    child.on('exit', (code, signal) => (code === 0 || signal === 'SIGKILL' ? resolve({ code, signal, lines }) : reject(new Error(`sink exited ${code}: ${err}`))))
  })
}

test('a sink process killed with SIGKILL mid-stream and restarted: no event lost, none duplicated', { timeout: 120_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dk-sink-'))
  try {
    const root = pathToFileURL(dir).href + '/'
    const engine = createNodeEngine()
    await createTable(root, engine, { schema: EVENTS })
    const BATCHES = 30
    const ROWS = 5
    // Kill at a different point each round: after 3, then 9 more committed batches.
    for (const killAfter of [3, 9]) {
      let done = 0
      const first = await runSink(root, BATCHES, ROWS, (line, kill) => {
        if (line.endsWith('committed') && ++done === killAfter) kill()
      })
      assert.equal(first.signal, 'SIGKILL', 'the sink was killed before finishing')
    }
    const last = await runSink(root, BATCHES, ROWS)
    assert.equal(last.code, 0)
    const statuses = last.lines.filter((l) => l.startsWith('done')).map((l) => l.split(' ')[2])
    assert.ok(statuses.includes('skipped'), 'the restart skipped the batches already committed')
    const table = Table.open(root, engine)
    assert.deepEqual(await seqs(table), range(BATCHES * ROWS))
    assert.equal((await table.snapshot()).appTransactionVersion('sink-app'), BATCHES - 1)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
