/**
 * The post-commit checkpoint hook: after commit N, write a checkpoint when N is a multiple of
 * `delta.checkpointInterval` (default 10). The commit has already succeeded when this runs, so
 * the hook never throws: a failure is returned (and passed to `onError`) for the caller to report.
 *
 * @packageDocumentation
 */
import type { Metadata } from '../protocol/actions.js'
import type { Snapshot } from '../snapshot.js'
import type { Table } from '../table.js'
import { type CheckpointOptions, type CheckpointResult, checkpoint } from './checkpoint-write.js'
import { checkpointInterval } from './retention.js'

/** Options of {@link maybeCheckpoint}. */
export interface MaybeCheckpointOptions extends Omit<CheckpointOptions, 'version'> {
  /** The snapshot at the committed version, if the caller has it (saves a log replay). */
  readonly snapshot?: Snapshot
  /**
   * An earlier snapshot of the table (e.g. the one the transaction read): when a checkpoint is
   * due, the committed version is reached by refreshing it (reading only the commits since)
   * instead of loading afresh.
   */
  readonly from?: Snapshot
  /** The table metadata after the commit, to read the interval without loading a snapshot. */
  readonly metadata?: Metadata
  /** Called with the error when writing the checkpoint fails. */
  readonly onError?: (error: unknown) => void
}

/** Outcome of {@link maybeCheckpoint}. */
export type MaybeCheckpointResult =
  | { readonly status: 'skipped' }
  | { readonly status: 'written'; readonly checkpoint: CheckpointResult }
  | { readonly status: 'failed'; readonly error: unknown }

/** Whether commit `version` is due a checkpoint under `interval`. */
export function checkpointDue(version: number, interval: number): boolean {
  return version > 0 && version % interval === 0
}

/**
 * Post-commit hook: checkpoints `committedVersion` when it is due. Never rejects. Call it after a
 * successful commit, with the post-commit metadata or snapshot when at hand.
 */
export async function maybeCheckpoint(table: Table, committedVersion: number, options: MaybeCheckpointOptions = {}): Promise<MaybeCheckpointResult> {
  try {
    let snapshot = options.snapshot?.version === committedVersion ? options.snapshot : undefined
    const metadata = snapshot?.metadata ?? options.metadata ?? (snapshot = await table.snapshot({ version: committedVersion, signal: options.signal })).metadata
    if (!checkpointDue(committedVersion, checkpointInterval(metadata))) return { status: 'skipped' }
    snapshot ??= await table.snapshot({ version: committedVersion, signal: options.signal, ...(options.from ? { from: options.from } : {}) })
    return { status: 'written', checkpoint: await checkpoint(snapshot, options) }
  } catch (error) {
    try {
      options.onError?.(error)
    } catch {
      // A failing reporter must not fail the commit either.
    }
    return { status: 'failed', error }
  }
}
