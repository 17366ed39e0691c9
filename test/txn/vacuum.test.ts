/**
 * VACUUM on hand-built tables: which files go (unreferenced and old enough), which stay (live,
 * their deletion vectors, young tombstones, young files, hidden paths, the log), the retention
 * check, dry runs, and the vacuumProtocolCheck gate.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { DeltaError } from '../../src/errors.js'
import { vacuum } from '../../src/txn/vacuum.js'
import { encodeUuidDvPath } from '../../src/protocol/deletion-vector.js'
import { DAY, HOUR, TestTable, addLine, metadataLine, protocolLine, removeLine } from '../log/log-builder.js'
import { copyTable } from '../log/snapshot-state.js'
import { rmSync } from 'node:fs'
import { Table } from '../../src/table.js'
import { Scan } from '../../src/scan/scan.js'
import { createNodeEngine } from '../../src/engines/node-engine.js'
import { collect, diffRows, goldenTables, otherTables, rowsOf, tableUrl } from '../../spec-tests/corpora.js'

const T0 = Date.UTC(2024, 0, 1)
const DV_UUID = 'd2c639aa-8816-431a-aaf6-d3fe2512ff61'

/**
 * Day 0: files a, b, c (+ c's DV under prefix `ab`), orphans, hidden and change-data files.
 * Day 1: a removed. Day 10: b removed; a young orphan written.
 */
async function fixture(extra: { config?: Record<string, string>; protocol?: Record<string, unknown> } = {}): Promise<TestTable> {
  const t = new TestTable(T0)
  for (const f of ['a.parquet', 'b.parquet', 'c.parquet', 'orphan-old.parquet', 'p=1/orphan-in-partition.parquet', '_tmp/hidden.parquet', '.hidden.parquet', 'sub/_SUCCESS', '_change_data/cdc-old.parquet', `ab/deletion_vector_${DV_UUID}.bin`, 'deletion_vector_00000000-0000-0000-0000-000000000000.bin']) {
    await t.writeFile(f)
  }
  const dv = { storageType: 'u', pathOrInlineDv: encodeUuidDvPath(DV_UUID, 'ab'), offset: 1, sizeInBytes: 10, cardinality: 1 }
  await t.commit([extra.protocol ?? protocolLine(), metadataLine(extra.config), addLine('a.parquet'), addLine('b.parquet'), addLine('c.parquet', 10, { deletionVector: dv })])
  t.clock = T0 + DAY
  await t.commit([removeLine('a.parquet', t.clock)])
  t.clock = T0 + 10 * DAY
  await t.commit([removeLine('b.parquet', t.clock)])
  await t.writeFile('orphan-young.parquet')
  return t
}

const names = (t: TestTable, locations: readonly string[]) => locations.map((l) => l.slice(t.root.length)).sort()

test('deletes unreferenced old files; keeps live files, DVs, young tombstones, young files, hidden paths and the log', async () => {
  const t = await fixture()
  const r = await vacuum(t.table, { now: T0 + 10 * DAY + HOUR })
  // Retention 7 days: cutoff day 3. a was removed on day 1 (expired) -> deleted; b removed on day
  // 10 (young tombstone) -> kept; orphans from day 0 -> deleted, the day-10 orphan -> kept.
  assert.deepEqual(names(t, r.deleted), [
    '_change_data/cdc-old.parquet',
    'a.parquet',
    'deletion_vector_00000000-0000-0000-0000-000000000000.bin',
    'orphan-old.parquet',
    'p=1/orphan-in-partition.parquet',
  ])
  for (const f of r.deleted) assert.equal(await t.exists(f), false, f)
  for (const f of ['b.parquet', 'c.parquet', `ab/deletion_vector_${DV_UUID}.bin`, 'orphan-young.parquet', '_tmp/hidden.parquet', '.hidden.parquet', 'sub/_SUCCESS', '_delta_log/00000000000000000000.json']) {
    assert.ok(await t.exists(f), `${f} must stay`)
  }
  assert.equal(r.version, 2)
  assert.equal(r.cutoffTimestamp, T0 + 3 * DAY + HOUR)
})

test('a tombstone protects its file until the retention has passed', async () => {
  const t = await fixture()
  const early = await vacuum(t.table, { now: T0 + 16 * DAY, dryRun: true })
  assert.ok(!names(t, early.deleted).includes('b.parquet'))
  const late = await vacuum(t.table, { now: T0 + 17 * DAY + 1 })
  assert.ok(names(t, late.deleted).includes('b.parquet'))
  assert.equal(await t.exists('b.parquet'), false)
})

test('dry run lists without deleting', async () => {
  const t = await fixture()
  const r = await vacuum(t.table, { now: T0 + 30 * DAY, dryRun: true })
  assert.equal(r.dryRun, true)
  assert.ok(r.deleted.length >= 5)
  for (const f of r.deleted) assert.ok(await t.exists(f), f)
})

