/**
 * Row-level delete of one data file: reads it through the scan layer (logical columns,
 * partition values materialised), applies the row predicate, and returns the rows to keep.
 *
 * @packageDocumentation
 */
import type * as A from 'apache-arrow'
import { throwIfAborted } from '../errors.js'
import type { Add } from '../protocol/actions.js'
import { readScanFile } from '../scan/read-file.js'
import { Scan } from '../scan/scan.js'
import { scanFileOf } from '../scan/scan-file.js'
import { filterBatch } from '../scan/take.js'
import type { Snapshot } from '../snapshot.js'

/**
 * The batches of `add` without the rows `rows` selects (mask byte 1 = delete), or undefined when
 * it selects none (the file stays as it is).
 */
export async function rewriteWithout(
  snapshot: Snapshot,
  add: Add,
  rows: (batch: A.RecordBatch) => Uint8Array | Promise<Uint8Array>,
  signal?: AbortSignal,
  /** When given, receives the deleted rows (change data files of CDF tables need them). */
  removed?: A.RecordBatch[],
): Promise<A.RecordBatch[] | undefined> {
  const state = new Scan(snapshot).state
  const kept: A.RecordBatch[] = []
  let deleted = 0
  for await (const batch of readScanFile(snapshot.engine, state, scanFileOf(add), signal ? { signal } : {})) {
    throwIfAborted(signal)
    const mask = await rows(batch)
    const keep = new Uint8Array(batch.numRows)
    for (let i = 0; i < batch.numRows; i++) {
      if (mask[i]) deleted++
      else keep[i] = 1
    }
    const rest = filterBatch(batch, keep)
    if (rest.numRows > 0) kept.push(rest)
    if (removed && rest.numRows < batch.numRows) removed.push(filterBatch(batch, keep.map((k) => 1 - k)))
  }
  return deleted === 0 ? undefined : kept
}
