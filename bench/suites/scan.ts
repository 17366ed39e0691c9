/**
 * scan: a full scan to Arrow of a generated 5-column table, and a selective `id BETWEEN` query on
 * the same table (clustered by id, so data skipping should answer it from one file). Baseline:
 * DuckDB `read_parquet` over the same files computing the same aggregates. Our answers are checked
 * against DuckDB's; a mismatch fails the run.
 */
import { resolve } from 'node:path'
import type { Engine } from '../../src/engine/engine.js'
import { createHyparquetHandler } from '../../src/engines/hyparquet/index.js'
import { Scan, type ScanOptions } from '../../src/scan/scan.js'
import { between, col, lit, type Expression } from '../../src/scan/expression.js'
import { Table } from '../../src/table.js'
import { type GeneratedData, generateScanTable } from '../gen/data-gen.js'
import { type Aggregates, aggregateBatch, checkAggregates, emptyAggregates } from '../lib/aggregate.js'
import type { BenchContext, Benchmark } from '../lib/context.js'
import { countingFileSystem } from '../lib/counting-fs.js'
import { duckRows, sqlString } from '../lib/duck.js'
import { measurePair } from '../lib/measure.js'
import { type BenchRow, errorRow, pairRow } from '../lib/report.js'
import { dirUrl } from '../lib/tmp.js'

const NAME = 'scan'

/** DuckDB's answer for the same files (and range). */
async function duckAggregates(data: GeneratedData, range?: { lo: number; hi: number }): Promise<Aggregates> {
  const files = `[${data.paths.map(sqlString).join(', ')}]`
  const where = range ? `WHERE id BETWEEN ${range.lo} AND ${range.hi}` : ''
  const [r] = await duckRows(`SELECT count(*) AS rows, coalesce(sum(id), 0) AS id, coalesce(sum(value), 0) AS value,
      coalesce(sum(qty), 0) AS qty, coalesce(sum(strlen(name)), 0) AS nameBytes, count(ts) AS tsNonNull
    FROM read_parquet(${files}) ${where}`)
  return {
    rows: Number(r!.rows),
    id: Number(r!.id),
    value: Number(r!.value),
    qty: Number(r!.qty),
    nameBytes: Number(r!.nameBytes),
    tsNonNull: Number(r!.tsNonNull),
  }
}

/**
 * Scan options with the range predicate, which data skipping should use to read one file. The
 * `columns` key keeps this assignable while a kernel without the `predicate` option ignores it
 * (the "scan files" count in the report then shows every file read).
 */
function scanOptions(predicate: Expression | undefined): ScanOptions {
  const options = { columns: undefined, predicate }
  return options
}

/** Runs our scan; returns the aggregates and how many files it planned. */
async function ourScan(engine: Engine, root: string, range?: { lo: number; hi: number }): Promise<{ agg: Aggregates; files: number }> {
  const snapshot = await Table.open(root, engine).snapshot()
  const predicate = range ? between(col('id'), lit(BigInt(range.lo)), lit(BigInt(range.hi))) : undefined
  const scan = new Scan(snapshot, scanOptions(predicate))
  const agg = emptyAggregates()
  for await (const batch of scan.batches()) aggregateBatch(batch, agg, range)
  return { agg, files: scan.scanFiles().length }
}

async function measureQuery(ctx: BenchContext, data: GeneratedData, label: string, range?: { lo: number; hi: number }): Promise<BenchRow> {
  const counting = countingFileSystem(ctx.engine.fileSystem)
  const engine: Engine = { fileSystem: counting.fileSystem, parquet: createHyparquetHandler(counting.fileSystem) }
  const expected = await duckAggregates(data, range)
  const first = await ourScan(engine, data.root, range)
  checkAggregates(`${NAME} ${label}`, first.agg, expected)
  counting.reset()
  await ourScan(engine, data.root, range)
  const isData = (location: string) => !location.includes('/_delta_log/')
  const bytesRead = counting.bytes(isData)
  const filesRead = counting.files(isData)
  const logObjects = counting.files((l) => !isData(l))
  const { subject, baseline } = await measurePair(
    () => ourScan(engine, data.root, range),
    () => duckAggregates(data, range),
    ctx.plan,
  )
  const rows = range ? expected.rows : data.rows
  const seconds = subject.median / 1000
  return pairRow(NAME, label, subject, 'DuckDB read_parquet', baseline, {
    rows,
    'rows/s': rows / seconds,
    'MB/s': bytesRead / 1e6 / seconds,
    'scan files': first.files,
    'data files read': filesRead,
    'data MB read': bytesRead / 1e6,
    'log objects read': logObjects,
    'table MB': data.bytes / 1e6,
    'DuckDB rows/s': rows / (baseline.median / 1000),
  })
}

/** The scan benchmark family. */
export const scanBench: Benchmark = {
  name: NAME,
  async run(ctx) {
    const rows = ctx.quick ? 1_000_000 : 10_000_000
    const files = ctx.quick ? 10 : 50
    const dir = resolve(ctx.scratch.path, 'scan')
    const full = `full scan, ${rows / 1e6}M rows x 5 cols, ${files} files`
    ctx.log(`${NAME}: generating ${rows.toLocaleString('en-US')} rows in ${files} files with DuckDB`)
    let data: GeneratedData
    try {
      data = await generateScanTable(dir, dirUrl(dir), ctx.engine, { rows, files, seed: 0x5ca1ab1e })
    } catch (e) {
      return [errorRow(NAME, full, e)]
    }
    const out: BenchRow[] = []
    ctx.log(`${NAME}: ${full}`)
    try {
      out.push(await measureQuery(ctx, data, full))
    } catch (e) {
      out.push(errorRow(NAME, full, e))
    }
    // A range inside file 3 (of any size), away from its edges.
    const lo = 3 * data.rowsPerFile + Math.floor(data.rowsPerFile / 4)
    const range = { lo, hi: lo + 999 }
    const selective = `id BETWEEN ${range.lo} AND ${range.hi} (1,000 rows, 1 file)`
    ctx.log(`${NAME}: ${selective}`)
    try {
      out.push(await measureQuery(ctx, data, selective, range))
    } catch (e) {
      out.push(errorRow(NAME, selective, e))
    }
    return out
  },
}
