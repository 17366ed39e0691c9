/**
 * The commit point: put-if-absent of `_delta_log/N.json`, and the retry loop around it.
 *
 * Every case the loop can meet, and what it does:
 * - **created**: the commit is version N. Done.
 * - **exists**: another writer won version N. Read the winners N, N+1, ... up to the latest; a
 *   winner whose `commitInfo.txnId` is ours means an earlier attempt of ours landed after all
 *   (see the next case): done, at that version. Otherwise the pending commit checks each winner
 *   (`rebase`, which throws a `ConcurrentModificationError` on a logical conflict) and the loop
 *   tries again at once at the first free version; storage errors retry after a jittered backoff.
 * - **the put throws a `StorageError`**: whether the object was written is unknown. The loop
 *   backs off and puts again at the same version; if that says "exists", the winner check above
 *   reads N and compares transaction ids, so our own landed write is recognised and never
 *   reported as a conflict or committed twice.
 * - **reading a winner throws a `StorageError`**: back off and retry the same way.
 * - **budget exhausted**: `CommitFailedError` with the last storage error as its cause. If that
 *   error came from a put, the message says the outcome is unknown.
 * Any other error (conflict, abort, malformed log) ends the loop at once.
 *
 * @packageDocumentation
 */
import { type CommitCoordinator, resolveCommitPut } from '../engine/commit-coordinator.js'
import type { Engine } from '../engine/engine.js'
import { CommitFailedError, StorageError, VersionNotFoundError, throwIfAborted } from '../errors.js'
import { readCommitActions } from '../log/commit-read.js'
import { commitFileName, logDir } from '../log/log-files.js'
import type { Action } from '../protocol/actions.js'
import { type RetryPolicy, backoffDelay, resolveRetryPolicy } from './retry.js'

/** A commit that another writer made first. */
export interface WinningCommit {
  readonly version: number
  readonly actions: readonly Action[]
  /** Modification time of the winner's commit file (one extra request; only ask when needed). */
  fileTimestamp(): Promise<number>
}

/** What the retry loop needs from a pending commit. */
export interface PendingCommitSource {
  /** Unique id of this transaction, written as `commitInfo.txnId`. */
  readonly txnId: string
  /** The bytes of the commit file if it becomes version `version`. */
  encode(version: number): Uint8Array
  /** Checks one winning commit and adapts to it; throws `ConcurrentModificationError` on a conflict. */
  rebase(winner: WinningCommit): void | Promise<void>
}

/** Result of a successful commit. */
export interface CommitOutcome {
  /** The table version this commit became. */
  readonly version: number
  /** Put attempts made, the successful one included. */
  readonly attempts: number
  /** How many times the commit was rebased over concurrent winners. */
  readonly conflictsRetried: number
}

/** Options of {@link commitWithRetry}. */
export interface CommitLoopOptions {
  readonly retry?: RetryPolicy
  readonly signal?: AbortSignal
  /** Commits go through this (else `engine.commitCoordinator`, else put-if-absent): see `engine/commit-coordinator.ts`. */
  readonly commitCoordinator?: CommitCoordinator
}

function txnIdOf(actions: readonly Action[]): unknown {
  for (const a of actions) if (a.kind === 'commitInfo') return a.commitInfo.txnId
  return undefined
}

/**
 * Commits `source` as version `firstVersion` or, after rebasing over concurrent winners, a later
 * one. Refuses stores without an atomic put-if-absent. See the module doc for every case.
 */
export async function commitWithRetry(
  engine: Engine,
  tableRoot: string,
  firstVersion: number,
  source: PendingCommitSource,
  options: CommitLoopOptions = {},
): Promise<CommitOutcome> {
  const { signal } = options
  // --- Commit-point gate (object-store engines' hook, see engine/commit-coordinator.ts): a
  // coordinator if one is plugged in; else refuse stores without atomic put-if-absent, and probe
  // once those whose conditional writes depend on the server (S3) before trusting them.
  const commitPut = await resolveCommitPut(engine, tableRoot, { coordinator: options.commitCoordinator, signal })
  // --- end of gate
  const policy = resolveRetryPolicy(options.retry)
  const dir = logDir(tableRoot)
  let version = firstVersion
  let conflictsRetried = 0
  let lastError: unknown
  let putOutcomeUnknown = false
  // Backoff is for storage errors. After losing a race the rebase has just read every winner up to
  // the first free version, so waiting only lets more writers take it: retry at once.
  let storageFailures = 0
  let lastWasStorageError = false
  for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
    if (lastWasStorageError) await policy.sleep(backoffDelay(storageFailures, policy), signal)
    lastWasStorageError = false
    throwIfAborted(signal)
    try {
      const location = dir + commitFileName(version)
      const bytes = source.encode(version)
      let status: 'created' | 'exists'
      try {
        status = await commitPut(location, version, bytes)
      } catch (e) {
        if (e instanceof StorageError) putOutcomeUnknown = true
        throw e
      }
      if (status === 'created') return { version, attempts: attempt, conflictsRetried }
      const landed = await readWinners(engine, tableRoot, version, source, signal)
      if (landed.ours !== undefined) return { version: landed.ours, attempts: attempt, conflictsRetried }
      putOutcomeUnknown = false
      version = landed.next
      conflictsRetried++
    } catch (e) {
      if (!(e instanceof StorageError)) throw e
      lastError = e
      storageFailures++
      lastWasStorageError = true
    }
  }
  const unknown = putOutcomeUnknown
    ? ' The last put failed with a storage error, so whether it was written is unknown: re-read the table and look for this transaction id before retrying.'
    : ''
  throw new CommitFailedError(
    `${tableRoot}: commit (txnId ${source.txnId}) not made after ${policy.maxAttempts} attempts; last version tried ${version}.${unknown}`,
    { attempts: policy.maxAttempts, cause: lastError },
  )
}

/**
 * Reads the winners from `from` on, until the first missing version. Returns the version of our
 * own commit if one of them is ours, else the first free version after rebasing over each.
 */
async function readWinners(
  engine: Engine,
  tableRoot: string,
  from: number,
  source: PendingCommitSource,
  signal: AbortSignal | undefined,
): Promise<{ ours?: number; next: number }> {
  let v = from
  for (;;) {
    throwIfAborted(signal)
    let actions: Action[]
    try {
      actions = await readCommitActions(engine, tableRoot, v, { signal })
    } catch (e) {
      // The put said N exists; a missing N here means a store that lied: let the loop retry.
      if (e instanceof VersionNotFoundError) {
        if (v === from) throw new StorageError(`${tableRoot}: put-if-absent reported version ${v} as existing, but it cannot be read`, { cause: e })
        return { next: v }
      }
      throw e
    }
    if (txnIdOf(actions) === source.txnId) return { ours: v, next: v + 1 }
    const version = v
    const location = logDir(tableRoot) + commitFileName(v)
    await source.rebase({
      version,
      actions,
      fileTimestamp: async () => (await engine.fileSystem.head(location, { signal })).lastModified,
    })
    v++
  }
}
