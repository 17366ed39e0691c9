/**
 * Selective predicates on real tables read only the files that can match. Expected counts are
 * derived by hand from each table's log (the stats and partition values written by Spark).
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { Scan } from '../src/index.js'
import { CORPORA, openCorpusTable } from './corpora.js'

interface Case {
  readonly where: string
  readonly filesRead: number
  readonly rows: number
}

async function check(table: string, cases: readonly Case[]) {
  const snapshot = await openCorpusTable(join(CORPORA, table)).snapshot()
  for (const c of cases) {
    const scan = new Scan(snapshot, { predicate: c.where })
    let rows = 0
    for await (const b of scan.batches()) rows += b.numRows
    assert.equal(scan.metrics.filesRead, c.filesRead, `${table}: files read for ${c.where}`)
    assert.equal(rows, c.rows, `${table}: rows for ${c.where}`)
    assert.equal(scan.metrics.filesTotal, snapshot.numFiles)
  }
}

test('data-skipping-basic-stats-all-types: one file whose stats are all zero / 2000-01-01', async () => {
  // The single file holds one row: every numeric column 0, as_string '0', as_date 2000-01-01,
  // as_timestamp 2000-01-01T08:00:00Z (stats written as 00:00-08:00, milliseconds).
  await check('golden/data-skipping-basic-stats-all-types/delta', [
    { where: 'as_int = 0', filesRead: 1, rows: 1 },
    { where: 'as_int = 1', filesRead: 0, rows: 0 },
    { where: 'as_int > 0 OR as_long < 0', filesRead: 0, rows: 0 },
    { where: 'NOT (as_int = 0)', filesRead: 0, rows: 0 },
    { where: 'as_byte IN (1, 2, 3)', filesRead: 0, rows: 0 },
    { where: "as_string = '0'", filesRead: 1, rows: 1 },
    { where: "as_string > '0'", filesRead: 0, rows: 0 },
    { where: "as_date = DATE '2000-01-02'", filesRead: 0, rows: 0 },
    { where: 'as_float < 0', filesRead: 0, rows: 0 },
    { where: 'as_double >= 0', filesRead: 1, rows: 1 },
    { where: 'as_big_decimal = 0', filesRead: 1, rows: 1 },
    { where: "as_timestamp < TIMESTAMP '2000-01-01 08:00:00'", filesRead: 0, rows: 0 },
    { where: 'as_int IS NULL', filesRead: 0, rows: 0 },
    { where: 'as_int IS NOT NULL', filesRead: 1, rows: 1 },
  ])
})

test('delta-0.8.0-partitioned: partition pruning on year/month/day', async () => {
  // Six files in partitions 2020/1/1, 2020/2/3, 2020/2/5, 2021/4/5, 2021/12/4, 2021/12/20 (two rows).
  await check('delta-rs/delta-0.8.0-partitioned', [
    { where: "year = '2021' AND month = '12'", filesRead: 2, rows: 3 },
    { where: "year = '2020'", filesRead: 3, rows: 3 },
    { where: "year = '2022'", filesRead: 0, rows: 0 },
    { where: "day = '20'", filesRead: 1, rows: 2 },
    { where: "year = '2021' OR day = '1'", filesRead: 4, rows: 5 },
  ])
})

test('checkpoints with only struct statistics (stats_parsed) still drive skipping', async () => {
  // Each of the five files holds one row id = 1..5; the checkpoints store stats only as stats_parsed.
  for (const t of ['kernel-rs/v1-single-part-struct-stats-only', 'kernel-rs/v2-parquet-sidecars-struct-stats-only', 'kernel-rs/v1-multi-part-struct-stats-only']) {
    await check(t, [
      { where: 'id = 3', filesRead: 1, rows: 1 },
      { where: 'id > 3', filesRead: 2, rows: 2 },
      { where: "value = 'value_9'", filesRead: 0, rows: 0 },
    ])
  }
})
