/**
 * Generates Delta logs for the snapshot-load and memory benchmarks: N live files in a checkpoint
 * (written by our own checkpoint writer) followed by JSON commits that each add two files and
 * remove one, the usual shape of a busy table between checkpoints. Seeded, so every run and
 * machine sees the same bytes.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Engine } from '../../src/engine/engine.js'
import { checkpoint } from '../../src/log/checkpoint-write.js'
import { Table } from '../../src/table.js'
import { seededRandom, seededUuid } from '../lib/rng.js'

/** What was generated, and what a correct snapshot must find. */
export interface GeneratedLog {
  readonly root: string
  readonly checkpointVersion: number
  readonly latestVersion: number
  /** Live files at the latest version. */
  readonly liveFiles: number
  /** Log file names (in `_delta_log/`) a snapshot of the latest version reads after the checkpoint. */
  readonly commitsAfterCheckpoint: readonly string[]
  readonly checkpointFile: string
}

/** Options of {@link generateCheckpointedLog}. */
export interface LogGenOptions {
  /** Files in the checkpoint. */
  readonly files: number
  /** JSON commits after the checkpoint (each adds two files, removes one). */
  readonly commits: number
  readonly seed: number
}

const SCHEMA = JSON.stringify({
  type: 'struct',
  fields: [
    { name: 'id', type: 'long', nullable: true, metadata: {} },
    { name: 'ts', type: 'timestamp', nullable: true, metadata: {} },
    { name: 'value', type: 'double', nullable: true, metadata: {} },
    { name: 'name', type: 'string', nullable: true, metadata: {} },
    { name: 'part', type: 'string', nullable: true, metadata: {} },
  ],
})

const pad = (v: number) => String(v).padStart(20, '0')
const T0 = 1_700_000_000_000

/** One `add` line for generated file number `i` (stats on every data column, as Spark writes). */
function addLine(i: number, random: () => number): string {
  const part = `p${String(i % 100).padStart(2, '0')}`
  const rows = 1000 + Math.floor(random() * 9000)
  const lo = i * 10_000
  const stats = JSON.stringify({
    numRecords: rows,
    minValues: { id: lo, ts: new Date(T0 + i * 1000).toISOString(), value: random(), name: `a${i}` },
    maxValues: { id: lo + rows - 1, ts: new Date(T0 + i * 1000 + 999).toISOString(), value: 1 + random(), name: `z${i}` },
    nullCount: { id: 0, ts: 0, value: Math.floor(random() * 10), name: 0 },
  })
  return JSON.stringify({
    add: {
      path: `part=${part}/part-${String(i % 10_000).padStart(5, '0')}-${seededUuid(random)}.c000.snappy.parquet`,
      partitionValues: { part },
      size: 100_000 + Math.floor(random() * 900_000),
      modificationTime: T0 + i,
      dataChange: true,
      stats,
    },
  })
}

function commitInfoLine(version: number, operation: string): string {
  return JSON.stringify({ commitInfo: { timestamp: T0 + version * 1000, operation, operationParameters: { mode: 'Append' }, engineInfo: 'delta-kernel-bench' } })
}

/** Writes 0.json: protocol (1, 2), metadata partitioned by `part`. */
async function writeVersionZero(logPath: string): Promise<void> {
  const lines = [
    commitInfoLine(0, 'CREATE TABLE'),
    JSON.stringify({ protocol: { minReaderVersion: 1, minWriterVersion: 2 } }),
    JSON.stringify({
      metaData: {
        id: '00000000-0000-4000-a000-000000000001',
        format: { provider: 'parquet', options: {} },
        schemaString: SCHEMA,
        partitionColumns: ['part'],
        configuration: {},
        createdTime: T0,
      },
    }),
  ]
  await writeFile(join(logPath, `${pad(0)}.json`), lines.join('\n') + '\n')
}

/** Removes file `i`, written as a `remove` line matching its `add`. */
function removeLine(path: string, version: number): string {
  return JSON.stringify({ remove: { path, deletionTimestamp: T0 + version * 1000, dataChange: true } })
}

/**
 * Generates the table under `dir` (a local path; `root` is its URL) and checkpoints it with
 * `engine` before writing the trailing commits. Files are added in commits of at most 100k, so no
 * single commit file strains V8's string limit.
 */
export async function generateCheckpointedLog(dir: string, root: string, engine: Engine, options: LogGenOptions): Promise<GeneratedLog> {
  const random = seededRandom(options.seed)
  const logPath = join(dir, '_delta_log')
  await mkdir(logPath, { recursive: true })
  await writeVersionZero(logPath)
  const chunk = 100_000
  const paths: string[] = []
  let version = 0
  for (let start = 0; start < options.files; start += chunk) {
    version++
    const lines = [commitInfoLine(version, 'WRITE')]
    for (let i = start; i < Math.min(options.files, start + chunk); i++) {
      const line = addLine(i, random)
      lines.push(line)
      if (paths.length < options.commits) paths.push((JSON.parse(line) as { add: { path: string } }).add.path)
    }
    await writeFile(join(logPath, `${pad(version)}.json`), lines.join('\n') + '\n')
  }
  const checkpointVersion = version
  const written = await checkpoint(Table.open(root, engine), { version: checkpointVersion, kind: 'classic' })
  const after: string[] = []
  let next = options.files
  for (let c = 0; c < options.commits; c++) {
    version++
    const lines = [commitInfoLine(version, 'WRITE'), addLine(next++, random), addLine(next++, random)]
    if (c < paths.length) lines.push(removeLine(paths[c]!, version))
    const name = `${pad(version)}.json`
    await writeFile(join(logPath, name), lines.join('\n') + '\n')
    after.push(name)
  }
  const removed = Math.min(options.commits, paths.length)
  return {
    root,
    checkpointVersion,
    latestVersion: version,
    liveFiles: options.files + 2 * options.commits - removed,
    commitsAfterCheckpoint: after,
    checkpointFile: written.location,
  }
}
