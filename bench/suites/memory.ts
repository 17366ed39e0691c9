/**
 * memory: peak RSS and retained heap of a loaded snapshot (checkpointed table, same generator as
 * snapshot-load), in a fresh child process with --expose-gc so nothing else is on the heap.
 * Baseline: the same live `add` actions held as plain `JSON.parse` objects. ratio = snapshot
 * bytes per file / JSON-object bytes per file.
 */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import type { BenchContext, Benchmark } from '../lib/context.js'
import { summarise } from '../lib/measure.js'
import { type BenchRow, errorRow } from '../lib/report.js'
import type { MemoryReport } from '../workers/memory-child.js'

const NAME = 'memory'
const CHILD = fileURLToPath(new URL('../workers/memory-child.ts', import.meta.url))
const run = promisify(execFile)

async function child(ctx: BenchContext, mode: 'snapshot' | 'json', root: string, files: number): Promise<MemoryReport> {
  const { stdout } = await run(process.execPath, ['--expose-gc', '--max-old-space-size=8192', '--import', 'tsx', CHILD, mode, root, String(files)], {
    cwd: ctx.repoRoot,
    maxBuffer: 1 << 20,
  })
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as MemoryReport
}

const MB = 1 << 20
const perFile = (r: MemoryReport) => (r.heapAfter - r.heapBefore + Math.max(0, r.externalDelta)) / r.files

/** The memory benchmark family. */
export const memoryBench: Benchmark = {
  name: NAME,
  async run(ctx) {
    const files = ctx.quick ? 100_000 : 1_000_000
    const label = `snapshot of ${files / 1000}k checkpointed files + 1,000 commits`
    try {
      const log = await ctx.checkpointedLog(files, 1000)
      ctx.log(`${NAME}: ${label}`)
      const runs = Math.min(3, ctx.plan.runs)
      const ours: MemoryReport[] = []
      const floor: MemoryReport[] = []
      for (let i = 0; i < runs; i++) {
        ours.push(await child(ctx, 'snapshot', log.root, log.liveFiles))
        floor.push(await child(ctx, 'json', log.root, log.liveFiles))
      }
      const med = (xs: MemoryReport[], f: (r: MemoryReport) => number) => summarise(xs.map(f)).median
      const bytesPerFile = med(ours, perFile)
      const floorPerFile = med(floor, perFile)
      const row: BenchRow = {
        bench: NAME,
        case: label,
        status: 'ok',
        ratio: bytesPerFile / floorPerFile,
        metrics: {
          files: log.liveFiles,
          'bytes/file': bytesPerFile,
          'retained heap MB': med(ours, (r) => r.heapAfter - r.heapBefore) / MB,
          'heap peak MB': med(ours, (r) => r.heapPeak) / MB,
          'peak RSS MB': med(ours, (r) => r.peakRss) / MB,
          'load ms': med(ours, (r) => r.loadMs),
          'JSON-object bytes/file': floorPerFile,
        },
        note: 'baseline: the live adds as JSON.parse objects',
      }
      return [row]
    } catch (e) {
      return [errorRow(NAME, label, e)]
    }
  },
}
