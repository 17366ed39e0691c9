/** Shared helpers of the change data feed tests: corpus tables, rows as sorted JSON lines. */
import type * as A from 'apache-arrow'
import { createNodeEngine } from '../../src/engines/node-engine.js'
import { rowToJson, type JsonValue } from '../../src/protocol/value-encoding.js'
import { Scan } from '../../src/scan/scan.js'
import { Table } from '../../src/table.js'

export const KERNEL_RS = new URL('../../../shared/corpora/kernel-rs/', import.meta.url)

export function corpusTable(name: string): Table {
  return Table.open(new URL(`${name}/`, KERNEL_RS).href, createNodeEngine())
}

/** Rows as JSON lines, without the given columns, sorted (the feed's order is not part of its contract). */
export function lines(batches: readonly A.RecordBatch[], drop: readonly string[] = ['_commit_timestamp']): string[] {
  const out: string[] = []
  for (const b of batches) {
    for (let i = 0; i < b.numRows; i++) {
      const row: { [k: string]: JsonValue } = rowToJson(b, i)
      for (const d of drop) delete row[d]
      out.push(JSON.stringify(row))
    }
  }
  return out.sort()
}

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const x of it) out.push(x)
  return out
}

/** Every row of the table at `version`, as JSON lines. */
export async function snapshotLines(table: Table, version: number): Promise<string[]> {
  const snapshot = await table.snapshot({ version })
  return lines(await collect(new Scan(snapshot).batches()), [])
}

/** Compact expected rows: `[change type, version, ...column values]` to sorted JSON lines. */
export function expected(columns: readonly string[], rows: readonly (readonly unknown[])[]): string[] {
  return rows
    .map(([type, version, ...values]) => {
      const row: Record<string, unknown> = {}
      columns.forEach((c, i) => (row[c] = values[i]))
      row._change_type = type
      row._commit_version = version
      return JSON.stringify(row)
    })
    .sort()
}
