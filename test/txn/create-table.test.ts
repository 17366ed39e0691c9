import assert from 'node:assert/strict'
import { test } from 'node:test'
import { CommitFailedError, TableExistsError, UnsupportedFeatureError } from '../../src/errors.js'
import { readCommitActions } from '../../src/log/commit-read.js'
import { createMemoryFileSystem } from '../../src/engines/memory.js'
import { Table } from '../../src/table.js'
import { createTable } from '../../src/txn/create-table.js'
import { SIMPLE, field, memoryEngine, engineOn } from './helpers.js'

const ROOT = 'memory:///t/'

test('a new table is version 0 with protocol (1, 2), the schema, partition columns and provenance', async () => {
  const engine = memoryEngine(() => 1000)
  const out = await createTable(ROOT, engine, { schema: SIMPLE, partitionColumns: ['part'], properties: { 'x.y': 'z' }, now: () => 5000 })
  assert.deepEqual(out, { version: 0, attempts: 1, conflictsRetried: 0 })
  const snap = await Table.open(ROOT, engine).snapshot()
  assert.equal(snap.version, 0)
  assert.deepEqual(snap.protocol, { minReaderVersion: 1, minWriterVersion: 2 })
  assert.deepEqual(snap.schema, SIMPLE)
  assert.deepEqual(snap.partitionColumns, ['part'])
  assert.deepEqual(snap.metadata.configuration, { 'x.y': 'z' })
  assert.match(snap.metadata.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  const actions = await readCommitActions(engine, ROOT, 0)
  // PROTOCOL.md: commitInfo first (required with in-commit timestamps; done always).
  assert.equal(actions[0]!.kind, 'commitInfo')
  const info = (actions[0] as { commitInfo: Record<string, unknown> }).commitInfo
  assert.equal(info.operation, 'CREATE TABLE')
  assert.equal(info.engineInfo, 'delta-kernel/0.1.0')
  assert.equal(info.timestamp, 5000)
  assert.equal(typeof info.txnId, 'string')
  assert.deepEqual(actions.map((a) => a.kind), ['commitInfo', 'protocol', 'metaData'])
})

test('protocols: timestamp_ntz needs (3, 7) with the feature in both lists; in-commit timestamps (1, 7); appendOnly stays (1, 2)', async () => {
  const ntz = memoryEngine()
  await createTable(ROOT, ntz, { schema: { type: 'struct', fields: [field('t', 'timestamp_ntz')] } })
  assert.deepEqual((await Table.open(ROOT, ntz).snapshot()).protocol, {
    minReaderVersion: 3,
    minWriterVersion: 7,
    readerFeatures: ['timestampNtz'],
    writerFeatures: ['timestampNtz'],
  })
  const ict = memoryEngine()
  await createTable(ROOT, ict, { schema: SIMPLE, properties: { 'delta.enableInCommitTimestamps': 'true', 'delta.appendOnly': 'true' }, now: () => 777 })
  const snap = await Table.open(ROOT, ict).snapshot()
  assert.deepEqual(snap.protocol, { minReaderVersion: 1, minWriterVersion: 7, writerFeatures: ['appendOnly', 'inCommitTimestamp'] })
  assert.equal(snap.timestamp, 777) // the in-commit timestamp, not the file time
  const ao = memoryEngine()
  await createTable(ROOT, ao, { schema: SIMPLE, properties: { 'delta.appendOnly': 'true' } })
  assert.deepEqual((await Table.open(ROOT, ao).snapshot()).protocol, { minReaderVersion: 1, minWriterVersion: 2 })
  const dm = memoryEngine()
  await createTable(ROOT, dm, { schema: SIMPLE, domainMetadata: { 'com.example': '{"a":1}' } })
  const dms = await Table.open(ROOT, dm).snapshot()
  assert.deepEqual(dms.protocol, { minReaderVersion: 1, minWriterVersion: 7, writerFeatures: ['domainMetadata'] })
  assert.equal(dms.domainMetadata('com.example'), '{"a":1}')
})

test('features this kernel cannot write are refused before anything is written', async () => {
  const engine = memoryEngine()
  // (changeDataFeed and deletionVectors are writable: test/stream/cdf-write.test.ts, test/txn/dv-write*.test.ts.)
  await assert.rejects(createTable(ROOT, engine, { schema: SIMPLE, properties: { 'delta.enableRowTracking': 'true' } }), UnsupportedFeatureError)
  let n = 0
  for await (const _ of engine.fileSystem.list('memory:///t/_delta_log/')) n++
  assert.equal(n, 0)
})

test('creating over an existing table fails, also when only a checkpoint is left', async () => {
  const engine = memoryEngine()
  await createTable(ROOT, engine, { schema: SIMPLE })
  await assert.rejects(createTable(ROOT, engine, { schema: SIMPLE }), TableExistsError)
  const fs = createMemoryFileSystem()
  await fs.put('memory:///t/_delta_log/00000000000000000010.checkpoint.parquet', new Uint8Array([1]))
  await assert.rejects(createTable(ROOT, engineOn(fs), { schema: SIMPLE }), TableExistsError)
})

test('racing creators: exactly one wins, the other gets TableExistsError', async () => {
  const engine = memoryEngine()
  const results = await Promise.allSettled([1, 2, 3, 4].map(() => createTable(ROOT, engine, { schema: SIMPLE })))
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1)
  for (const r of results) if (r.status === 'rejected') assert.ok(r.reason instanceof TableExistsError)
})

test('a store without atomic put-if-absent is refused', async () => {
  const fs = createMemoryFileSystem()
  const weak = { ...fs, capabilities: { atomicPutIfAbsent: false } }
  await assert.rejects(createTable(ROOT, engineOn(weak), { schema: SIMPLE }), CommitFailedError)
})
