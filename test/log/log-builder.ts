/**
 * Test helper: an in-memory table whose log is written line by line (independently of the write
 * path), with a settable clock for file modification times, commit timestamps and tombstones.
 */
import type { Engine } from '../../src/engine/engine.js'
import { createHyparquetHandler } from '../../src/engines/hyparquet/index.js'
import { createMemoryFileSystem } from '../../src/engines/memory.js'
import { Table } from '../../src/table.js'

export const DAY = 86_400_000
export const HOUR = 3_600_000
const SCHEMA = JSON.stringify({ type: 'struct', fields: [{ name: 'x', type: 'long', nullable: true, metadata: {} }] })
const enc = new TextEncoder()

/** A line of a commit file, as JSON. */
export type LogLine = Record<string, unknown>

export function protocolLine(reader = 1, writer = 2, readerFeatures?: string[], writerFeatures?: string[]): LogLine {
  return { protocol: { minReaderVersion: reader, minWriterVersion: writer, ...(readerFeatures ? { readerFeatures } : {}), ...(writerFeatures ? { writerFeatures } : {}) } }
}

export function metadataLine(configuration: Record<string, string> = {}, partitionColumns: string[] = []): LogLine {
  const fields = [{ name: 'x', type: 'long', nullable: true, metadata: {} }, ...partitionColumns.map((name) => ({ name, type: 'string', nullable: true, metadata: {} }))]
  return {
    metaData: {
      id: 'test-table',
      format: { provider: 'parquet', options: {} },
      schemaString: partitionColumns.length ? JSON.stringify({ type: 'struct', fields }) : SCHEMA,
      partitionColumns,
      configuration,
      createdTime: 0,
    },
  }
}

export function addLine(path: string, size = 10, extra: Record<string, unknown> = {}): LogLine {
  return { add: { path, partitionValues: {}, size, modificationTime: 0, dataChange: true, ...extra } }
}

export function removeLine(path: string, deletionTimestamp: number, extra: Record<string, unknown> = {}): LogLine {
  return { remove: { path, deletionTimestamp, dataChange: true, ...extra } }
}

/** An in-memory table with a controllable clock. */
export class TestTable {
  clock = 0
  readonly engine: Engine
  readonly root = 'memory:///t/'
  readonly table: Table
  version = -1

  constructor(start = 0) {
    this.clock = start
    const fileSystem = createMemoryFileSystem({ now: () => this.clock })
    this.engine = { fileSystem, parquet: createHyparquetHandler(fileSystem) }
    this.table = Table.open(this.root, this.engine)
  }

  /** Location of a table-relative path. */
  at(path: string): string {
    return this.root + path
  }

  /** Writes the next commit at the current clock; returns its version. */
  async commit(lines: readonly LogLine[]): Promise<number> {
    const v = ++this.version
    const text = [{ commitInfo: { timestamp: this.clock, operation: 'TEST' } }, ...lines].map((l) => JSON.stringify(l)).join('\n')
    const r = await this.engine.fileSystem.putIfAbsent(`${this.root}_delta_log/${String(v).padStart(20, '0')}.json`, enc.encode(`${text}\n`))
    if (r.status !== 'created') throw new Error(`commit ${v} exists`)
    return v
  }

  /** Writes a (fake) data file at the current clock. */
  async writeFile(path: string, bytes = 10): Promise<void> {
    await this.engine.fileSystem.put(this.at(path), new Uint8Array(bytes))
  }

  async exists(path: string): Promise<boolean> {
    try {
      await this.engine.fileSystem.head(path.includes('://') ? path : this.at(path))
      return true
    } catch {
      return false
    }
  }

  /** Names in `_delta_log/` (not recursive). */
  async logNames(): Promise<string[]> {
    const out: string[] = []
    for await (const m of this.engine.fileSystem.list(`${this.root}_delta_log/`)) out.push(m.location.slice(`${this.root}_delta_log/`.length))
    return out
  }
}
