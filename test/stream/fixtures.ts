/** Fixtures of the streaming tests: an in-memory table of events (device, seq, value) and helpers to write it. */
import * as A from 'apache-arrow'
import type { Engine } from '../../src/engine/engine.js'
import { createHyparquetHandler } from '../../src/engines/hyparquet/index.js'
import { createMemoryFileSystem } from '../../src/engines/memory.js'
import type { StructType } from '../../src/protocol/schema-types.js'
import { Table } from '../../src/table.js'
import { createTable } from '../../src/txn/create-table.js'
import { Transaction } from '../../src/txn/transaction.js'

const f = (name: string, type: string) => ({ name, type: { type } as never, nullable: true, metadata: {} })

/** device: string, seq: long, value: double */
export const EVENTS: StructType = { type: 'struct', fields: [f('device', 'string'), f('seq', 'long'), f('value', 'double')] }

export interface Event {
  readonly device: string
  readonly seq: number
  readonly value: number
}

/** A manual clock: every call advances one second (distinct, ordered commit times). */
export function tickingClock(start = Date.UTC(2025, 0, 1)): () => number {
  let t = start
  return () => (t += 1000)
}

export function memoryEngine(now: () => number): Engine {
  const fileSystem = createMemoryFileSystem({ now })
  return { fileSystem, parquet: createHyparquetHandler(fileSystem) }
}

export function eventBatch(events: readonly Event[]): A.RecordBatch {
  return new A.Table({
    device: A.vectorFromArray(events.map((e) => e.device), new A.Utf8()),
    seq: A.vectorFromArray(events.map((e) => BigInt(e.seq)), new A.Int64()),
    value: A.vectorFromArray(events.map((e) => e.value), new A.Float64()),
  }).batches[0]!
}

const clocks = new WeakMap<Table, () => number>()

/** A fresh events table in memory; writes through {@link append} use its ticking clock (distinct file times). */
export async function eventsTable(options: { properties?: Record<string, string>; now?: () => number } = {}): Promise<Table> {
  const now = options.now ?? tickingClock()
  const engine = memoryEngine(now)
  const root = 'memory:///events/'
  await createTable(root, engine, { schema: EVENTS, now, ...(options.properties ? { properties: options.properties } : {}) })
  const table = Table.open(root, engine)
  clocks.set(table, now)
  return table
}

/** Appends one commit with one file per event group; returns the commit version. */
export async function append(table: Table, ...groups: readonly (readonly Event[])[]): Promise<number> {
  const now = clocks.get(table)
  const txn = new Transaction(await table.snapshot(), now ? { now } : {})
  for (const g of groups) await txn.append([eventBatch(g)])
  return (await txn.commit()).version
}

/** `n` events of one device with consecutive sequence numbers from `from`. */
export function events(device: string, from: number, n: number): Event[] {
  return Array.from({ length: n }, (_, i) => ({ device, seq: from + i, value: from + i }))
}