test('retention below delta.deletedFileRetentionDuration is refused unless forced', async () => {
  const t = await fixture()
  await assert.rejects(vacuum(t.table, { now: T0 + 10 * DAY + HOUR, retentionHours: 1 }), (e: unknown) => e instanceof DeltaError && e.code === 'INVALID_ARGUMENT' && /168 hours/.test(e.message))
  await assert.rejects(vacuum(t.table, { retentionHours: -1, force: true }), (e: unknown) => e instanceof DeltaError && e.code === 'INVALID_ARGUMENT')
  // Forced with 0 hours: b's tombstone no longer protects it; the young orphan (written just
  // before now) is old enough too. Live files stay.
  const r = await vacuum(t.table, { now: T0 + 10 * DAY + HOUR, retentionHours: 0, force: true })
  assert.ok(names(t, r.deleted).includes('b.parquet'))
  assert.ok(names(t, r.deleted).includes('orphan-young.parquet'))
  assert.ok(await t.exists('c.parquet'))
})

test('the table property sets the minimum and the default', async () => {
  const t = await fixture({ config: { 'delta.deletedFileRetentionDuration': 'interval 2 days' } })
  const r = await vacuum(t.table, { now: T0 + 12 * DAY + 1 })
  assert.ok(names(t, r.deleted).includes('b.parquet'), 'b was removed on day 10, retention 2 days')
  await vacuum(t.table, { now: T0 + 12 * DAY + 1, retentionHours: 48 })
  await assert.rejects(vacuum(t.table, { retentionHours: 47 }), /below the table's delta.deletedFileRetentionDuration/)
})

test('vacuumProtocolCheck: the writer gate applies (an unknown writer feature stops vacuum)', async () => {
  const t = await fixture({ protocol: protocolLine(3, 7, ['vacuumProtocolCheck'], ['vacuumProtocolCheck', 'someFutureWriterFeature']) })
  await assert.rejects(vacuum(t.table, { now: T0 + 30 * DAY }), (e: unknown) => e instanceof DeltaError && e.code === 'UNSUPPORTED_FEATURE')
  for (const f of ['orphan-old.parquet', 'a.parquet']) assert.ok(await t.exists(f))
  const ok = await fixture({ protocol: protocolLine(3, 7, ['vacuumProtocolCheck'], ['vacuumProtocolCheck']) })
  assert.ok((await vacuum(ok.table, { now: T0 + 30 * DAY })).deleted.length > 0)
})

test('a partition column starting with _ is not mistaken for a hidden directory', async () => {
  const t = new TestTable(T0)
  await t.writeFile('_p=1/live.parquet')
  await t.writeFile('_p=1/orphan.parquet')
  await t.writeFile('_q=1/hidden.parquet')
  await t.commit([protocolLine(), metadataLine({}, ['_p']), { add: { path: '_p=1/live.parquet', partitionValues: { _p: '1' }, size: 10, modificationTime: 0, dataChange: true } }])
  const r = await vacuum(t.table, { now: T0 + 30 * DAY })
  assert.deepEqual(names(t, r.deleted), ['_p=1/orphan.parquet'])
})

test('percent-encoded paths in the log match the stored names', async () => {
  const t = new TestTable(T0)
  // Stored locations spell names as URLs do: space as %20, '%' as %25.
  await t.writeFile('d=a%20b/x%25y.parquet')
  await t.writeFile('d=a%20b/orphan.parquet')
  await t.commit([protocolLine(), metadataLine(), addLine('d=a%20b/x%25y.parquet')])
  const r = await vacuum(t.table, { now: T0 + 30 * DAY })
  assert.deepEqual(r.deleted.map((l) => decodeURIComponent(l.slice(t.root.length))), ['d=a b/orphan.parquet'])
  assert.ok(await t.exists('d=a%20b/x%25y.parquet'))
})

test('corpus tables: vacuum with zero retention deletes only what the latest snapshot does not read', async () => {
  let checked = 0
  let deleted = 0
  const tables = [...goldenTables(), ...otherTables().filter((x) => /dv|deletion|partition|column-mapping|checkpoint/i.test(x.name))]
  for (const { dir } of tables) {
    const copy = copyTable(dir)
    try {
      const table = Table.open(tableUrl(copy), createNodeEngine())
      let rowsBefore: string[]
      try {
        const s = await table.snapshot()
        if (s.files().reduce((n, a) => n + a.size, 0) > 4 << 20) continue
        rowsBefore = rowsOf(await collect(new Scan(s)))
      } catch {
        continue // unreadable tables are the conformance suite's business
      }
      const r = await vacuum(table, { retentionHours: 0, force: true, now: Date.now() + 365 * DAY })
      const after = await Table.open(tableUrl(copy), createNodeEngine()).snapshot()
      assert.equal(diffRows(rowsOf(await collect(new Scan(after))), rowsBefore), '', `${dir} after deleting ${r.deleted.length} files`)
      checked++
      deleted += r.deleted.length
    } finally {
      rmSync(copy, { recursive: true, force: true })
    }
  }
  assert.ok(checked >= 20, `only ${checked} tables checked`)
  assert.ok(deleted >= 20, `only ${deleted} files deleted: the corpus has many removed files`)
})
