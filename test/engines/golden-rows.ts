/**
 * Expected rows of golden corpus tables, computed independently of the kernel: DuckDB reads the
 * Spark-written `expected/*.parquet`. Rows on both sides become `{ column: String(value) }`
 * (int64 values arrive as bigint from DuckDB and as numbers or strings from the kernel, so both are
 * compared as decimal text), sorted as JSON text. Only for tables of flat primitive columns.
 */
import { readdir, readFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import type { FileSystem } from '../../src/engine/file-system.js'
import { encodeKeyPath } from '../../src/engines/object-store/keys.js'

/** Folder of the golden corpora (`golden/<name>/delta`, `golden/<name>/expected`). */
export const GOLDEN = new URL('../../../shared/corpora/golden/', import.meta.url).pathname

/** One row, every value as text (`null` for SQL NULL). */
export type TextRow = Record<string, string | null>

/** Rows sorted by their JSON text, so order-free comparisons are deepEqual. */
export function canonicalRows(rows: readonly Record<string, unknown>[]): TextRow[] {
  const text = rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null || v === undefined ? null : String(v)])))
  return text.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1))
}

/** The expected rows of golden table `name`, read by DuckDB. */
export async function expectedGoldenRows(name: string): Promise<TextRow[]> {
  const db = await DuckDBInstance.create(':memory:')
  const conn = await db.connect()
  try {
    const glob = join(GOLDEN, name, 'expected', '*.parquet').replaceAll("'", "''")
    const reader = await conn.runAndReadAll(`SELECT * FROM read_parquet('${glob}')`)
    return canonicalRows(reader.getRowObjects() as Record<string, unknown>[])
  } finally {
    conn.closeSync()
  }
}

/** Every file under `dir`, as paths relative to it with `/` separators. */
export async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = []
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out.push(relative(dir, join(e.parentPath, e.name)).split('\\').join('/'))
  }
  return out.sort()
}

/**
 * Copies golden table `name` (its `delta/` folder) to `root` in `fs`: each file under the same
 * key, so a file literally named `_2=bar+%2521/...` keeps that name in the store.
 */
export async function copyGoldenTable(name: string, fs: FileSystem, root: string): Promise<void> {
  const dir = join(GOLDEN, name, 'delta')
  for (const rel of await filesUnder(dir)) {
    await fs.put(root + encodeKeyPath(rel)!, new Uint8Array(await readFile(join(dir, rel))))
  }
}
