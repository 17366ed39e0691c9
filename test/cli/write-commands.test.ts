/**
 * `create`, `append` and `delete` run as a user does (child processes) on temporary tables:
 * random rows of every type round-trip through NDJSON and CSV appends and `scan --format ndjson`;
 * Parquet written by DuckDB appends with the values DuckDB wrote; DuckDB reads our data files
 * back with the values we appended; errors give the documented exit codes and name what is wrong.
 */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import fc from 'fast-check'
import { createNodeEngine, toTableUrl } from '../../src/node.js'
import { rowToJson } from '../../src/protocol/value-encoding.js'
import { Scan } from '../../src/scan/scan.js'
import { Table } from '../../src/table.js'
import { cli, ok, sortedLines, tempDir } from './cli-run.js'
import { ALL_TYPES_DDL, allTypesRow, csvText, ndjsonLine } from './rows.js'

async function duckRows(sql: string): Promise<unknown[]> {
  const db = await DuckDBInstance.create(':memory:')
  const c = await db.connect()
  try {
    return (await c.runAndReadAll(sql)).getRowObjectsJson() as unknown[]
  } finally {
    c.closeSync()
  }
}

/** The table's rows as sorted NDJSON lines, read in-process (the scan command is tested above). */
async function scanned(table: string): Promise<string[]> {
  const snapshot = await Table.open(toTableUrl(table), createNodeEngine()).snapshot()
  const out: string[] = []
  for await (const b of new Scan(snapshot).batches()) for (let i = 0; i < b.numRows; i++) out.push(JSON.stringify(rowToJson(b, i)))
  return out.sort()
}

/** The actions of commit `version`, one object per line, as written on disk. */
function commitActions(table: string, version: number): Record<string, unknown>[] {
  const text = readFileSync(join(table, '_delta_log', `${String(version).padStart(20, '0')}.json`), 'utf8')
  return text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>)
}

