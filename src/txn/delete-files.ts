/**
 * A delete applied to the files a transaction selected: each is removed whole (no row
 * predicate), or read, and when some of its live rows are selected either re-added with a
 * deletion vector that also marks them (`deletion-vector-write.ts`) or removed with its other
 * rows written to a new file. A file left with no live row is removed either way. On a table
 * with the change data feed, the deleted rows become `delete` change data (`cdf-write.ts`).
 *
 * @packageDocumentation
 */
import type { Add, AddCdcFile, Metadata } from '../protocol/actions.js'
import type { Snapshot } from '../snapshot.js'
import { cdcFilesForRemovedRows, changeDataFeedEnabled } from '../stream/cdf-write.js'
import type * as A from 'apache-arrow'
import { type RowMask, scanFileForDelete } from './delete-rows.js'
import { type DeletionVectorUpdate, deletionVectorsEnabled, writeDeletionVectors } from './deletion-vector-write.js'
import { type WriteDataContext, writeDataFiles } from './write-data.js'

/** Result of a delete. */
export interface DeleteResult {
  /** Files taken out of the table (removed whole, or rewritten). */
  readonly removedFiles: number
  /** Files written with the rows kept from rewritten files. */
  readonly addedFiles: number
  /** Files that stay, re-added with a new deletion vector. */
  readonly deletionVectors: number
}

/** The transaction a delete changes. */
export interface DeleteTarget {
  readonly snapshot: Snapshot
  /** Metadata the transaction commits with (decides DVs and change data). */
  readonly metadata: Metadata
  readonly context: WriteDataContext
  /** Records that the transaction read this file. */
  read(add: Add): void
  /** Takes a file out of the table the transaction builds. */
  retire(add: Add): void
  /** Stages an `add`. */
  stage(add: Add): void
  /** Records that change data files cover this file action's path. */
  cover(path: string): void
  /** Stages change data files. */
  stageCdc(cdc: readonly AddCdcFile[]): void
}

/** Deletes the rows `rows` selects (every row when undefined) from `files`. */
export async function deleteFromFiles(target: DeleteTarget, files: readonly Add[], rows: RowMask | undefined): Promise<DeleteResult> {
  const { signal } = target.context
  const result = { removedFiles: 0, addedFiles: 0, deletionVectors: 0 }
  const useDv = rows !== undefined && deletionVectorsEnabled(target.snapshot.protocol, target.metadata)
  // Row-level deletes on a CDF table: the deleted rows go to change data files.
  const removedRows: A.RecordBatch[] | undefined = rows && changeDataFeedEnabled(target.metadata.configuration) ? [] : undefined
  const dvUpdates: DeletionVectorUpdate[] = []
  for (const add of files) {
    target.read(add)
    if (!rows) {
      target.retire(add)
      result.removedFiles++
      continue
    }
    const found = await scanFileForDelete(target.snapshot, add, rows, { collectKept: !useDv, ...(signal ? { signal } : {}), ...(removedRows ? { removed: removedRows } : {}) })
    if (found === undefined) continue // no live row of this file matched
    if (useDv && found.keptRows > 0) {
      dvUpdates.push({ add, existing: found.existing, deleted: found.deletedRowIndexes, physicalRows: found.physicalRows })
      continue
    }
    const adds = found.keptRows > 0 ? await writeDataFiles(found.kept, target.context) : []
    target.retire(add)
    for (const a of adds) target.stage(a)
    result.removedFiles++
    result.addedFiles += adds.length
    if (removedRows) for (const a of [add, ...adds]) target.cover(a.path)
  }
  const readded = await writeDeletionVectors(target.context, dvUpdates)
  readded.forEach((a, i) => {
    target.retire(dvUpdates[i]!.add)
    target.stage(a)
    if (removedRows) target.cover(a.path)
  })
  result.deletionVectors = readded.length
  if (removedRows && removedRows.length > 0) target.stageCdc(await cdcFilesForRemovedRows(target.context, removedRows))
  return result
}
