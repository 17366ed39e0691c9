/**
 * The `commitInfo` action this kernel writes first in every commit (PROTOCOL.md "Commit
 * Provenance Information", "In-Commit Timestamps").
 *
 * @packageDocumentation
 */
import type { CommitInfo } from '../protocol/actions.js'

/** Version of this kernel, as written in `commitInfo.engineInfo`. */
export const KERNEL_VERSION = '0.1.0'

/** Default `commitInfo.engineInfo`. */
export const ENGINE_INFO = `delta-kernel/${KERNEL_VERSION}`

/** Fields of one commit's provenance. */
export interface CommitInfoFields {
  /** Wall-clock time of the attempt, ms since the epoch. */
  readonly timestamp: number
  /** In-commit timestamp, when the table has them enabled. */
  readonly inCommitTimestamp?: number
  readonly operation: string
  readonly operationParameters: Readonly<Record<string, unknown>>
  readonly isolationLevel: string
  readonly isBlindAppend: boolean
  readonly engineInfo: string
  readonly txnId: string
  /** Read version of the transaction (absent for table creation). */
  readonly readVersion?: number
  /** Caller-supplied extra fields (user name, job id, ...); never override the ones above. */
  readonly extra?: Readonly<Record<string, unknown>>
}

/**
 * The `commitInfo` object. `inCommitTimestamp` comes first, as Delta Spark writes it, so readers
 * looking for it find it early.
 */
export function buildCommitInfo(f: CommitInfoFields): CommitInfo {
  return {
    ...(f.inCommitTimestamp !== undefined ? { inCommitTimestamp: f.inCommitTimestamp } : {}),
    ...f.extra,
    timestamp: f.timestamp,
    operation: f.operation,
    operationParameters: f.operationParameters,
    ...(f.readVersion !== undefined ? { readVersion: f.readVersion } : {}),
    isolationLevel: f.isolationLevel,
    isBlindAppend: f.isBlindAppend,
    engineInfo: f.engineInfo,
    txnId: f.txnId,
  }
}

/**
 * The in-commit timestamp of a commit attempted at `now` after a commit with timestamp
 * `previous` (PROTOCOL.md: the larger of the attempt time and one millisecond after the previous
 * commit's timestamp).
 */
export function nextInCommitTimestamp(now: number, previous: number | undefined): number {
  return previous === undefined ? now : Math.max(now, previous + 1)
}
