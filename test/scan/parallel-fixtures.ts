/**
 * Test helpers for parallel scan reads: corpus tables to compare on, a generated table whose rows
 * say which file they came from, and rows of batches as comparable text.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import * as A from 'apache-arrow'
import { Scan, Table, rowToJson, type ScanOptions } from '../../src/index.js'
import { createNodeEngine } from '../../src/node.js'
import { createTable } from '../../src/txn/create-table.js'
import { Transaction } from '../../src/txn/transaction.js'

export const CORPORA = join(import.meta.dirname, '../../../shared/corpora')

/** Corpus tables covering deletion vectors, column mapping, partitions and predicates. */
export const CASES: readonly { readonly table: string; readonly options?: ScanOptions }[] = [
  { table: 'golden/dv-partitioned-with-checkpoint/delta' },
  { table: 'golden/dv-partitioned-with-checkpoint/delta', options: { predicate: 'part = 0 OR col1 > 25' } },
  { table: 'kernel-rs/table-with-dv-small' },
  { table: 'golden/table-with-columnmapping-mode-name/delta' },
  { table: 'delta-rs/table_with_column_mapping' },
  { table: 'delta-rs/delta-0.8.0-partitioned' },
  { table: 'delta-rs/delta-0.8.0-partitioned', options: { predicate: "month = '2' OR value = '5'", columns: ['value', 'day'] } },
  { table: 'golden/time-travel-partition-changes-a/delta' },
  { table: 'golden/snapshot-data2-deleted/delta', options: { limit: 7 } },
]

/** The table URL of a corpus table, or of a local directory. */
export function tableUrl(dirOrCorpus: string): string {
  const dir = dirOrCorpus.startsWith('/') ? dirOrCorpus : join(CORPORA, dirOrCorpus)
  return pathToFileURL(dir).href + '/'
}

/** A planned scan of the latest snapshot of a corpus table (or local directory). */
export async function scanOf(dirOrCorpus: string, options?: ScanOptions): Promise<Scan> {
  const snapshot = await Table.open(tableUrl(dirOrCorpus), createNodeEngine()).snapshot()
  return new Scan(snapshot, options)
}

/** Rows of the batches as JSON text, in order. */
export async function rowsOf(batches: AsyncIterable<A.RecordBatch>): Promise<string[]> {
  const out: string[] = []
  for await (const b of batches) for (let i = 0; i < b.numRows; i++) out.push(JSON.stringify(rowToJson(b, i)))
  return out
}

/** A copy of a corpus table in a fresh temp directory; `cleanup` removes it. */
export async function copyTable(corpus: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'dk-pool-'))
  await cp(join(CORPORA, corpus), dir, { recursive: true })
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) }
}

/**
 * A table of `files` data files in a temp directory; file k holds rows `id = k*rowsPerFile + j`
 * (`file = k`), one commit per file, so every row names its file. `rowGroupSize` splits files
 * into row groups (and so into several batches).
 */
export async function generatedTable(files: number, rowsPerFile: number, rowGroupSize?: number): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'dk-pool-gen-'))
  const engine = createNodeEngine()
  const root = tableUrl(dir)
  await createTable(root, engine, {
    schema: {
      type: 'struct',
      fields: [
        { name: 'id', type: { type: 'long' }, nullable: false, metadata: {} },
        { name: 'file', type: { type: 'integer' }, nullable: false, metadata: {} },
        { name: 'text', type: { type: 'string' }, nullable: true, metadata: {} },
      ],
    },
  })
  const table = Table.open(root, engine)
  for (let k = 0; k < files; k++) {
    const ids = BigInt64Array.from({ length: rowsPerFile }, (_, j) => BigInt(k * rowsPerFile + j))
    const batch = new A.Table({
      id: A.makeVector(ids),
      file: A.makeVector(Int32Array.from({ length: rowsPerFile }, () => k)),
      text: A.vectorFromArray(Array.from({ length: rowsPerFile }, (_, j) => `row ${k}-${j} ${'x'.repeat(j % 17)}`), new A.Utf8()),
    })
    const txn = new Transaction(await table.snapshot())
    await txn.append(batch, rowGroupSize !== undefined ? { rowGroupSize } : {})
    await txn.commit()
  }
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) }
}
