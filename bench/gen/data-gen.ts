/**
 * Generates the scan benchmark's table: `rows` rows of five columns in `files` Parquet files
 * written by DuckDB `COPY` (fast, and an independent writer), clustered by `id` (file k holds ids
 * [k·n, (k+1)·n)), then committed with our own write path (`createTable` + `addFiles`), each add
 * carrying the statistics DuckDB computes for the file. Values are pure functions of `id` and
 * the seed, so the data is identical on every run.
 */
import { mkdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { Engine } from '../../src/engine/engine.js'
import type { Add } from '../../src/protocol/actions.js'
import type { StructType } from '../../src/protocol/schema-types.js'
import { Table } from '../../src/table.js'
import { createTable } from '../../src/txn/create-table.js'
import { Transaction } from '../../src/txn/transaction.js'
import { duck, duckRows, sqlString } from '../lib/duck.js'

/** The generated table. */
export interface GeneratedData {
  readonly root: string
  readonly dir: string
  readonly rows: number
  /** Local paths of the data files, in id order. */
  readonly paths: readonly string[]
  readonly bytes: number
  readonly rowsPerFile: number
}

const field = (name: string, type: string) => ({ name, type: { type }, nullable: true, metadata: {} }) as StructType['fields'][number]

/** Logical schema of the generated table. */
export const DATA_SCHEMA: StructType = {
  type: 'struct',
  fields: [field('id', 'long'), field('value', 'double'), field('qty', 'integer'), field('name', 'string'), field('ts', 'timestamp')],
}

/** DuckDB SELECT producing ids [lo, hi). `value` is NULL on every 100th row. */
function selectRows(lo: number, hi: number, seed: number): string {
  return `SELECT i AS id,
    CASE WHEN i % 100 = 0 THEN NULL ELSE ((i * 2654435761 + ${seed}) % 1000003) / 100.0 END::DOUBLE AS value,
    ((i * 7919 + ${seed}) % 1000)::INTEGER AS qty,
    'name-' || ((i * 31 + ${seed}) % 10007)::VARCHAR AS name,
    to_timestamp(1700000000 + i) AS ts
  FROM range(${lo}, ${hi}) t(i)`
}

/** Delta stats JSON of one file, from DuckDB's own aggregate over it. */
async function statsOf(path: string): Promise<{ json: string; rows: number }> {
  const [r] = await duckRows(`SELECT count(*) AS n, min(id) AS id0, max(id) AS id1, min(value) AS v0, max(value) AS v1,
      count(*) - count(value) AS vn, min(qty) AS q0, max(qty) AS q1, min(name) AS s0, max(name) AS s1,
      epoch_ms(min(ts)) AS t0, epoch_ms(max(ts)) AS t1 FROM read_parquet(${sqlString(path)})`)
  const n = Number(r!.n)
  const iso = (ms: unknown) => new Date(Number(ms)).toISOString()
  const json = JSON.stringify({
    numRecords: n,
    minValues: { id: Number(r!.id0), value: r!.v0, qty: r!.q0, name: r!.s0, ts: iso(r!.t0) },
    maxValues: { id: Number(r!.id1), value: r!.v1, qty: r!.q1, name: r!.s1, ts: iso(r!.t1) },
    nullCount: { id: 0, value: Number(r!.vn), qty: 0, name: 0, ts: 0 },
  })
  return { json, rows: n }
}

/** Writes the data files and commits them as version 1 of a new table under `dir`. */
export async function generateScanTable(dir: string, root: string, engine: Engine, options: { rows: number; files: number; seed: number }): Promise<GeneratedData> {
  await mkdir(dir, { recursive: true })
  const c = await duck()
  const perFile = Math.ceil(options.rows / options.files)
  const adds: Add[] = []
  const paths: string[] = []
  let bytes = 0
  for (let k = 0; k < options.files; k++) {
    const lo = k * perFile
    const hi = Math.min(options.rows, lo + perFile)
    const name = `part-${String(k).padStart(5, '0')}-${options.seed.toString(16).padStart(8, '0')}-bench.c000.snappy.parquet`
    const path = join(dir, name)
    await c.run(`COPY (${selectRows(lo, hi, options.seed)}) TO ${sqlString(path)} (FORMAT parquet, COMPRESSION snappy)`)
    const { json } = await statsOf(path)
    const st = await stat(path)
    bytes += st.size
    paths.push(path)
    adds.push({ path: name, partitionValues: {}, size: st.size, modificationTime: Math.floor(st.mtimeMs), dataChange: true, stats: json })
  }
  await createTable(root, engine, { schema: DATA_SCHEMA })
  const txn = new Transaction(await Table.open(root, engine).snapshot())
  txn.addFiles(adds)
  await txn.commit()
  return { root, dir, rows: options.rows, paths, bytes, rowsPerFile: perFile }
}
