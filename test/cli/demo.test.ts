/**
 * The ingestion demo: a short run (3 writer processes, 3 seconds) must pass its own verification,
 * and the table it leaves behind is checked here independently (every (device, seq) once, each
 * device's seqs contiguous from 0, as many rows as the summary reports). The verification itself
 * must catch duplicates, losses and strangers.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { SENSOR_SCHEMA, type SensorEvent, sensorBatch } from '../../src/cli/demo-events.js'
import { verifyDemo } from '../../src/cli/demo-verify.js'
import { createHyparquetHandler } from '../../src/engines/hyparquet/index.js'
import { createMemoryFileSystem } from '../../src/engines/memory.js'
import { createNodeEngine } from '../../src/engines/node-engine.js'
import { Scan } from '../../src/scan/scan.js'
import { Table } from '../../src/table.js'
import { createTable } from '../../src/txn/create-table.js'
import { Transaction } from '../../src/txn/transaction.js'

const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url))

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('exit', (code) => resolve({ code, stdout, stderr }))
  })
}

test('a short demo run (3 writers, 3 s) passes its verification; the table holds every event once', { timeout: 180_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dk-demo-'))
  try {
    const { code, stdout, stderr } = await runCli(['demo', '--writers', '3', '--seconds', '3', '--dir', dir, '--json'])
    assert.equal(code, 0, stderr)
    const summary = JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>
    assert.equal(summary.ok, true, JSON.stringify(summary.problems))
    assert.equal(summary.streamDuplicates, 0)
    assert.ok((summary.commits as number) > 0)
    // Independent check of what the demo left behind.
    const table = Table.open(pathToFileURL(dir).href + '/', createNodeEngine())
    const snapshot = await table.snapshot()
    const seqs = new Map<string, number[]>()
    for await (const b of new Scan(snapshot).batches()) {
      for (let i = 0; i < b.numRows; i++) {
        const device = b.getChild('device')!.get(i) as string
        const list = seqs.get(device) ?? []
        list.push(Number(b.getChild('seq')!.get(i)))
        seqs.set(device, list)
      }
    }
    let rows = 0
    for (const [device, list] of seqs) {
      list.sort((a, b) => a - b)
      assert.deepEqual(list, list.map((_, i) => i), `${device}: seqs 0..n-1, each once`)
      rows += list.length
    }
    assert.equal(seqs.size, 12, '3 writers x 4 phones')
    assert.equal(rows, summary.events)
    assert.equal(snapshot.version, summary.finalVersion)
    // Every commit after creation is one batch of one writer, with its app transaction.
    assert.deepEqual(new Set(snapshot.appTransactions().map((t) => t.appId)), new Set(['demo-writer-0', 'demo-writer-1', 'demo-writer-2']))
    const logFiles = await readdir(join(dir, '_delta_log'))
    const checkpoints = logFiles.filter((f) => f.includes('.checkpoint.')).length
    assert.equal(checkpoints, Math.floor(snapshot.version / 10), 'a checkpoint every 10 versions')
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

test('the verification reports duplicates, lost events and events nobody sent', async () => {
  const fs = createMemoryFileSystem()
  const engine = { fileSystem: fs, parquet: createHyparquetHandler(fs) }
  const root = 'memory:///demo/'
  await createTable(root, engine, { schema: SENSOR_SCHEMA })
  const table = Table.open(root, engine)
  const ev = (device: string, seq: number): SensorEvent => ({ device, seq, ts: 0, temperature: 20, humidity: 50, battery: 90 })
  const txn = new Transaction(await table.snapshot())
  await txn.append([sensorBatch([ev('a', 0), ev('a', 1), ev('a', 1), ev('b', 0), ev('c', 0)])])
  await txn.commit()
  const v = await verifyDemo(table, new Map([['a', 3], ['b', 1]]), undefined)
  assert.equal(v.ok, false)
  assert.equal(v.rows, 5)
  assert.equal(v.expected, 4)
  assert.ok(v.problems.some((p) => p.startsWith('duplicate event (a, 1)')))
  assert.ok(v.problems.some((p) => p.startsWith('lost event (a, 2)')))
  assert.ok(v.problems.some((p) => p.startsWith('unexpected event (c, 0)')))
  const good = await verifyDemo(table, new Map([['a', 2], ['b', 1], ['c', 1]]), undefined)
  assert.deepEqual(good.problems, ['duplicate event (a, 1)', 'the table has 5 rows, the writers committed 4 events'])
})
