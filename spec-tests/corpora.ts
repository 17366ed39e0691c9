/**
 * Discovery of the conformance tables under ../shared/corpora and the independent comparison of
 * rows. Uses only the public API.
 */
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { RecordBatch } from 'apache-arrow'
import { Scan, Table, rowToJson, type Engine } from '../src/index.js'
import { createNodeEngine } from '../src/node.js'

/** Root of the shared corpora (read-only). */
export const CORPORA = resolve(import.meta.dirname, '../../shared/corpora')

/** A table found in the corpora. */
export interface CorpusTable {
  /** `golden/name`, `kernel-rs/name`, `delta-rs/name/sub`... */
  readonly name: string
  /** Directory holding `_delta_log`. */
  readonly dir: string
  /** `expected/` directory of a golden table, if any. */
  readonly expectedDir?: string
}

/** Every directory with a `_delta_log` child under `root`, depth-first, sorted. */
export function findTables(root: string): string[] {
  const out: string[] = []
  const walk = (dir: string) => {
    const names = readdirSync(dir).sort()
    if (names.includes('_delta_log')) out.push(dir)
    for (const n of names) {
      if (n === '_delta_log' || n.startsWith('.')) continue
      const p = join(dir, n)
      if (statSync(p).isDirectory()) walk(p)
    }
  }
  if (existsSync(root)) walk(root)
  return out
}

/** The golden tables (`golden/<name>/delta`), with their expected rows when present. */
export function goldenTables(): CorpusTable[] {
  const root = join(CORPORA, 'golden')
  return readdirSync(root)
    .sort()
    .map((name) => {
      const dir = join(root, name, 'delta')
      const expectedDir = join(root, name, 'expected')
      return { name: `golden/${name}`, dir, ...(existsSync(expectedDir) ? { expectedDir } : {}) }
    })
}

/** Every table of the kernel-rs and delta-rs corpora. */
export function otherTables(): CorpusTable[] {
  const out: CorpusTable[] = []
  for (const group of ['kernel-rs', 'delta-rs']) {
    for (const dir of findTables(join(CORPORA, group))) out.push({ name: relative(CORPORA, dir), dir })
  }
  return out
}

/** The table URL of a directory. */
export function tableUrl(dir: string): string {
  return pathToFileURL(dir).href + '/'
}

/** Opens a corpus directory on the Node engines. */
export function openCorpusTable(dir: string, engine: Engine = createNodeEngine()): Table {
  return Table.open(tableUrl(dir), engine)
}

/** Rows of batches in the CLI's ndjson encoding (canonical JSON, keys in schema order). */
export function rowsOf(batches: readonly RecordBatch[]): string[] {
  const out: string[] = []
  for (const b of batches) for (let i = 0; i < b.numRows; i++) out.push(JSON.stringify(rowToJson(b, i)))
  return out
}

/** Reads all batches of a scan. */
export async function collect(scan: Scan): Promise<RecordBatch[]> {
  const out: RecordBatch[] = []
  for await (const b of scan.batches()) out.push(b)
  return out
}

/** Multiset difference summary of two row lists; empty when equal. */
export function diffRows(actual: readonly string[], expected: readonly string[]): string {
  const count = new Map<string, number>()
  for (const r of expected) count.set(r, (count.get(r) ?? 0) + 1)
  const extra: string[] = []
  for (const r of actual) {
    const c = count.get(r)
    if (c) count.set(r, c - 1)
    else extra.push(r)
  }
  const missing = [...count].flatMap(([r, c]) => Array<string>(c).fill(r))
  if (extra.length === 0 && missing.length === 0) return ''
  return `${actual.length} rows vs ${expected.length} expected; unexpected: ${extra.slice(0, 3).join(' ')}; missing: ${missing.slice(0, 3).join(' ')}`
}
