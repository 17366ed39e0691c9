/**
 * `delta-kernel demo`: a serverless ingestion pipeline on a local folder, with no set-up.
 * N writer OS processes (each simulating phones sending sensor readings) commit small batches to
 * one fresh Delta table at the same time, with optimistic concurrency and no coordinator but the
 * file system's atomic put-if-absent. A streaming reader tails the table and prints live per-device
 * aggregates. Checkpoints are written by the post-commit hook every 10 versions. At the end the
 * demo reads the final table and verifies that every event is in it exactly once (and that the
 * stream saw each exactly once), prints a summary, and exits non-zero if the verification failed.
 *
 * usage: delta-kernel demo [--writers N] [--seconds S] [--phones P] [--interval-ms M] [--dir D] [--keep] [--json]
 *
 * @packageDocumentation
 */
import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { logDir, parseLogFile } from '../log/log-files.js'
import { createNodeEngine, toTableUrl } from '../node.js'
import { Table } from '../table.js'
import { createTable } from '../txn/create-table.js'
import { UsageError, parseCountFlag, writeOut } from './context.js'
import { SENSOR_SCHEMA, type WriterMessage } from './demo-events.js'
import { DemoReader } from './demo-reader.js'
import { type DemoVerification, percentile, verifyDemo } from './demo-verify.js'

const USAGE = 'usage: delta-kernel demo [--writers N] [--seconds S] [--phones P] [--interval-ms M] [--dir D] [--keep] [--json]'

/** What the writers reported, gathered by the coordinator. */
interface WriterTotals {
  commits: number
  rows: number
  conflictsRetried: number
  batchRetries: number
  readonly latencies: number[]
  readonly snapshotTimes: number[]
  readonly sent: Map<string, number>
  readonly failures: string[]
  /** Earliest start and latest end of writing over all writers, ms since the epoch. */
  firstStart: number
  lastEnd: number
}

/** Spawns writer `i` (this same CLI, hidden subcommand) and feeds its reports into `totals`. */
function spawnWriter(root: string, i: number, args: { phones: number; durationMs: number; intervalMs: number }, totals: WriterTotals): Promise<void> {
  // Works from dist (`node dist/cli.js`) and from sources under tsx (`node --import tsx src/cli/main.ts`).
  const child = spawn(
    process.execPath,
    [...process.execArgv, process.argv[1]!, 'demo-writer', root, '--writer', String(i), '--phones', String(args.phones), '--duration-ms', String(args.durationMs), '--interval-ms', String(args.intervalMs)],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let buffer = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8')
    let nl: number
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl)
      buffer = buffer.slice(nl + 1)
      if (line.trim() !== '') record(JSON.parse(line) as WriterMessage, totals)
    }
  })
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))
  return new Promise((done) => {
    child.on('exit', (code, signal) => {
      if (code !== 0) totals.failures.push(`writer ${i} exited with ${signal ?? `code ${code}`}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`)
      done()
    })
  })
}

