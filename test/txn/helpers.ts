/** Shared fixtures of the write-path tests: in-memory engines, tiny schemas, Arrow data. */
import * as A from 'apache-arrow'
import type { Engine } from '../../src/engine/engine.js'
import type { FileSystem } from '../../src/engine/file-system.js'
import { createHyparquetHandler } from '../../src/engines/hyparquet/index.js'
import { createMemoryFileSystem } from '../../src/engines/memory.js'
import type { StructType } from '../../src/protocol/schema-types.js'
import { Scan } from '../../src/scan/scan.js'
import { Table } from '../../src/table.js'
import { rowToJson, type JsonValue } from '../../src/protocol/value-encoding.js'

export function engineOn(fileSystem: FileSystem): Engine {
  return { fileSystem, parquet: createHyparquetHandler(fileSystem) }
}

export function memoryEngine(now?: () => number): Engine {
  return engineOn(createMemoryFileSystem(now ? { now } : {}))
}

export const field = (name: string, type: string, nullable = true) => ({ name, type: { type } as never, nullable, metadata: {} })

/** id: long, part: string, value: double */
export const SIMPLE: StructType = { type: 'struct', fields: [field('id', 'long'), field('part', 'string'), field('value', 'double')] }

/** Arrow batch for SIMPLE. */
export function simpleBatch(rows: readonly { id: number; part: string | null; value: number | null }[]): A.RecordBatch {
  const table = new A.Table({
    id: A.vectorFromArray(rows.map((r) => BigInt(r.id)), new A.Int64()),
    part: A.vectorFromArray(rows.map((r) => r.part), new A.Utf8()),
    value: A.vectorFromArray(rows.map((r) => r.value), new A.Float64()),
  })
  return table.batches[0]!
}

/** Every row of the latest snapshot as JSON objects, sorted by `id`. */
export async function readRows(root: string, engine: Engine): Promise<{ [k: string]: JsonValue }[]> {
  const snapshot = await Table.open(root, engine).snapshot()
  const out: { [k: string]: JsonValue }[] = []
  for await (const b of new Scan(snapshot).batches()) for (let i = 0; i < b.numRows; i++) out.push(rowToJson(b, i))
  return out.sort((a, b) => Number(a.id) - Number(b.id))
}

/** A manual connector-style add for a file that does not need to exist (commit-logic tests). */
export function fakeAdd(path: string, partitionValues: Record<string, string | null> = {}, dataChange = true) {
  return { path, partitionValues, size: 100, modificationTime: 1, dataChange }
}
