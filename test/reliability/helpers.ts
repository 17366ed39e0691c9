/** Shared fixtures of the reliability tests: corpus tables in memory, engines, outcome reports. */
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import type { Engine } from '../../src/engine/engine.js'
import type { FileSystem } from '../../src/engine/file-system.js'
import { createHyparquetHandler } from '../../src/engines/hyparquet/index.js'
import { createMemoryFileSystem } from '../../src/engines/memory.js'
import { DeltaError } from '../../src/errors.js'
import { rowToJson, type JsonValue } from '../../src/protocol/value-encoding.js'
import { Scan } from '../../src/scan/scan.js'
import type { Snapshot } from '../../src/snapshot.js'
import { Table } from '../../src/table.js'
import { CORPORA_ROOT } from '../corpora-root.js'

export const CORPORA = CORPORA_ROOT
export const ROOT = 'memory:///t/'

export function engineOn(fileSystem: FileSystem): Engine {
  return { fileSystem, parquet: createHyparquetHandler(fileSystem) }
}

function walk(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) out.push(...walk(p))
    else out.push(p)
  }
  return out
}

/** The location URL of a file whose on-disk name is `rel` under `root`, spelled as the kernel resolves log paths. */
export function locationOf(root: string, rel: string): string {
  const escaped = rel
    .split('/')
    .map((s) => s.replace(/%/g, '%25').replace(/\?/g, '%3F').replace(/#/g, '%23'))
    .join('/')
  return new URL(`./${escaped}`, root).href
}

/**
 * A memory file system holding a corpus table (`kernel-rs/table-with-dv-small`) under `root`.
 * `filter` picks relative paths (default: everything but `.crc` sidecar files of Hadoop).
 */
export function corpusFs(name: string, options: { root?: string; filter?: (rel: string) => boolean; now?: () => number } = {}): FileSystem {
  const root = options.root ?? ROOT
  const fs = createMemoryFileSystem(options.now ? { now: options.now } : {})
  const dir = join(CORPORA, name)
  const filter = options.filter ?? ((rel: string) => !/(^|\/)\.[^/]*\.crc$/.test(rel))
  const puts: Promise<void>[] = []
  for (const p of walk(dir)) {
    const rel = relative(dir, p)
    if (!filter(rel)) continue
    puts.push(fs.put(locationOf(root, rel), new Uint8Array(readFileSync(p))))
  }
  // The memory store completes puts synchronously; awaiting is not needed before first use.
  void Promise.all(puts)
  return fs
}

/** Only the `_delta_log` of a corpus table (fast; enough for snapshot loads). */
export function corpusLogFs(name: string, root = ROOT): FileSystem {
  return corpusFs(name, { root, filter: (rel) => rel.startsWith('_delta_log/') && !rel.endsWith('.crc.crc') })
}

/** Every object of a file system under `dir` (recursive), location to bytes. */
export async function dump(fs: FileSystem, dir = ROOT): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>()
  for await (const m of fs.list(dir, { recursive: true })) out.set(m.location, await fs.read(m.location))
  return out
}

/** A fresh memory file system with the same objects. */
export async function cloneFs(fs: FileSystem, dir = ROOT): Promise<FileSystem> {
  const copy = createMemoryFileSystem()
  for (const [loc, bytes] of await dump(fs, dir)) await copy.put(loc, bytes)
  return copy
}

/** Every row of a snapshot as JSON, sorted by its JSON text (an order-free comparison). */
export async function rowsOf(snapshot: Snapshot): Promise<string[]> {
  const out: string[] = []
  for await (const b of new Scan(snapshot).batches()) for (let i = 0; i < b.numRows; i++) out.push(JSON.stringify(rowToJson(b, i) as JsonValue))
  return out.sort()
}

/** Summary of a snapshot that replay must get right: version and live file paths. */
export function stateOf(snapshot: Snapshot): { version: number; files: string[] } {
  return { version: snapshot.version, files: snapshot.files().map((f) => f.path).sort() }
}

/** One line of the reliability report. */
export interface ReportLine {
  readonly area: string
  readonly input: string
  readonly outcome: string
}

/** Collects report lines and prints them once. */
export function reporter(title: string): { add(area: string, input: string, outcome: string): void; print(): void; lines: ReportLine[] } {
  const lines: ReportLine[] = []
  return {
    lines,
    add: (area, input, outcome) => void lines.push({ area, input, outcome }),
    print() {
      const width = Math.max(...lines.map((l) => l.area.length + l.input.length + 3), 10)
      const text = lines.map((l) => `  ${`${l.area}: ${l.input}`.padEnd(width)} -> ${l.outcome}`).join('\n')
      console.log(`\n=== ${title} (${lines.length} cases) ===\n${text}\n`)
    },
  }
}

/** How an error reads in a report: its class and code, or UNTYPED. */
export function describeError(e: unknown): string {
  if (e instanceof DeltaError) return `${e.name} (${e.code})`
  return `UNTYPED ${(e as Error)?.name ?? typeof e}: ${(e as Error)?.message ?? String(e)}`
}

/** Opens the table at ROOT over `fs` and loads the latest (or given) version. */
export function open(fs: FileSystem, root = ROOT): Table {
  return Table.open(root, engineOn(fs))
}