function record(m: WriterMessage, totals: WriterTotals): void {
  if (m.type === 'commit') {
    totals.commits++
    totals.rows += m.rows
    totals.conflictsRetried += m.conflictsRetried
    totals.latencies.push(m.latencyMs)
    totals.snapshotTimes.push(m.snapshotMs)
  } else if (m.type === 'retry') totals.batchRetries++
  else {
    for (const [device, n] of Object.entries(m.sent)) totals.sent.set(device, n)
    totals.firstStart = Math.min(totals.firstStart, m.startedAt)
    totals.lastEnd = Math.max(totals.lastEnd, m.endedAt)
  }
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US')
const ms = (n: number) => (Number.isNaN(n) ? '-' : `${n < 10 ? n.toFixed(1) : Math.round(n)} ms`)

/** The live view: a progress line and the busiest devices. */
function liveView(reader: DemoReader, totals: WriterTotals, elapsedMs: number, seconds: number): string[] {
  const s = elapsedMs / 1000
  const lines = [
    `[${s.toFixed(1).padStart(5)}s, writers run ${seconds}s each] version ${reader.latestKnownVersion}  commits ${fmt(totals.commits)} (${fmt(totals.commits / Math.max(s, 0.001))}/s)  ` +
      `conflicts ${fmt(totals.conflictsRetried)}  streamed ${fmt(reader.events)} events (${fmt(reader.events / Math.max(s, 0.001))}/s) in ${fmt(reader.microBatches)} micro-batches`,
  ]
  for (const [device, d] of reader.top(6)) {
    lines.push(`  ${device}  readings ${String(d.count).padStart(6)}  avg ${(d.temperatureSum / d.count).toFixed(2).padStart(6)} °C  now ${d.lastTemperature.toFixed(2).padStart(6)} °C  battery ${String(d.battery).padStart(3)}%`)
  }
  return lines
}

/** Counts the checkpoint versions in `_delta_log`. */
async function checkpointCount(table: Table): Promise<number> {
  const versions = new Set<number>()
  for await (const meta of table.engine.fileSystem.list(logDir(table.root))) {
    const f = parseLogFile(meta)
    if (f?.kind.type === 'checkpoint') versions.add(f.version)
  }
  return versions.size
}

/** Runs `demo`. */
export async function demoCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      writers: { type: 'string' },
      seconds: { type: 'string' },
      phones: { type: 'string' },
      'interval-ms': { type: 'string' },
      dir: { type: 'string' },
      keep: { type: 'boolean' },
      json: { type: 'boolean' },
    },
  })
  if (positionals.length > 0) throw new UsageError(USAGE)
  const writers = parseCountFlag('writers', values.writers) ?? 8
  const seconds = parseCountFlag('seconds', values.seconds) ?? 20
  const phones = parseCountFlag('phones', values.phones) ?? 4
  const intervalMs = parseCountFlag('interval-ms', values['interval-ms']) ?? 50
  if (writers < 1 || seconds < 1 || phones < 1) throw new UsageError('--writers, --seconds and --phones must be at least 1')
  const dir = values.dir ? resolve(values.dir) : await mkdtemp(join(tmpdir(), 'delta-kernel-demo-'))
  if (values.dir) await mkdir(dir, { recursive: true })
  const root = toTableUrl(dir)
  const table = Table.open(root, createNodeEngine())
  const json = values.json === true
  const tty = !json && process.stdout.isTTY === true
  const say = (text: string) => (json ? undefined : writeOut(text + '\n'))
  try {
    const created = await createTable(root, table.engine, { schema: SENSOR_SCHEMA, properties: { 'delta.checkpointInterval': '10' }, name: 'sensor_events' })
    await say(`delta-kernel demo: ${writers} writer processes × ${phones} phones for ${seconds} s into ${dir}`)
    const totals: WriterTotals = { commits: 0, rows: 0, conflictsRetried: 0, batchRetries: 0, latencies: [], snapshotTimes: [], sent: new Map(), failures: [], firstStart: Infinity, lastEnd: -Infinity }
    const reader = new DemoReader()
    const stopReader = new AbortController()
    const reading = reader.run(table, { signal: stopReader.signal, maxFilesPerTrigger: 200 })
    reading.catch(() => {}) // awaited below; an early failure must not be unhandled meanwhile
    const started = performance.now()
    let drawn = 0
    const draw = () => {
      const lines = liveView(reader, totals, performance.now() - started, seconds)
      if (tty) {
        process.stdout.write((drawn > 0 ? `\x1b[${drawn}F\x1b[J` : '') + lines.join('\n') + '\n')
        drawn = lines.length
      } else if (!json) process.stdout.write(lines[0] + '\n')
    }
    const ticker = setInterval(draw, tty ? 500 : 2000)
    await Promise.all(Array.from({ length: writers }, (_, i) => spawnWriter(root, i, { phones, durationMs: seconds * 1000, intervalMs }, totals)))
    // Rates count the time writers were writing, not their process start-up.
    const writeMs = totals.lastEnd > totals.firstStart ? totals.lastEnd - totals.firstStart : performance.now() - started
    // Let the stream catch up with the last commit, then stop it.
    const last = await table.latestVersion()
    const deadline = performance.now() + 60_000
    while (last > created.version && reader.nextVersion <= last && performance.now() < deadline) await new Promise((r) => setTimeout(r, 25))
    stopReader.abort()
    await reading
    clearInterval(ticker)
    draw()
    const verification = await verifyDemo(table, totals.sent, reader)
    const checkpoints = await checkpointCount(table)
    await report({ writers, phones, seconds, dir, writeMs, totals, reader, verification, checkpoints, json })
    if (totals.commits === 0) totals.failures.push('no writer committed anything')
    if (totals.failures.length > 0 || !verification.ok) {
      throw new Error(`verification failed: ${[...totals.failures, ...verification.problems].join('; ')}`)
    }
  } finally {
    if (!values.dir && !values.keep) await rm(dir, { recursive: true, force: true })
  }
}

