/**
 * Every Parquet file of the conformance corpora (data files, expected rows, checkpoints) read
 * through the engine and compared value by value with DuckDB's independent reading.
 */
import assert from 'node:assert/strict'
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import type * as arrow from 'apache-arrow'
import { createHyparquetHandler } from '../../../src/engines/hyparquet/index.js'
import { arrowRows, duckRows, duckSchema } from './duckdb-oracle.js'
import { fileUrl, testFileSystem } from './local-fs.js'
import { CORPORA_ROOT } from '../../corpora-root.js'

const CORPORA = CORPORA_ROOT

function parquetFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    const s = statSync(p)
    if (s.isDirectory()) parquetFiles(p, out)
    else if (name.endsWith('.parquet') && s.size < 8_000_000) out.push(p)
  }
  return out
}

const all = ['golden', 'kernel-rs', 'delta-rs'].flatMap((d) => parquetFiles(join(CORPORA, d))).sort()
// The full sweep takes ~15 s; by default a fixed sample (every 3rd checkpoint, every 8th other file) keeps it short.
const FULL = process.env.HYPARQUET_FULL_SWEEP === '1'
const files = FULL ? all : all.filter((p, i) => i % (p.includes('checkpoint') ? 3 : 8) === 0)

test(`every corpus Parquet file matches DuckDB (${files.length} files)`, async () => {
  const fs = testFileSystem()
  const handler = createHyparquetHandler(fs)
  const failures: string[] = []
  let compared = 0
  for (const path of files) {
    const schema = await duckSchema(path).catch(() => undefined)
    if (!schema || schema.fields.length === 0) continue
    try {
      const meta = await fs.head(fileUrl(path))
      const batches: arrow.RecordBatch[] = []
      for await (const { batch } of handler.read(meta, { schema })) batches.push(batch)
      const ours = arrowRows(batches, schema)
      const theirs = await duckRows(path, schema)
      assert.deepStrictEqual(ours, theirs)
      compared++
    } catch (e) {
      failures.push(`${path.slice(CORPORA.length + 1)}: ${String(e).slice(0, 1500)}`)
    }
  }
  assert.deepEqual(failures, [])
  assert.ok(compared > files.length * 0.8, `compared only ${compared} of ${files.length} files`)
})
