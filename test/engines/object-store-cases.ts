/**
 * Table-level cases every writable object-store engine must pass (S3, Azure): a Spark-written
 * table copied into the store reads as Spark expected, and a table created and appended through
 * the store reads back, with the commit path's put-if-absent probe passing on the way.
 */
import assert from 'node:assert/strict'
import * as A from 'apache-arrow'
import type { FileSystem, ListOptions } from '../../src/engine/file-system.js'
import { createHyparquetHandler } from '../../src/engines/hyparquet/index.js'
import { rowToJson } from '../../src/protocol/value-encoding.js'
import type { StructType } from '../../src/protocol/schema-types.js'
import { Scan } from '../../src/scan/scan.js'
import { Table } from '../../src/table.js'
import { createTable } from '../../src/txn/create-table.js'
import { Transaction } from '../../src/txn/transaction.js'
import { canonicalRows, copyGoldenTable, expectedGoldenRows } from './golden-rows.js'

/** Every location `list` yields, in order. */
export async function drainLocations(fs: FileSystem, dir: string, options?: ListOptions): Promise<string[]> {
  const out: string[] = []
  for await (const m of fs.list(dir, options)) out.push(m.location)
  return out
}

/** Every row of the latest snapshot of `root`, through `fs` and the hyparquet handler. */
export async function scanRows(fs: FileSystem, root: string): Promise<Record<string, unknown>[]> {
  const snapshot = await Table.open(root, { fileSystem: fs, parquet: createHyparquetHandler(fs) }).snapshot()
  const rows: Record<string, unknown>[] = []
  for await (const b of new Scan(snapshot).batches()) for (let i = 0; i < b.numRows; i++) rows.push(rowToJson(b, i))
  return rows
}

/** One case: runs against a fresh empty `root` in `fs`. */
export interface ObjectStoreTableCase {
  readonly name: string
  run(fs: FileSystem, root: string): Promise<void>
}

const SCHEMA: StructType = {
  type: 'struct',
  fields: [
    { name: 'id', type: { type: 'long' }, nullable: false, metadata: {} },
    { name: 'part', type: { type: 'string' }, nullable: true, metadata: {} },
  ],
}

const goldenCase = (table: string): ObjectStoreTableCase => ({
  name: `golden table ${table} copied into the store reads as Spark expected`,
  async run(fs, root) {
    await copyGoldenTable(table, fs, root)
    const expected = await expectedGoldenRows(table)
    assert.ok(expected.length > 0, `${table}: expected rows found`)
    assert.deepEqual(canonicalRows(await scanRows(fs, root)), expected)
  },
})

/** The cases. */
export const objectStoreTableCases: readonly ObjectStoreTableCase[] = [
  goldenCase('basic-with-inserts-deletes-checkpoint'),
  goldenCase('multi-part-checkpoint'),
  goldenCase('data-reader-escaped-chars'),
  {
    name: 'a table created and appended through the store reads back; the probe leaves no object',
    async run(fs, root) {
      const engine = { fileSystem: fs, parquet: createHyparquetHandler(fs) }
      assert.equal((await createTable(root, engine, { schema: SCHEMA, partitionColumns: ['part'] })).version, 0)
      const rows = [
        { id: 1n, part: 'a b' },
        { id: 2n, part: '100%' },
        { id: 3n, part: null },
      ]
      const batch = new A.Table({
        id: A.vectorFromArray(rows.map((r) => r.id), new A.Int64()),
        part: A.vectorFromArray(rows.map((r) => r.part), new A.Utf8()),
      }).batches[0]!
      const txn = new Transaction(await Table.open(root, engine).snapshot())
      await txn.append([batch])
      assert.equal((await txn.commit()).version, 1)
      assert.deepEqual(canonicalRows(await scanRows(fs, root)), canonicalRows(rows))
      assert.deepEqual(await drainLocations(fs, root + '_delta_log/'), [
        root + '_delta_log/00000000000000000000.json',
        root + '_delta_log/00000000000000000001.json',
      ])
    },
  },
]