interface ReportInput {
  readonly writers: number
  readonly phones: number
  readonly seconds: number
  readonly dir: string
  readonly writeMs: number
  readonly totals: WriterTotals
  readonly reader: DemoReader
  readonly verification: DemoVerification
  readonly checkpoints: number
  readonly json: boolean
}

async function report(r: ReportInput): Promise<void> {
  const { totals, reader, verification: v } = r
  const secs = r.writeMs / 1000
  const summary = {
    ok: v.ok && totals.failures.length === 0,
    writers: r.writers,
    phonesPerWriter: r.phones,
    seconds: Math.round(secs * 100) / 100,
    events: v.rows,
    expectedEvents: v.expected,
    eventsPerSecond: v.rows / secs,
    commits: totals.commits,
    commitsPerSecond: totals.commits / secs,
    conflictsRetried: totals.conflictsRetried,
    batchRetries: totals.batchRetries,
    commitLatencyP50Ms: percentile(totals.latencies, 50),
    commitLatencyP99Ms: percentile(totals.latencies, 99),
    writerSnapshotLoadP50Ms: percentile(totals.snapshotTimes, 50),
    finalSnapshotLoadMs: v.snapshotLoadMs,
    finalVersion: v.version,
    files: v.files,
    checkpoints: r.checkpoints,
    streamedEvents: reader.events,
    streamDuplicates: reader.duplicates,
    microBatches: reader.microBatches,
    problems: [...totals.failures, ...v.problems],
  }
  if (r.json) {
    await writeOut(JSON.stringify(summary) + '\n')
    return
  }
  const lines = [
    '',
    `summary (${summary.seconds.toFixed(1)} s of writing, ${r.writers} writers × ${r.phones} phones)`,
    `  events       ${fmt(summary.events)} committed (${fmt(summary.eventsPerSecond)} events/s)`,
    `  commits      ${fmt(summary.commits)} (${fmt(summary.commitsPerSecond)} commits/s); ${fmt(summary.conflictsRetried)} conflicts retried by rebasing, ${summary.batchRetries} batches re-tried`,
    `  latency      commit p50 ${ms(summary.commitLatencyP50Ms)}, p99 ${ms(summary.commitLatencyP99Ms)} (snapshot load in writers p50 ${ms(summary.writerSnapshotLoadP50Ms)})`,
    `  table        version ${summary.finalVersion}, ${fmt(summary.files)} files, ${summary.checkpoints} checkpoints; final snapshot loaded in ${ms(summary.finalSnapshotLoadMs)}`,
    `  stream       ${fmt(summary.streamedEvents)} events in ${fmt(summary.microBatches)} micro-batches, ${summary.streamDuplicates} duplicates`,
    summary.ok
      ? `  verification OK: all ${fmt(v.expected)} events exactly once in the table and in the stream`
      : `  verification FAILED:\n${summary.problems.map((p) => `    - ${p}`).join('\n')}`,
  ]
  await writeOut(lines.join('\n') + '\n')
}
