/**
 * Change data feed against the Spark-written `cdf-*` corpus tables. Expected rows come from two
 * independent sources: the delta-kernel-rs test suite (kernel/tests/cdf.rs, transcribed as facts),
 * and a snapshot-diff oracle (the rows at version v-1, minus the feed's deletes and pre-images,
 * plus its inserts and post-images, must be the rows at version v, read by the plain scan path).
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ChangeDataFeedNotEnabledError, InvalidArgumentError, SchemaChangedError } from '../../src/errors.js'
import { planChangeDataFeed, readChangeDataFeed } from '../../src/stream/cdf.js'
import { collect, corpusTable, expected, lines, snapshotLines } from './cdf-helpers.js'

async function feed(name: string, startVersion: number, endVersion?: number): Promise<string[]> {
  return lines(await collect(readChangeDataFeed(corpusTable(name), { startVersion, ...(endVersion !== undefined ? { endVersion } : {}) })))
}

const ins = (v: number, ...values: unknown[]) => ['insert', v, ...values]
const del = (v: number, ...values: unknown[]) => ['delete', v, ...values]
const pre = (v: number, ...values: unknown[]) => ['update_preimage', v, ...values]
const post = (v: number, ...values: unknown[]) => ['update_postimage', v, ...values]
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)

test('cdf-table-with-dv: DV updates give deletes (newly deleted rows) and inserts (restored rows)', async () => {
  // kernel-rs cdf_with_deletion_vector: 0 insert 0..9; 1 remove [0,9]; 2 restore [0,9]; 3 remove [0,1,4,5];
  // 4 restore [1,4]; 5 restore [0,5], remove [3]; 6 restore 3.
  const want = expected(['value'], [
    ...range(0, 9).map((v) => ins(0, v)),
    del(1, 0), del(1, 9), ins(2, 0), ins(2, 9),
    del(3, 0), del(3, 1), del(3, 4), del(3, 5),
    ins(4, 1), ins(4, 4), del(5, 3), ins(5, 0), ins(5, 5), ins(6, 3),
  ])
  assert.deepEqual(await feed('cdf-table-with-dv', 0), want)
})

test('cdf-table: partitioned updates read from cdc files (pre- and post-images)', async () => {
  const cols = ['id', 'name', 'birthday']
  const want = expected(cols, [
    ins(0, 1, 'Steve', '2023-12-22'), ins(0, 2, 'Bob', '2023-12-23'), ins(0, 3, 'Dave', '2023-12-23'), ins(0, 4, 'Kate', '2023-12-23'),
    ins(0, 5, 'Emily', '2023-12-24'), ins(0, 6, 'Carl', '2023-12-24'), ins(0, 7, 'Dennis', '2023-12-24'), ins(0, 8, 'Claire', '2023-12-25'),
    ins(0, 9, 'Ada', '2023-12-25'), ins(0, 10, 'Borb', '2023-12-25'),
    post(1, 3, 'Dave', '2023-12-22'), pre(1, 3, 'Dave', '2023-12-23'), post(1, 4, 'Kate', '2023-12-22'), pre(1, 4, 'Kate', '2023-12-23'),
    post(1, 2, 'Bob', '2023-12-22'), pre(1, 2, 'Bob', '2023-12-23'),
    pre(2, 7, 'Dennis', '2023-12-24'), post(2, 7, 'Dennis', '2023-12-29'), pre(2, 5, 'Emily', '2023-12-24'), post(2, 5, 'Emily', '2023-12-29'),
    pre(2, 6, 'Carl', '2023-12-24'), post(2, 6, 'Carl', '2023-12-29'),
    del(3, 7, 'Dennis', '2023-12-29'),
  ])
  assert.deepEqual(await feed('cdf-table', 0), want)
})

test('cdf-table-with-cdc-and-dvs: cdc files win over adds and removes; DV commits resolved', async () => {
  const want = expected(['id', 'comment'], [
    ins(0, 1, 'initial'), ins(1, 2, 'insert1'), ins(1, 3, 'insert1-delete1'), ins(1, 4, 'insert1-delete2'), ins(1, 5, 'insert1-delete2'),
    del(2, 3, 'insert1-delete1'), ins(4, 3, 'insert1-delete1'), del(5, 4, 'insert1-delete2'), del(5, 5, 'insert1-delete2'),
    ins(7, 4, 'insert1-delete2'), ins(8, 5, 'insert2'),
    pre(9, 1, 'initial'), post(9, 1, 'update1'), pre(9, 2, 'insert1'), post(9, 2, 'update1'), pre(9, 3, 'insert1-delete1'), post(9, 3, 'update1'),
    del(10, 1, 'update1'), pre(12, 2, 'update1'), post(12, 2, 'update2'), ins(14, 6, 'insert3'), ins(14, 7, 'insert3'),
    ins(15, 8, 'insert4'), ins(15, 9, 'insert4'), del(16, 8, 'insert4'), del(16, 7, 'insert3'),
    ins(18, 10, 'merge1-insert'), ins(18, 11, 'merge1-insert'), post(18, 9, 'merge1-update'), pre(18, 9, 'insert4'),
    pre(20, 11, 'merge1-insert'), post(20, 11, ''), ins(22, 12, 'merge2-insert'), del(22, 11, ''),
    del(24, 3, 'update1'), del(24, 4, 'insert1-delete2'), del(24, 5, 'insert2'), del(24, 2, 'update2'), del(24, 6, 'insert3'), del(24, 9, 'merge1-update'),
    ins(25, 0, 'new'), ins(25, 1, 'after-large-delete'), ins(25, 2, ''),
  ])
  assert.deepEqual(await feed('cdf-table-with-cdc-and-dvs', 0), want)
})

test('cdf-table-simple: version ranges', async () => {
  assert.deepEqual(await feed('cdf-table-simple', 0, 0), expected(['id'], range(0, 9).map((v) => ins(0, v))))
  assert.deepEqual(await feed('cdf-table-simple', 1, 1), expected(['id'], range(0, 9).map((v) => del(1, v))))
  assert.deepEqual(await feed('cdf-table-simple', 2, 2), expected(['id'], range(20, 24).map((v) => ins(2, v))))
  assert.deepEqual(
    await feed('cdf-table-simple', 0, 2),
    expected(['id'], [...range(0, 9).map((v) => ins(0, v)), ...range(0, 9).map((v) => del(1, v)), ...range(20, 24).map((v) => ins(2, v))]),
  )
  await assert.rejects(feed('cdf-table-simple', 1, 0), InvalidArgumentError)
  await assert.rejects(feed('cdf-table-simple', 3, 4))
})

test('cdf-table-partitioned, update-ops, data-change, deletes, backtick names', async () => {
  assert.deepEqual(
    await feed('cdf-table-partitioned', 0, 2),
    expected(['id', 'text', 'part'], [
      ...[0, 1, 2, 3, 4, 5].map((i) => ins(0, i, 'old', i % 2)),
      del(1, 3, 'old', 1), pre(1, 1, 'old', 1), post(1, 1, 'new', 1),
      del(2, 0, 'old', 0), del(2, 2, 'old', 0), del(2, 4, 'old', 0),
    ]),
  )
  // Spark's test table writes the non-standard `update_pre` / `update_post`: passed through as written.
  assert.deepEqual(
    await feed('cdf-table-update-ops', 0, 2),
    expected(['id'], [...range(0, 9).map((v) => ins(0, v)), ...range(20, 24).map((v) => ['update_pre', 1, v]), ...range(30, 34).map((v) => ['update_post', 2, v])]),
  )
  // dataChange=false actions are not changes.
  assert.deepEqual(await feed('cdf-table-data-change', 0, 1), expected(['id'], range(0, 9).map((v) => ins(0, v))))
  const insertsThenDeletes = expected(['id'], [...range(0, 9).map((v) => ins(0, v)), ...range(0, 9).map((v) => del(1, v))])
  assert.deepEqual(await feed('cdf-table-delete-unconditional', 0), insertsThenDeletes)
  assert.deepEqual(await feed('cdf-table-delete-conditional-all-rows', 0), insertsThenDeletes)
  assert.deepEqual(await feed('cdf-table-delete-conditional-two-rows', 0), expected(['id'], [...range(0, 9).map((v) => ins(0, v)), del(1, 2), del(1, 8)]))
  const struct = { field: 1, 'field.one': 2 }
  assert.deepEqual(
    await feed('cdf-table-backtick-column-names', 0),
    expected(['id.num', 'id.num`s', 'struct_col'], [ins(0, 2, 10, struct), ins(0, 4, 10, struct), ins(1, 1, 10, struct), ins(1, 3, 10, struct), ins(1, 5, 10, struct)]),
  )
})

test('cdf on column-mapped tables (id and name mode): cdc files read by physical name/id', async () => {
  // Derived by hand from the logs: version 1 enables CDF; 2 updates id 2 (stats of the removed and
  // added files give value before and after); 3 appends one row; 4 deletes one row (the removed file's stats).
  assert.deepEqual(
    await feed('cdf-column-mapping-id-mode', 1),
    expected(['id', 'name', 'value'], [pre(2, 2, 'Frank', 250), post(2, 2, 'Frank', 275), ins(3, 4, 'Henry', 450), del(4, 3, 'Grace', 350)]),
  )
  const nameMode = expected(['id', 'name', 'value'], [pre(2, 2, 'Bob', 200), post(2, 2, 'Bob', 250), ins(3, 4, 'David', 400), del(4, 1, 'Alice', 100)])
  assert.deepEqual(await feed('cdf-column-mapping-name-mode', 1), nameMode)
  assert.deepEqual(await feed('cdf-column-mapping-name-mode-3-7', 1), nameMode)
  await assert.rejects(feed('cdf-column-mapping-id-mode', 0), (e: unknown) => e instanceof ChangeDataFeedNotEnabledError && e.version === 0)
})

test('ranges must keep CDF enabled and the schema unchanged', async () => {
  const table = corpusTable('table-with-cdf')
  const plan = await planChangeDataFeed(table, { startVersion: 0, endVersion: 1 })
  // Commit 1 has a cdc action and a remove: only the cdc file counts.
  assert.deepEqual(plan.commits.map((c) => c.files.map((f) => `${f.kind}:${f.path}`)), [['whole:fake/path/1'], ['cdc:fake/path/2']])
  await assert.rejects(planChangeDataFeed(table, { startVersion: 0, endVersion: 2 }), (e: unknown) => e instanceof ChangeDataFeedNotEnabledError && e.version === 2)
  await assert.rejects(planChangeDataFeed(table, { startVersion: 2, endVersion: 3 }), (e: unknown) => e instanceof ChangeDataFeedNotEnabledError && e.version === 2)
  await assert.rejects(planChangeDataFeed(table, { startVersion: 3, endVersion: 4 }), (e: unknown) => e instanceof SchemaChangedError && e.version === 4)
  await assert.rejects(planChangeDataFeed(table, { startVersion: 0, startTimestamp: 0 }), InvalidArgumentError)
})

test('commit columns: _commit_version per row, _commit_timestamp the commit file time or in-commit timestamp', async () => {
  const table = corpusTable('cdf-table-simple')
  const batches = await collect(readChangeDataFeed(table, { startVersion: 0, columns: ['id'] }))
  const history = new Map((await table.history()).map((h) => [h.version, h.timestamp]))
  for (const b of batches) {
    assert.deepEqual(b.schema.fields.map((f) => f.name), ['id', '_change_type', '_commit_version', '_commit_timestamp'])
    for (let i = 0; i < b.numRows; i++) {
      const v = Number(b.getChild('_commit_version')!.get(i))
      const ts = b.getChild('_commit_timestamp')!.get(i) as number
      assert.equal(ts, history.get(v), `timestamp of version ${v}`)
    }
  }
})

test('snapshot-diff oracle: applying each commit of the feed to the previous snapshot gives the next', async () => {
  // Tables whose every commit changes real data files (not hand-written cdc files without data).
  const tables = ['cdf-table', 'cdf-table-with-dv', 'cdf-table-with-cdc-and-dvs', 'cdf-table-partitioned', 'cdf-table-non-partitioned', 'cdf-table-delete-conditional-two-rows', 'cdf-column-mapping-name-mode']
  for (const name of tables) {
    const table = corpusTable(name)
    const latest = await table.latestVersion()
    const start = name.startsWith('cdf-column-mapping') ? 1 : 0
    let rows = start === 0 ? [] : await snapshotLines(table, start - 1)
    for (let v = start; v <= latest; v++) {
      const changes = lines(await collect(readChangeDataFeed(table, { startVersion: v, endVersion: v })), ['_commit_timestamp', '_commit_version'])
      const bag = new Map<string, number>()
      for (const r of rows) bag.set(r, (bag.get(r) ?? 0) + 1)
      for (const c of changes) {
        const row = JSON.parse(c) as Record<string, unknown>
        const type = row._change_type
        delete row._change_type
        const key = JSON.stringify(row)
        if (type === 'insert' || type === 'update_postimage') bag.set(key, (bag.get(key) ?? 0) + 1)
        else {
          const n = bag.get(key) ?? 0
          assert.ok(n > 0, `${name} v${v}: ${type} of a row not in v${v - 1}: ${key}`)
          bag.set(key, n - 1)
        }
      }
      const next = await snapshotLines(table, v)
      const applied = [...bag].flatMap(([k, n]) => Array.from({ length: n }, () => k)).sort()
      assert.deepEqual(applied, next, `${name}: v${v - 1} + feed(v${v}) = v${v}`)
      rows = next
    }
  }
})
