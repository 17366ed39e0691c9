/** One shared in-memory DuckDB connection: the data generator and the scan baseline. */
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api'

let connection: Promise<DuckDBConnection> | undefined

/** The shared DuckDB connection (created on first use). */
export function duck(): Promise<DuckDBConnection> {
  connection ??= DuckDBInstance.create(':memory:').then((db) => db.connect())
  return connection
}

/** Runs a query and returns its rows as plain JS values (bigints for BIGINT / HUGEINT). */
export async function duckRows(sql: string): Promise<Record<string, unknown>[]> {
  const c = await duck()
  const reader = await c.runAndReadAll(sql)
  return reader.getRowObjects() as Record<string, unknown>[]
}

/** Single-quoted SQL string literal. */
export function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`
}
