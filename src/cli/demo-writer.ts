/**
 * `delta-kernel demo-writer` (hidden): one writer process of the ingestion demo. It simulates a
 * few phones sending sensor readings and commits them in small batches until its deadline, racing
 * the other writers with optimistic concurrency. Each batch commits with the application
 * transaction `(demo-writer-<id>, batchId)`, so retrying a batch after a failed commit can never
 * add it twice. Reports go to stdout, one JSON {@link WriterMessage} per line.
 *
 * usage: delta-kernel demo-writer <table-url> --writer N --phones P --duration-ms D [--interval-ms M] [--seed S]
 * (the duration counts from the writer's own start, so a slow process start does not eat it)
 *
 * @packageDocumentation
 */
import { parseArgs } from 'node:util'
import { CommitFailedError } from '../errors.js'
import { createNodeEngine } from '../node.js'
import { commitSinkBatch } from '../stream/sink.js'
import type { Snapshot } from '../snapshot.js'
import { Table } from '../table.js'
import { Phone, type SensorEvent, type WriterMessage, seededRandom, sensorBatch } from './demo-events.js'
import { UsageError } from './context.js'

/** Attempts at one batch (each a full commit loop) before the writer gives up. */
const BATCH_ATTEMPTS = 20

function send(message: WriterMessage): void {
  process.stdout.write(JSON.stringify(message) + '\n')
}

function intFlag(name: string, v: string | undefined, fallback?: number): number {
  if (v === undefined) {
    if (fallback === undefined) throw new UsageError(`demo-writer: --${name} is required`)
    return fallback
  }
  if (!/^\d+$/.test(v)) throw new UsageError(`demo-writer: --${name} must be a non-negative integer, got '${v}'`)
  return Number(v)
}

/** Runs one writer until `--until`. */
export async function demoWriterCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { writer: { type: 'string' }, phones: { type: 'string' }, 'duration-ms': { type: 'string' }, 'interval-ms': { type: 'string' }, seed: { type: 'string' } },
  })
  if (positionals.length !== 1) throw new UsageError('usage: delta-kernel demo-writer <table-url> --writer N --phones P --duration-ms D')
  const writer = intFlag('writer', values.writer)
  const phoneCount = intFlag('phones', values.phones, 4)
  const startedAt = Date.now()
  const until = startedAt + intFlag('duration-ms', values['duration-ms'])
  const interval = intFlag('interval-ms', values['interval-ms'], 50)
  const random = seededRandom(intFlag('seed', values.seed, 1) * 7919 + writer)
  const table = Table.open(positionals[0]!, createNodeEngine())
  const phones = Array.from({ length: phoneCount }, (_, p) => new Phone(`phone-${String(writer).padStart(2, '0')}-${String(p).padStart(2, '0')}`, random))
  const appId = `demo-writer-${writer}`
  let batchId = 0
  let commits = 0
  // Each batch refreshes the previous batch's snapshot: only the commits since are read.
  let snapshot: Snapshot | undefined
  while (Date.now() < until) {
    await new Promise((r) => setTimeout(r, interval * (0.5 + random())))
    const now = Date.now()
    const events: SensorEvent[] = []
    for (const phone of phones) {
      const n = 1 + Math.floor(random() * 3)
      for (let i = 0; i < n; i++) events.push(phone.read(now, random))
    }
    snapshot = await commitBatch(table, appId, writer, batchId, events, snapshot)
    commits++
    batchId++
  }
  const sent: Record<string, number> = {}
  for (const p of phones) sent[p.device] = p.sent
  send({ type: 'done', writer, sent, commits, startedAt, endedAt: Date.now() })
}

/**
 * Commits one batch, trying again (same batch id) when a commit loop runs out of attempts.
 * Returns the snapshot to refresh for the next batch.
 */
async function commitBatch(table: Table, appId: string, writer: number, batchId: number, events: readonly SensorEvent[], previous: Snapshot | undefined): Promise<Snapshot> {
  const data = [sensorBatch(events)]
  for (let attempt = 1; ; attempt++) {
    try {
      const r = await commitSinkBatch(table, { batchId, data }, { appId, retry: { maxAttempts: 100, initialDelayMs: 2, maxDelayMs: 40 } }, previous)
      if (r.status === 'committed') {
        send({ type: 'commit', writer, batchId, version: r.commit.version, rows: r.rows, latencyMs: r.latencyMs, snapshotMs: r.snapshotMs, conflictsRetried: r.commit.conflictsRetried })
      }
      return r.snapshot
    } catch (e) {
      if (!(e instanceof CommitFailedError) || attempt >= BATCH_ATTEMPTS) throw e
      send({ type: 'retry', writer, batchId, error: e.message })
    }
  }
}
