/**
 * Scan state and scan files survive a JSON round trip: reading every file from its JSON text gives
 * the rows of the scan itself (and, for golden tables, the rows Spark expects).
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { InvalidArgumentError } from '../../src/errors.js'
import { createNodeEngine } from '../../src/node.js'
import { parseScanFile, parseScanState, readScanFileFromJson } from '../../src/scan/read-file-json.js'
import { canonicalRows, expectedGoldenRows } from '../engines/golden-rows.js'
import { CASES, rowsOf, scanOf } from './parallel-fixtures.js'
import { rowToJson } from '../../src/index.js'

test('reading each scan file from JSON gives the rows of the scan', async () => {
  const engine = createNodeEngine()
  for (const c of CASES) {
    if (c.options?.limit !== undefined) continue
    const scan = await scanOf(c.table, c.options)
    const want = await rowsOf(scan.batches())
    // What crosses a process boundary: text only.
    const stateJson = JSON.stringify(scan.state)
    const filesJson = scan.scanFiles().map((f) => JSON.stringify(f))
    assert.deepEqual(parseScanState(stateJson), scan.state, `${c.table}: state round trip`)
    assert.deepEqual(filesJson.map(parseScanFile), scan.scanFiles(), `${c.table}: files round trip`)
    const got: string[] = []
    for (const fileJson of filesJson) got.push(...(await rowsOf(readScanFileFromJson(engine, stateJson, fileJson))))
    assert.deepEqual(got, want, c.table)
  }
})

test('rows read from JSON match the golden expected rows', async () => {
  const engine = createNodeEngine()
  for (const name of ['dv-partitioned-with-checkpoint', 'snapshot-data2-deleted', 'basic-with-inserts-updates']) {
    const scan = await scanOf(`golden/${name}/delta`)
    const stateJson = JSON.stringify(scan.state)
    const rows: Record<string, unknown>[] = []
    for (const f of scan.scanFiles()) {
      for await (const b of readScanFileFromJson(engine, stateJson, JSON.stringify(f))) {
        for (let i = 0; i < b.numRows; i++) rows.push(rowToJson(b, i) as Record<string, unknown>)
      }
    }
    assert.deepEqual(canonicalRows(rows), await expectedGoldenRows(name), name)
  }
})

test('malformed JSON and missing fields are InvalidArgumentError', async () => {
  const scan = await scanOf('kernel-rs/table-with-dv-small')
  const state = JSON.stringify(scan.state)
  const file = JSON.stringify(scan.scanFiles()[0])
  const engine = createNodeEngine()
  const drain = async (s: string, f: string) => {
    for await (const _ of readScanFileFromJson(engine, s, f)) void _
  }
  await assert.rejects(drain('{', file), InvalidArgumentError)
  await assert.rejects(drain('[]', file), InvalidArgumentError)
  await assert.rejects(drain(JSON.stringify({ ...scan.state, tableRoot: 3 }), file), /tableRoot/)
  await assert.rejects(drain(state, JSON.stringify({ path: 'x.parquet' })), /size/)
})
