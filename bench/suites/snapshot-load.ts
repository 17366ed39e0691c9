/**
 * snapshot-load: open the latest snapshot and enumerate every live file, against a floor that
 * reads the same bytes (list `_delta_log`, read and `JSON.parse` every commit line, decode the same
 * checkpoint columns with the same Parquet handler) with no Delta logic: no action validation,
 * no reconciliation, no protocol checks. ratio = load / floor.
 */
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Engine } from '../../src/engine/engine.js'
import { defaultJsonHandler } from '../../src/engine/json.js'
import { CHECKPOINT_READ_SCHEMA } from '../../src/log/checkpoint-schema.js'
import { Table } from '../../src/table.js'
import { dirUrl } from '../lib/tmp.js'
import type { BenchContext, Benchmark } from '../lib/context.js'
import { measurePair } from '../lib/measure.js'
import { type BenchRow, errorRow, pairRow, skippedRow } from '../lib/report.js'
import { withoutCheckpoints } from '../lib/hide-checkpoints.js'

const NAME = 'snapshot-load'
/** Live files of the corpus table: its commits hold 300,000 distinct adds and no removes. */
const CORPUS_FILES = 300_000

/** Lists `_delta_log` and returns the locations (and sizes) of the files the floor reads. */
async function listLog(engine: Engine, root: string): Promise<{ location: string; size: number; lastModified: number }[]> {
  const out = []
  for await (const meta of engine.fileSystem.list(`${root}_delta_log/`)) out.push(meta)
  return out
}

/**
 * The floor for a log: list, read each commit after `checkpointVersion` and parse every line, and
 * decode the checkpoint (when there is one) with the replay schema. Returns rows seen.
 */
function floorOf(engine: Engine, root: string, checkpointVersion: number | undefined): () => Promise<number> {
  return async () => {
    let rows = 0
    for (const meta of await listLog(engine, root)) {
      const name = meta.location.slice(meta.location.lastIndexOf('/') + 1)
      const version = Number(name.slice(0, 20))
      if (checkpointVersion !== undefined && name === `${name.slice(0, 20)}.checkpoint.parquet` && version === checkpointVersion) {
        for await (const { batch } of engine.parquet.read(meta, { schema: CHECKPOINT_READ_SCHEMA })) rows += batch.numRows
      } else if (name.endsWith('.json') && /^\d{20}\.json$/.test(name) && (checkpointVersion === undefined || version > checkpointVersion)) {
        rows += defaultJsonHandler.parseLines(await engine.fileSystem.read(meta.location), meta.location).length
      }
    }
    return rows
  }
}

/** Loads the latest snapshot, enumerates its files, and checks the count. */
function loadOf(engine: Engine, root: string, expectedFiles: number): () => Promise<number> {
  return async () => {
    const snapshot = await Table.open(root, engine).snapshot()
    let n = 0
    for (const add of snapshot.files()) if (add.path !== '') n++
    if (n !== expectedFiles) throw new Error(`${root}: expected ${expectedFiles} live files, the snapshot found ${n}`)
    return n
  }
}

async function logBytes(engine: Engine, root: string, checkpointVersion: number | undefined): Promise<number> {
  let bytes = 0
  for (const meta of await listLog(engine, root)) {
    const name = meta.location.slice(meta.location.lastIndexOf('/') + 1)
    const v = Number(name.slice(0, 20))
    const isCheckpoint = v === checkpointVersion && name.endsWith('.checkpoint.parquet')
    const isCommit = /^\d{20}\.json$/.test(name) && (checkpointVersion === undefined || v > checkpointVersion)
    if (isCheckpoint || isCommit) bytes += meta.size
  }
  return bytes
}

async function measureCase(ctx: BenchContext, name: string, root: string, files: number, checkpointVersion: number | undefined): Promise<BenchRow> {
  const { subject, baseline } = await measurePair(loadOf(ctx.engine, root, files), floorOf(ctx.engine, root, checkpointVersion), ctx.plan)
  const bytes = await logBytes(ctx.engine, root, checkpointVersion)
  return pairRow(NAME, name, subject, checkpointVersion === undefined ? 'list+read+JSON.parse' : 'list+read+parse+decode', baseline, {
    files,
    'ms/100k files': (subject.median / files) * 100_000,
    'floor ms/100k': (baseline.median / files) * 100_000,
    'log MB': bytes / 1e6,
  })
}

/** The snapshot-load benchmark family. */
export const snapshotLoad: Benchmark = {
  name: NAME,
  async run(ctx) {
    const rows: BenchRow[] = []
    const corpus = resolve(ctx.repoRoot, '../shared/corpora/kernel-rs/300k-add-files-100-col-partitioned')
    const corpusCase = '300k adds, 3 JSON commits (kernel-rs corpus)'
    if (!existsSync(corpus)) rows.push(skippedRow(NAME, corpusCase, `corpus not found at ${corpus}`))
    else {
      ctx.log(`${NAME}: ${corpusCase}`)
      try {
        rows.push(await measureCase(ctx, corpusCase, dirUrl(corpus), CORPUS_FILES, undefined))
      } catch (e) {
        rows.push(errorRow(NAME, corpusCase, e))
      }
    }
    for (const files of ctx.quick ? [100_000] : [100_000, 1_000_000]) {
      const label = `${files / 1000}k in checkpoint + 1,000 JSON commits`
      try {
        const log = await ctx.checkpointedLog(files, 1000)
        ctx.log(`${NAME}: ${label}`)
        rows.push(await measureCase(ctx, label, log.root, log.liveFiles, log.checkpointVersion))
        // The same table opened without its checkpoint: every JSON commit replayed.
        const plain = `${files / 1000}k files + 1,000 JSON commits, checkpoint hidden`
        ctx.log(`${NAME}: ${plain}`)
        rows.push(await measureCase({ ...ctx, engine: withoutCheckpoints(ctx.engine) }, plain, log.root, log.liveFiles, undefined))
      } catch (e) {
        rows.push(errorRow(NAME, label, e))
      }
    }
    if (ctx.quick) rows.push(skippedRow(NAME, '1000k in checkpoint + 1,000 JSON commits', 'full run only'))
    return rows
  },
}
