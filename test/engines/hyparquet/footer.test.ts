/**
 * Footer statistics are exact and agree with DuckDB's decoding of the same footer
 * (`parquet_metadata`), for every row group and column.
 */
import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { createHyparquetHandler } from '../../../src/engines/hyparquet/index.js'
import { duck } from './duckdb-oracle.js'
import { fileUrl, testFileSystem } from './local-fs.js'
import { CORPORA_ROOT } from '../../corpora-root.js'

const dir = mkdtempSync(join(tmpdir(), 'hyparquet-footer-'))

test('min/max/nullCount of every chunk equal DuckDB parquet_metadata, decimals and int64 exactly', async () => {
  const path = join(dir, 'stats.parquet')
  const c = await duck()
  await c.run(`COPY (SELECT
      (range - 2500)::INTEGER AS i, range * 1000000000000007 AS l, (range % 300 - 150)::SMALLINT AS sh,
      'k' || lpad(range::VARCHAR, 5, '0') AS s, range / 7.0 AS d,
      CASE WHEN range % 10 = 0 THEN NULL ELSE (range * 1.25 - 3000)::DECIMAL(9,2) END AS d9,
      (range * 123456789.1234)::DECIMAL(18,4) AS d18,
      (range * 1e20 - 1e23)::DECIMAL(30,5) AS d30,
      DATE '1960-01-01' + range::INTEGER AS dt,
      TIMESTAMP '1969-12-31 23:00:00' + to_microseconds(range * 1000003) AS ts,
      range % 3 = 0 AS b
    FROM range(5000)) TO '${path}' (FORMAT parquet, ROW_GROUP_SIZE 2048)`)
  const fs = testFileSystem()
  const footer = await createHyparquetHandler(fs).readFooter(await fs.head(fileUrl(path)))
  const rows = (await c.runAndReadAll(`SELECT row_group_id::INTEGER AS g, path_in_schema AS p, stats_min_value AS mn, stats_max_value AS mx,
      stats_null_count::INTEGER AS nc, epoch_us(TRY_CAST(stats_min_value AS TIMESTAMP))::VARCHAR AS tmn,
      epoch_us(TRY_CAST(stats_max_value AS TIMESTAMP))::VARCHAR AS tmx,
      (TRY_CAST(stats_min_value AS DATE) - DATE '1970-01-01')::INTEGER AS dmn,
      (TRY_CAST(stats_max_value AS DATE) - DATE '1970-01-01')::INTEGER AS dmx
      FROM parquet_metadata('${path}') ORDER BY row_group_id, column_id`)).getRowObjectsJson() as Record<string, string | number | null>[]
  assert.equal(footer.numRows, 5000)
  assert.equal(footer.rowGroups.length, 3)
  let checked = 0
  for (const r of rows) {
    const col = footer.rowGroups[r.g as number]!.columns.find((x) => x.path === r.p)!
    assert.equal(col.nullCount, r.nc, `${r.p} null count`)
    const expect = (v: string | number | null, t: string | number | null, d: string | number | null): unknown => {
      switch (r.p) {
        case 'i':
        case 'sh':
          return Number(v)
        case 'l':
          return BigInt(v as string)
        case 'd':
          return Number(v)
        case 'b':
          return v === 'true'
        case 'ts':
          return BigInt(t as string)
        case 'dt':
          return d
        default:
          return v // strings and decimals: DuckDB prints decimals with exactly `scale` digits, as we do
      }
    }
    assert.deepStrictEqual([col.min, col.max], [expect(r.mn, r.tmn, r.dmn), expect(r.mx, r.tmx, r.dmx)], `${r.p} in group ${r.g}`)
    checked++
  }
  assert.equal(checked, 33)
  const d9 = footer.rowGroups[0]!.columns.find((x) => x.path === 'd9')!
  assert.equal(typeof d9.min, 'string')
  assert.equal(typeof footer.rowGroups[0]!.columns.find((x) => x.path === 'l')!.max, 'bigint')
})

test('statistics of Spark-written golden files decode exactly (INT96 stats are not trusted)', async () => {
  const fs = testFileSystem()
  const dirPath = `${CORPORA_ROOT}/golden/data-skipping-basic-stats-all-types/delta`
  const { readdirSync } = await import('node:fs')
  const file = readdirSync(dirPath).find((p) => p.startsWith('part-00001'))!
  const footer = await createHyparquetHandler(fs).readFooter(await fs.head(fileUrl(join(dirPath, file))))
  const byPath = Object.fromEntries(footer.rowGroups[0]!.columns.map((c) => [c.path, c]))
  assert.deepEqual(byPath.as_long, { path: 'as_long', min: 0n, max: 0n, nullCount: 0 })
  assert.deepEqual(byPath.as_date, { path: 'as_date', min: 10957, max: 10957, nullCount: 0 })
  assert.deepEqual(byPath.as_big_decimal, { path: 'as_big_decimal', min: '0', max: '0', nullCount: 0 })
  assert.equal(byPath.as_timestamp!.min, undefined)
  assert.equal(footer.keyValueMetadata['org.apache.spark.version'], '3.5.0')
})

test('a file that is not Parquet fails with a typed error naming it', async () => {
  const fs = testFileSystem()
  const path = join(dir, 'not.parquet')
  await fs.put(fileUrl(path), new TextEncoder().encode('this is certainly not a parquet file'))
  await assert.rejects(createHyparquetHandler(fs).readFooter(await fs.head(fileUrl(path))), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'PARQUET_ERROR')
    assert.match(e.message, /not\.parquet/)
    return true
  })
})
