/** What the commit benchmark's parent and its worker processes share (no side effects here). */

/** What one worker reports for one round. */
export interface RoundReport {
  readonly worker: number
  /** `performance.timeOrigin + now()` at the start and end of the round (comparable across processes). */
  readonly start: number
  readonly end: number
  /** Latency of each commit (delta: `Transaction.commit`; floor: first try to success), ms. */
  readonly latencies: readonly number[]
  /** Delta only: latency of each whole transaction (snapshot load, data file write, commit), ms. */
  readonly transactions?: readonly number[]
  /** Delta: rebases over concurrent winners; floor: put-if-absent races lost. */
  readonly conflictsRetried: number
  readonly attempts: number
}

/** Rows per appended batch. */
export const BATCH_ROWS = 10
