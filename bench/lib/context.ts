/**
 * What every benchmark receives: the mode, the run plan, the engine, and a per-run cache of
 * generated tables (the memory benchmark reuses the snapshot-load tables instead of generating
 * them twice). Everything generated lives under one temp directory removed at the end of the run.
 */
import { fileURLToPath } from 'node:url'
import { dirname, resolve } from 'node:path'
import type { Engine } from '../../src/engine/engine.js'
import { createNodeEngine } from '../../src/node.js'
import { type GeneratedLog, generateCheckpointedLog } from '../gen/log-gen.js'
import type { RunPlan } from './measure.js'
import type { BenchRow } from './report.js'
import { type TempDir, dirUrl, tempDir } from './tmp.js'

/** Shared state of one `npm run bench`. */
export interface BenchContext {
  readonly quick: boolean
  readonly plan: RunPlan
  /** Local file system (no fsync: we measure the kernel, not the disk's flush) + hyparquet. */
  readonly engine: Engine
  /** Absolute path of the repository root. */
  readonly repoRoot: string
  /** Scratch space for this run. */
  readonly scratch: TempDir
  /** A checkpointed log of `files` files plus `commits` JSON commits, generated once per run. */
  checkpointedLog(files: number, commits: number): Promise<GeneratedLog>
  /** Progress line on stderr (the table goes to stdout). */
  log(message: string): void
}

/** One benchmark family. */
export interface Benchmark {
  readonly name: string
  run(ctx: BenchContext): Promise<BenchRow[]>
}

/** Creates the context; call `scratch.remove()` when the run ends. */
export async function createContext(quick: boolean): Promise<BenchContext> {
  const scratch = await tempDir('run')
  const engine = createNodeEngine({ sync: false })
  const logs = new Map<string, Promise<GeneratedLog>>()
  const started = performance.now()
  const log = (message: string) => process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${message}\n`)
  return {
    quick,
    plan: quick ? { warmup: 1, runs: 3 } : { warmup: 2, runs: 7 },
    engine,
    repoRoot: resolve(dirname(fileURLToPath(import.meta.url)), '../..'),
    scratch,
    log,
    checkpointedLog(files, commits) {
      const key = `${files}-${commits}`
      let p = logs.get(key)
      if (!p) {
        const dir = resolve(scratch.path, `log-${key}`)
        log(`generating a table of ${files.toLocaleString('en-US')} checkpointed files + ${commits} commits`)
        p = generateCheckpointedLog(dir, dirUrl(dir), engine, { files, commits, seed: files ^ 0x5eed })
        logs.set(key, p)
      }
      return p
    },
  }
}
