/**
 * The post-commit checkpoint hook: commits through the write path checkpoint every
 * `delta.checkpointInterval` versions, and a failing checkpoint never fails the commit.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { Engine } from '../../src/engine/engine.js'
import { ParquetError } from '../../src/errors.js'
import { Table } from '../../src/table.js'
import { createTable } from '../../src/txn/create-table.js'
import { Transaction } from '../../src/txn/transaction.js'
import { checkpointDue, maybeCheckpoint } from '../../src/log/checkpoint-hook.js'
import { readLastCheckpoint } from '../../src/log/last-checkpoint.js'
import { SIMPLE, memoryEngine, readRows, simpleBatch } from '../txn/helpers.js'

const ROOT = 'memory:///t/'

async function appendOne(engine: Engine, id: number): Promise<number> {
  const txn = new Transaction(await Table.open(ROOT, engine).snapshot())
  await txn.append([simpleBatch([{ id, part: 'p', value: id }])])
  return (await txn.commit()).version
}

async function checkpointVersions(engine: Engine): Promise<number[]> {
  const out: number[] = []
  for await (const m of engine.fileSystem.list(`${ROOT}_delta_log/`)) {
    const x = /(\d{20})\.checkpoint\.parquet$/.exec(m.location)
    if (x) out.push(Number(x[1]))
  }
  return out
}

test('checkpointDue follows the interval, never at version 0', () => {
  assert.deepEqual([0, 1, 9, 10, 11, 20].filter((v) => checkpointDue(v, 10)), [10, 20])
  assert.deepEqual([0, 1, 2, 3, 4, 6].filter((v) => checkpointDue(v, 3)), [3, 6])
})

test('commits checkpoint every delta.checkpointInterval versions (default 10)', async () => {
  const engine = memoryEngine()
  await createTable(ROOT, engine, { schema: SIMPLE })
  for (let i = 1; i <= 11; i++) assert.equal(await appendOne(engine, i), i)
  assert.deepEqual(await checkpointVersions(engine), [10])
  assert.equal((await readLastCheckpoint(engine, ROOT))?.version, 10)
  assert.equal((await readRows(ROOT, engine)).length, 11)

  const e3 = memoryEngine()
  await createTable(ROOT, e3, { schema: SIMPLE, properties: { 'delta.checkpointInterval': '3' } })
  for (let i = 1; i <= 7; i++) await appendOne(e3, i)
  assert.deepEqual(await checkpointVersions(e3), [3, 6])
  assert.equal((await Table.open(ROOT, e3).snapshot()).logSegment.checkpoint?.version, 6)
})

test('a failing checkpoint never fails the commit that triggered it', async () => {
  const base = memoryEngine()
  let failWrites = false
  const engine: Engine = {
    ...base,
    parquet: {
      ...base.parquet,
      write: (location, data, options) => {
        if (failWrites && location.includes('checkpoint')) return Promise.reject(new ParquetError('injected checkpoint failure'))
        return base.parquet.write(location, data, options)
      },
    },
  }
  await createTable(ROOT, engine, { schema: SIMPLE, properties: { 'delta.checkpointInterval': '2' } })
  failWrites = true
  assert.equal(await appendOne(engine, 1), 1)
  assert.equal(await appendOne(engine, 2), 2) // the checkpoint at 2 fails; the commit stands
  assert.deepEqual(await checkpointVersions(engine), [])
  assert.equal((await readRows(ROOT, engine)).length, 2)
  const errors: unknown[] = []
  const r = await maybeCheckpoint(Table.open(ROOT, engine), 2, { onError: (e) => errors.push(e) })
  assert.equal(r.status, 'failed')
  assert.equal(errors.length, 1)
  assert.ok(errors[0] instanceof ParquetError)
  // A throwing reporter is swallowed too.
  const again = await maybeCheckpoint(Table.open(ROOT, engine), 2, { onError: () => { throw new Error('reporter broke') } })
  assert.equal(again.status, 'failed')
  failWrites = false
  const ok = await maybeCheckpoint(Table.open(ROOT, engine), 2)
  assert.equal(ok.status, 'written')
  assert.deepEqual(await checkpointVersions(engine), [2])
  assert.equal((await maybeCheckpoint(Table.open(ROOT, engine), 1)).status, 'skipped')
})
