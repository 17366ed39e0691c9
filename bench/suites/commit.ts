/**
 * commit: W writer processes append small batches to one local table (blind appends, each its own
 * transaction) until a fixed number of commits is reached; the baseline is the same processes
 * racing to put-if-absent the same number of small files in one folder (the storage floor of a
 * commit). After every round the table is read back: every batch exactly once and a gap-free log,
 * or the run fails.
 */
import { mkdir, readdir, rm } from 'node:fs/promises'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Scan } from '../../src/scan/scan.js'
import type { StructType } from '../../src/protocol/schema-types.js'
import { Table } from '../../src/table.js'
import { createTable } from '../../src/txn/create-table.js'
import type { BenchContext, Benchmark } from '../lib/context.js'
import { percentile, summarise } from '../lib/measure.js'
import { type BenchRow, errorRow, pairRow } from '../lib/report.js'
import { dirUrl } from '../lib/tmp.js'
import { startWorkers } from '../lib/workers.js'
import { BATCH_ROWS, type RoundReport } from '../lib/commit-protocol.js'

const NAME = 'commit'
const WORKER = fileURLToPath(new URL('../workers/commit-worker.ts', import.meta.url))

const field = (name: string, type: string) => ({ name, type: { type }, nullable: true, metadata: {} }) as StructType['fields'][number]
const SCHEMA: StructType = { type: 'struct', fields: [field('id', 'long'), field('worker', 'integer'), field('value', 'double')] }

const wall = (reports: readonly RoundReport[]) => Math.max(...reports.map((r) => r.end)) - Math.min(...reports.map((r) => r.start))

/** Throws unless the table holds every batch exactly once in versions 1..commits, gap-free. */
async function checkTable(ctx: BenchContext, dir: string, workers: number, perWorker: number): Promise<void> {
  const root = dirUrl(dir)
  const names = (await readdir(resolve(dir, '_delta_log'))).filter((f) => /^\d{20}\.json$/.test(f)).sort()
  const total = workers * perWorker
  const gapFree = names.length === total + 1 && names.every((n, i) => Number(n.slice(0, 20)) === i)
  if (!gapFree) throw new Error(`LOST: expected commits 0..${total} gap-free, found ${names.length} commit files (${names.at(-1)})`)
  const snapshot = await Table.open(root, ctx.engine).snapshot()
  const ids: number[] = []
  for await (const b of new Scan(snapshot, { columns: ['id'] }).batches()) {
    const v = b.getChild('id')!
    for (let i = 0; i < b.numRows; i++) ids.push(Number(v.get(i) as bigint))
  }
  ids.sort((a, b) => a - b)
  const expected: number[] = []
  for (let w = 0; w < workers; w++) for (let i = 0; i < perWorker * BATCH_ROWS; i++) expected.push(w * 1_000_000 + i)
  expected.sort((a, b) => a - b)
  const same = ids.length === expected.length && ids.every((v, i) => v === expected[i])
  if (!same) throw new Error(`LOST: expected ${expected.length} rows, each once; read back ${ids.length} (data lost or duplicated)`)
}

async function checkFloor(dir: string, total: number): Promise<void> {
  const names = (await readdir(dir)).sort()
  if (names.length !== total) throw new Error(`put-if-absent floor: expected ${total} files, found ${names.length}`)
}

async function measureWriters(ctx: BenchContext, workers: number, total: number): Promise<BenchRow> {
  const label = `${workers} writer process${workers > 1 ? 'es' : ''}, ${total} commits of ${BATCH_ROWS} rows`
  ctx.log(`${NAME}: ${label}`)
  const perWorker = Math.ceil(total / workers)
  const commits = perWorker * workers
  const pool = await startWorkers(WORKER, workers, ctx.repoRoot)
  try {
    const delta: RoundReport[][] = []
    const floor: RoundReport[][] = []
    for (let round = 0; round < ctx.plan.warmup + ctx.plan.runs; round++) {
      const tableDir = resolve(ctx.scratch.path, `commit-${workers}-${round}`)
      const floorDir = resolve(ctx.scratch.path, `floor-${workers}-${round}`)
      await mkdir(floorDir, { recursive: true })
      const f = await pool.round<RoundReport>(() => `floor ${dirUrl(floorDir)} ${commits}`)
      await checkFloor(floorDir, commits)
      await createTable(dirUrl(tableDir), ctx.engine, { schema: SCHEMA })
      const d = await pool.round<RoundReport>(() => `delta ${dirUrl(tableDir)} ${perWorker}`)
      await checkTable(ctx, tableDir, workers, perWorker)
      await rm(tableDir, { recursive: true, force: true })
      await rm(floorDir, { recursive: true, force: true })
      if (round >= ctx.plan.warmup) {
        delta.push(d)
        floor.push(f)
      }
    }
    const subject = summarise(delta.map(wall))
    const baseline = summarise(floor.map(wall))
    const latencies = delta.flatMap((r) => r.flatMap((x) => x.latencies))
    const transactions = delta.flatMap((r) => r.flatMap((x) => x.transactions ?? []))
    const floorLatencies = floor.flatMap((r) => r.flatMap((x) => x.latencies))
    const conflicts = delta.map((r) => r.reduce((n, x) => n + x.conflictsRetried, 0))
    return pairRow(NAME, label, subject, 'put-if-absent floor', baseline, {
      'commits/s': commits / (subject.median / 1000),
      'p50 ms': percentile(latencies, 50),
      'p99 ms': percentile(latencies, 99),
      'txn p50 ms': percentile(transactions, 50),
      'conflicts retried/round': summarise(conflicts).median,
      lost: 0,
      'floor puts/s': commits / (baseline.median / 1000),
      'floor p50 ms': percentile(floorLatencies, 50),
      'floor p99 ms': percentile(floorLatencies, 99),
    })
  } finally {
    await pool.close()
  }
}

/** The commit benchmark family. */
export const commitBench: Benchmark = {
  name: NAME,
  async run(ctx) {
    const rows: BenchRow[] = []
    const total = ctx.quick ? 40 : 160
    for (const workers of ctx.quick ? [1, 4] : [1, 4, 16]) {
      try {
        rows.push(await measureWriters(ctx, workers, total))
      } catch (e) {
        rows.push(errorRow(NAME, `${workers} writer processes`, e))
      }
    }
    return rows
  },
}
