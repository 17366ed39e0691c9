/**
 * The streaming sink: appends a stream of micro-batches to a table exactly once, the way Spark's
 * Delta sink does (PROTOCOL.md "Transaction Identifiers"). Each batch commits together with a
 * `txn` action `(appId, batchId)`; before writing, the sink reads the table's
 * `appTransactionVersion(appId)` and skips every batch whose id is not above it. A writer that
 * crashes anywhere (before, during or after a commit) and replays its input from the start (or
 * from any batch at or before the last one it knows it committed) therefore adds each batch once.
 *
 * What the caller must guarantee: batch ids increase, and a replayed batch has the same id and the
 * same rows as the first time (a deterministic source, or a write-ahead log of the batches).
 *
 * @packageDocumentation
 */
import type * as A from 'apache-arrow'
import { ConcurrentTransactionError, InvalidArgumentError, throwIfAborted } from '../errors.js'
import type { Snapshot } from '../snapshot.js'
import type { Table } from '../table.js'
import type { CommitOutcome } from '../txn/commit.js'
import type { RetryPolicy } from '../txn/retry.js'
import { Transaction } from '../txn/transaction.js'

/** A micro-batch with an explicit id. */
export interface SinkBatch {
  readonly batchId: number
  readonly data: readonly A.RecordBatch[]
}

/** What happened to one batch. */
export type SinkBatchResult =
  | {
      readonly batchId: number
      readonly status: 'committed'
      readonly rows: number
      readonly commit: CommitOutcome
      /** From the start of the batch to its commit (snapshot load, data files, commit with retries). */
      readonly latencyMs: number
      /** Of which loading the latest snapshot. */
      readonly snapshotMs: number
      /** The snapshot the batch was written on: pass it as `previous` with the next batch. */
      readonly snapshot: Snapshot
    }
  /** The table already held this batch (`appTransactionVersion(appId) >= batchId`): not written again. */
  | { readonly batchId: number; readonly status: 'skipped'; readonly committedVersion: number; readonly snapshot: Snapshot }

/** Options of {@link appendStream}. */
export interface AppendStreamOptions {
  /** The stream's application id, stable across restarts (Spark uses the query id). */
  readonly appId: string
  /** Id of the first batch when the input yields plain arrays (then ids count up by one). Default 0. */
  readonly firstBatchId?: number
  /** Called after each batch is committed or skipped. */
  readonly onBatch?: (result: SinkBatchResult) => void | Promise<void>
  readonly retry?: RetryPolicy
  /** Clock, ms since the epoch (commit timestamps); default `Date.now`. */
  readonly now?: () => number
  /** Monotonic clock for `latencyMs`; default `performance.now`. */
  readonly clock?: () => number
  /** Extra `commitInfo` fields. */
  readonly commitInfo?: Readonly<Record<string, unknown>>
  readonly signal?: AbortSignal
}

/** Totals of {@link appendStream}. */
export interface AppendStreamResult {
  readonly committed: number
  readonly skipped: number
  readonly rows: number
  /** Commits that had to be rebased over concurrent writers. */
  readonly conflictsRetried: number
  /** Id of the last batch seen, if any. */
  readonly lastBatchId: number | undefined
}

function isSinkBatch(x: readonly A.RecordBatch[] | SinkBatch): x is SinkBatch {
  return !Array.isArray(x) && typeof (x as SinkBatch).batchId === 'number'
}

/**
 * Commits one batch as `(appId, batchId)` unless the table already has it. A concurrent writer
 * committing the same batch id first makes this one a skip, not a duplicate. `previous` (the
 * `snapshot` of the last result) makes loading the latest snapshot read only the newer commits.
 */
export async function commitSinkBatch(table: Table, batch: SinkBatch, options: AppendStreamOptions, previous?: Snapshot): Promise<SinkBatchResult> {
  const { appId, signal } = options
  const clock = options.clock ?? (() => performance.now())
  const started = clock()
  const snapshot = await table.snapshot({ signal, ...(previous ? { from: previous } : {}) })
  const snapshotMs = clock() - started
  const committed = snapshot.appTransactionVersion(appId)
  if (committed !== undefined && batch.batchId <= committed) return { batchId: batch.batchId, status: 'skipped', committedVersion: committed, snapshot }
  const txn = new Transaction(snapshot, {
    operation: 'STREAMING UPDATE',
    operationParameters: { outputMode: 'Append', queryId: appId, epochId: String(batch.batchId) },
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.commitInfo ? { commitInfo: options.commitInfo } : {}),
  })
  txn.setAppTransaction(appId, batch.batchId)
  await txn.append(batch.data, signal ? { signal } : {})
  try {
    const commit = await txn.commit(signal ? { signal } : {})
    const rows = batch.data.reduce((n, b) => n + b.numRows, 0)
    return { batchId: batch.batchId, status: 'committed', rows, commit, latencyMs: clock() - started, snapshotMs, snapshot }
  } catch (e) {
    // Another instance of this stream won the race with the same batch (or a later one).
    if (e instanceof ConcurrentTransactionError && e.appId === appId) {
      const latest = await table.snapshot({ signal, from: snapshot })
      const now = latest.appTransactionVersion(appId)
      if (now !== undefined && now >= batch.batchId) return { batchId: batch.batchId, status: 'skipped', committedVersion: now, snapshot: latest }
    }
    throw e
  }
}

/**
 * Appends every micro-batch of `input` to `table` exactly once (see the module doc). Input items
 * are arrays of Arrow batches (ids `firstBatchId`, `firstBatchId + 1`, ...) or `{ batchId, data }`
 * with explicit, increasing ids.
 */
export async function appendStream(
  table: Table,
  input: AsyncIterable<readonly A.RecordBatch[] | SinkBatch> | Iterable<readonly A.RecordBatch[] | SinkBatch>,
  options: AppendStreamOptions,
): Promise<AppendStreamResult> {
  if (typeof options.appId !== 'string' || options.appId === '') throw new InvalidArgumentError('appendStream: appId must be a non-empty string')
  let nextId = options.firstBatchId ?? 0
  if (!Number.isSafeInteger(nextId) || nextId < 0) throw new InvalidArgumentError(`appendStream: firstBatchId must be a non-negative integer, got ${nextId}`)
  let committed = 0
  let skipped = 0
  let rows = 0
  let conflictsRetried = 0
  let lastBatchId: number | undefined
  let previous: Snapshot | undefined
  for await (const item of input) {
    throwIfAborted(options.signal)
    const batch: SinkBatch = isSinkBatch(item) ? item : { batchId: nextId, data: item }
    if (!Number.isSafeInteger(batch.batchId) || batch.batchId < 0) throw new InvalidArgumentError(`appendStream: batch id must be a non-negative integer, got ${batch.batchId}`)
    if (lastBatchId !== undefined && batch.batchId <= lastBatchId) {
      throw new InvalidArgumentError(`appendStream: batch ids must increase; got ${batch.batchId} after ${lastBatchId}`)
    }
    lastBatchId = batch.batchId
    nextId = batch.batchId + 1
    const result = await commitSinkBatch(table, batch, options, previous)
    previous = result.snapshot
    if (result.status === 'committed') {
      committed++
      rows += result.rows
      conflictsRetried += result.commit.conflictsRetried
    } else skipped++
    await options.onBatch?.(result)
  }
  return { committed, skipped, rows, conflictsRetried, lastBatchId }
}
