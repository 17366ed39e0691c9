/** Parquet input read through the engine's ParquetHandler, by column name, in the table's types. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { parseDdl } from '../../../src/cli/input/ddl.js'
import { readInput } from '../../../src/cli/input/read-input.js'
import { InvalidWriteError } from '../../../src/errors.js'
import { createNodeEngine } from '../../../src/node.js'
import { vectorValueToJson } from '../../../src/protocol/value-encoding.js'
import { tempDir } from '../cli-run.js'

async function duckParquet(path: string, select: string): Promise<void> {
  const c = await (await DuckDBInstance.create(':memory:')).connect()
  await c.run(`COPY (${select}) TO '${path}' (FORMAT parquet)`)
  c.closeSync()
}

test('columns by name in any order, missing nullable columns null, exact values; unknown or mistyped columns refused', async () => {
  const dir = tempDir()
  try {
    const schema = parseDdl('id long NOT NULL, note string, amount decimal(20,4), at timestamp_ntz')
    const good = join(dir, 'good.parquet')
    await duckParquet(good, `SELECT TIMESTAMP '2000-01-01 00:00:00.000007' AS at, 123456789012.3456::DECIMAL(20,4) AS amount, 9007199254740993::BIGINT AS id`)
    const batches = await readInput(good, 'parquet', schema, createNodeEngine())
    const b = batches[0]!
    assert.deepEqual(
      schema.fields.map((f) => vectorValueToJson(b.getChild(f.name)!, 0)),
      ['9007199254740993', null, '123456789012.3456', '2000-01-01T00:00:00.000007'],
    )

    const extra = join(dir, 'extra.parquet')
    await duckParquet(extra, `SELECT 1::BIGINT AS id, 2 AS idd`)
    await assert.rejects(readInput(extra, 'parquet', schema, createNodeEngine()), (e: unknown) => e instanceof InvalidWriteError && /column "idd" of the Parquet file is not a table column/.test(e.message))

    const mistyped = join(dir, 'mistyped.parquet')
    await duckParquet(mistyped, `SELECT 'x' AS id`)
    await assert.rejects(readInput(mistyped, 'parquet', schema, createNodeEngine()), (e: unknown) => e instanceof InvalidWriteError && /mistyped\.parquet: cannot read it as parquet/.test(e.message))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
