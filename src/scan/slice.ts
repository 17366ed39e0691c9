/**
 * Zero-copy truncation of a batch (row limits).
 *
 * @packageDocumentation
 */
import type { RecordBatch } from 'apache-arrow'

/** The first `n` rows of `batch` (no copy). */
export function sliceBatch(batch: RecordBatch, n: number): RecordBatch {
  return n >= batch.numRows ? batch : batch.slice(0, n)
}