// Independent tables in temporary directories: the child processes may run side by side.
describe('write commands', { concurrency: true }, () => {
  test('random rows of every type: append NDJSON and CSV, scan gives the same NDJSON', async () => {
    const dir = tempDir()
    try {
      const rows = fc.sample(allTypesRow, { seed: 7, numRuns: 40 })
      const table = join(dir, 't')
      const created = JSON.parse(await ok('create', table, '--schema', ALL_TYPES_DDL, '--partition-by', 'part', '--json')) as { version: number }
      assert.equal(created.version, 0)
      writeFileSync(join(dir, 'in.ndjson'), rows.map((r, i) => ndjsonLine(r, i % 2 === 0, i % 3 === 0)).join('\n') + '\n')
      const columns = Object.keys(rows[0]!)
      writeFileSync(join(dir, 'in.csv'), csvText(columns, rows))
      const expected = rows.map((r) => JSON.stringify(r)).sort()

      const a1 = JSON.parse(await ok('append', table, '--from', join(dir, 'in.ndjson'), '--json')) as Record<string, number>
      assert.equal(a1.version, 1)
      assert.equal(a1.rowsAppended, rows.length)
      assert.deepEqual(sortedLines(await ok('scan', table, '--format', 'ndjson')), expected)

      const a2 = await ok('append', table, '--from', join(dir, 'in.csv'))
      assert.match(a2, new RegExp(`^committed version 2: appended ${rows.length} rows in \\d+ files?\\n$`))
      assert.deepEqual(sortedLines(await ok('scan', table)), [...expected, ...expected].sort())
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  test('append a Parquet file written by DuckDB; DuckDB reads our data files with the same values', async () => {
    const dir = tempDir()
    try {
      const input = join(dir, 'duck.parquet')
      // Columns in another order than the table, `name` missing (nullable: null), types as DuckDB writes them.
      await duckRows(`COPY (SELECT * FROM (VALUES
          (TIMESTAMPTZ '2021-01-02 03:04:05.123456+00', 12.30::DECIMAL(10,2), 9007199254740993::BIGINT, DATE '2021-01-02', ['x', NULL], {'a': 1, 'b': 'q'}),
          (NULL, -0.05::DECIMAL(10,2), -1::BIGINT, DATE '1969-12-31', [], NULL)
        ) v(ts, price, id, d, tags, s)) TO '${input}' (FORMAT parquet)`)
      const table = join(dir, 't')
      await ok('create', table, '--schema', 'id long NOT NULL, name string, price decimal(10,2), tags array<string>, s struct<a: int, b: string>, ts timestamp, d date')
      const out = JSON.parse(await ok('append', table, '--from', input, '--json')) as Record<string, number>
      assert.deepEqual(out, { version: 1, rowsAppended: 2, filesAdded: 1 })
      assert.deepEqual(await scanned(table), [
        '{"id":"9007199254740993","name":null,"price":"12.30","tags":["x",null],"s":{"a":1,"b":"q"},"ts":"2021-01-02T03:04:05.123456Z","d":"2021-01-02"}',
        '{"id":-1,"name":null,"price":"-0.05","tags":[],"s":null,"ts":null,"d":"1969-12-31"}',
      ])

      // An NDJSON append, then DuckDB reads every data file of the table.
      writeFileSync(join(dir, 'more.ndjson'), '{"id": 3, "name": "é,\\"x\\"", "price": "99999999.99", "ts": "1900-01-01T00:00:00.000001+01:00", "d": "+10000-01-01"}\n')
      await ok('append', table, '--from', join(dir, 'more.ndjson'))
      const files = readdirSync(table).filter((f) => f.endsWith('.parquet'))
      assert.equal(files.length, 2)
      const rows = await duckRows(`SELECT id::VARCHAR id, name, price::VARCHAR price, tags, s, epoch_us(ts)::VARCHAR ts, (d - DATE '1970-01-01')::INTEGER d
        FROM read_parquet([${files.map((f) => `'${join(table, f)}'`).join(', ')}]) ORDER BY id`)
      assert.deepEqual(rows, [
        { id: '-1', name: null, price: '-0.05', tags: [], s: null, ts: null, d: -1 },
        // 1900-01-01T00:00:00.000001+01:00 is 1899-12-31T23:00:00.000001Z: -2208992400 s after the epoch.
        { id: '3', name: 'é,"x"', price: '99999999.99', tags: null, s: null, ts: '-2208992399999999', d: 2932897 },
        { id: '9007199254740993', name: null, price: '12.30', tags: ['x', null], s: { a: 1, b: 'q' }, ts: '1609556645123456', d: 18629 },
      ])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  test('errors: exit codes and messages that name the problem; nothing is committed', async () => {
    const dir = tempDir()
    try {
      const table = join(dir, 't')
      writeFileSync(join(dir, 'x.ndjson'), '{"id": 1}\n')
      const [badSchema, appendToMissing] = await Promise.all([
        cli('create', table, '--schema', 'id long, name strin'),
        cli('append', table, '--from', join(dir, 'x.ndjson')),
      ])
      assert.equal(badSchema.code, 2, badSchema.stderr)
      assert.equal(badSchema.stdout, '')
      assert.match(badSchema.stderr, /unknown type "strin".*offset 14/)
      assert.equal(existsSync(table), false, 'a refused create writes nothing')
      assert.equal(appendToMissing.code, 3, appendToMissing.stderr)

      await ok('create', table, '--schema', 'id long NOT NULL, s struct<a: int>, d date', '--partition-by', 'd')
      writeFileSync(join(dir, 'unknown.ndjson'), '{"id": 1}\n\n{"id": 2, "nmae": "x"}\n')
      writeFileSync(join(dir, 'null.csv'), 'd,id\n2021-01-01,1\n2021-01-02,\n')
      writeFileSync(join(dir, 'data.txt'), '{"id": 1}\n')
      const [again, unknown, nullCsv, noFormat, badWhere] = await Promise.all([
        cli('create', table, '--schema', 'id long'),
        cli('append', table, '--from', join(dir, 'unknown.ndjson')),
        cli('append', table, '--from', join(dir, 'null.csv')),
        cli('append', table, '--from', join(dir, 'data.txt')),
        cli('delete', table, '--where', 'nope = 1'),
      ])
      assert.equal(again.code, 9, again.stderr)
      assert.match(again.stderr, /already exists/)
      for (const r of [unknown, nullCsv]) {
        assert.equal(r.code, 10, r.stderr)
        assert.equal(r.stdout, '')
      }
      assert.match(unknown.stderr, /unknown\.ndjson: line 3: unknown column "nmae"/)
      assert.match(nullCsv.stderr, /null\.csv: line 3, column id: null in a non-nullable field/)
      assert.equal(noFormat.code, 2, noFormat.stderr)
      assert.match(noFormat.stderr, /pass --format/)
      assert.equal(badWhere.code, 2, badWhere.stderr)
      assert.match(badWhere.stderr, /unknown column nope/)
      assert.deepEqual(readdirSync(join(table, '_delta_log')).filter((f) => f.endsWith('.json')), ['00000000000000000000.json'])
      assert.equal(readdirSync(table).filter((f) => f !== '_delta_log').length, 0, 'no data file was written')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  test('delete: a partition predicate removes whole files; a row predicate rewrites only files with matches', async () => {
    const dir = tempDir()
    try {
      const table = join(dir, 't')
      await ok('create', table, '--schema', 'id long, v string, p int', '--partition-by', 'p')
      const rows = [
        { id: 1, v: 'a', p: 1 },
        { id: 2, v: 'b', p: 1 },
        { id: 3, v: null, p: 2 },
        { id: 4, v: 'd', p: 2 },
        { id: 5, v: 'e', p: null },
      ]
      writeFileSync(join(dir, 'in.ndjson'), rows.map((r) => JSON.stringify(r)).join('\n'))
      await ok('append', table, '--from', join(dir, 'in.ndjson'))
      const line = (r: (typeof rows)[number]) => JSON.stringify(r)

      // Partition-only: the p=1 file goes without being read or rewritten.
      const byPartition = JSON.parse(await ok('delete', table, '--where', 'p = 1', '--json')) as Record<string, unknown>
      assert.deepEqual(byPartition, { version: 2, committed: true, filesRemoved: 1, filesAdded: 0, deletionVectorsAdded: 0, rowsDeleted: 2 })
      const removed = commitActions(table, 2).filter((a) => 'remove' in a)
      assert.equal(removed.length, 1)
      assert.match((removed[0]!.remove as { path: string }).path, /^p=1\//)
      assert.equal(commitActions(table, 2).filter((a) => 'add' in a).length, 0)
      assert.deepEqual((await scanned(table)), rows.slice(2).map(line).sort())

      // Row predicate: NULL (v != 'd' where v is null) keeps the row, as in SQL; only the p=null file matches.
      const byRow = JSON.parse(await ok('delete', table, '--where', "v != 'd' OR id = 5", '--json')) as Record<string, unknown>
      assert.deepEqual(byRow, { version: 3, committed: true, filesRemoved: 1, filesAdded: 0, deletionVectorsAdded: 0, rowsDeleted: 1 })
      assert.deepEqual((await scanned(table)), [rows[2]!, rows[3]!].map(line).sort())

      const partial = JSON.parse(await ok('delete', table, '--where', 'id = 4 AND p = 2', '--json')) as Record<string, unknown>
      assert.deepEqual(partial, { version: 4, committed: true, filesRemoved: 1, filesAdded: 1, deletionVectorsAdded: 0, rowsDeleted: 1 })
      const v4 = commitActions(table, 4)
      assert.equal(v4.filter((a) => 'add' in a).length, 1)
      assert.deepEqual((await scanned(table)), [line(rows[2]!)])

      const none = await ok('delete', table, '--where', 'id > 100')
      assert.match(none, /no rows matched; nothing committed \(table stays at version 4\)/)
      assert.equal(existsSync(join(table, '_delta_log', `${'5'.padStart(20, '0')}.json`)), false)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
