/**
 * Row-level delete of one data file: reads it through the scan layer (logical columns,
 * partition values materialised), applies the row predicate to the rows that are still live,
 * and reports both what stays (for a rewrite) and which row indexes of the data file the
 * predicate newly deletes (for a deletion vector).
 *
 * The file's existing deletion vector is applied here rather than by the reader, so that every
 * batch arrives whole with its first row's index in the file (PROTOCOL.md "Deletion Vector
 * Format": a DV holds row indexes, i.e. positions in the Parquet file). Rows an earlier DV
 * deleted are never shown to the predicate, never kept and never reported again.
 *
 * @packageDocumentation
 */
import type * as A from 'apache-arrow'
import { InvalidArgumentError, throwIfAborted } from '../errors.js'
import type { Add } from '../protocol/actions.js'
import type { RoaringBitmapArray } from '../protocol/roaring.js'
import { deletionKeepMask, loadDeletionVector } from '../scan/deletion-vector-read.js'
import { readScanFile } from '../scan/read-file.js'
import { Scan } from '../scan/scan.js'
import { scanFileOf } from '../scan/scan-file.js'
import { filterBatch } from '../scan/take.js'
import type { Snapshot } from '../snapshot.js'

/** Row predicate of a delete: a mask over the batch's rows (1 = delete). */
export type RowMask = (batch: A.RecordBatch) => Uint8Array | Promise<Uint8Array>

/** What a row-level delete found in one data file. */
export interface FileDeleteScan {
  /** The rows that stay (logical columns), in file order; empty unless `collectKept` was set. */
  readonly kept: readonly A.RecordBatch[]
  /** Number of rows that stay. */
  readonly keptRows: number
  /** Indexes (positions in the data file) of the rows the predicate deleted, ascending. */
  readonly deletedRowIndexes: readonly number[]
  /** The file's deletion vector before this delete, if it had one. */
  readonly existing: RoaringBitmapArray | undefined
  /** Rows in the data file, earlier-deleted ones included (a DV's `numRecords`). */
  readonly physicalRows: number
}

/** Options of {@link scanFileForDelete}. */
export interface ScanForDeleteOptions {
  readonly signal?: AbortSignal
  /** Keep the surviving rows in memory (a rewrite needs them; a deletion vector does not). */
  readonly collectKept?: boolean
  /** When given, receives the deleted rows (change data files of CDF tables need them). */
  readonly removed?: A.RecordBatch[]
}

/**
 * Applies `rows` to the live rows of `add`. Returns undefined when it selects none (the file
 * stays as it is). Throws `InvalidArgumentError` when the predicate's mask is shorter than its batch.
 */
export async function scanFileForDelete(snapshot: Snapshot, add: Add, rows: RowMask, options: ScanForDeleteOptions = {}): Promise<FileDeleteScan | undefined> {
  const { signal, removed } = options
  const state = new Scan(snapshot).state
  const existing = add.deletionVector
    ? await loadDeletionVector(snapshot.engine.fileSystem, snapshot.tableRoot, add.deletionVector, { signal, allowAbsolutePaths: state.allowAbsolutePaths })
    : undefined
  const { deletionVector: _applied, ...file } = scanFileOf(add)
  const deleted: number[] = []
  let physicalRows = 0
  const selectRows = async (batch: A.RecordBatch, first: number): Promise<Uint8Array> => {
    physicalRows += batch.numRows
    const live = existing ? deletionKeepMask(existing, first, batch.numRows) : undefined
    const liveBatch = live ? filterBatch(batch, live) : batch
    const mask = await rows(liveBatch)
    if (mask.length < liveBatch.numRows) {
      throw new InvalidArgumentError(`delete of ${add.path}: the row predicate returned ${mask.length} mask bytes for a batch of ${liveBatch.numRows} rows`)
    }
    const keep = live ?? new Uint8Array(batch.numRows).fill(1)
    const gone = removed ? new Uint8Array(batch.numRows) : undefined
    for (let i = 0, j = 0; i < batch.numRows; i++) {
      if (!keep[i]) continue
      if (mask[j++]) {
        keep[i] = 0
        deleted.push(first + i)
        if (gone) gone[i] = 1
      }
    }
    if (removed && gone!.includes(1)) removed.push(filterBatch(batch, gone!))
    return keep
  }
  const kept: A.RecordBatch[] = []
  let keptRows = 0
  for await (const batch of readScanFile(snapshot.engine, state, file, { selectRows, ...(signal ? { signal } : {}) })) {
    throwIfAborted(signal)
    keptRows += batch.numRows
    if (options.collectKept && batch.numRows > 0) kept.push(batch)
  }
  if (deleted.length === 0) return undefined
  return { kept, keptRows, deletedRowIndexes: deleted, existing, physicalRows }
}
