/**
 * `npm run bench [-- --quick] [-- --only name,name]`: runs the benchmarks, prints a table on
 * stdout and writes `bench/results.json`. Exits non-zero only when a benchmark throws or loses
 * data; a slow result never fails the run (machines are noisy; read the ratios).
 */
import { loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { createContext, type Benchmark } from './lib/context.js'
import { type BenchRow, errorRow, formatTable, writeResults } from './lib/report.js'
import { commitBench } from './suites/commit.js'
import { memoryBench } from './suites/memory.js'
import { scanBench } from './suites/scan.js'
import { snapshotLoad } from './suites/snapshot-load.js'

const ALL: readonly Benchmark[] = [snapshotLoad, scanBench, commitBench, memoryBench]

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } } })
  const only = values.only?.split(',').map((s) => s.trim())
  const unknown = only?.filter((n) => !ALL.some((b) => b.name === n)) ?? []
  if (unknown.length > 0) {
    process.stderr.write(`unknown benchmark(s) ${unknown.join(', ')}; known: ${ALL.map((b) => b.name).join(', ')}\n`)
    return 2
  }
  const selected = ALL.filter((b) => !only || only.includes(b.name))
  const ctx = await createContext(values.quick ?? false)
  const started = performance.now()
  const rows: BenchRow[] = []
  try {
    for (const b of selected) {
      try {
        rows.push(...(await b.run(ctx)))
      } catch (e) {
        rows.push(errorRow(b.name, '(setup)', e))
      }
    }
  } finally {
    await ctx.scratch.remove()
  }
  const seconds = (performance.now() - started) / 1000
  process.stdout.write(`\n${formatTable(rows)}\n\n${ctx.quick ? 'quick' : 'full'} run, ${seconds.toFixed(0)} s, load average ${loadavg()[0]!.toFixed(1)}\n`)
  const out = fileURLToPath(new URL('./results.json', import.meta.url))
  await writeResults(out, rows, ctx.quick ? 'quick' : 'full', seconds)
  const errors = rows.filter((r) => r.status === 'error')
  for (const r of errors) process.stderr.write(`ERROR ${r.bench} / ${r.case}: ${r.note}\n`)
  return errors.length > 0 ? 1 : 0
}

process.exitCode = await main()
