/**
 * How a commit file reaches storage: through the store's own atomic put-if-absent, or through a
 * {@link CommitCoordinator} for stores that have none (or whose conditional writes cannot be
 * trusted), such as a lock table beside an object store.
 *
 * The commit path (`src/txn/commit.ts`) asks {@link resolveCommitPut} once per commit, before its
 * retry loop, and then puts every attempt through the function it returns:
 * 1. a coordinator (from the commit options, else `engine.commitCoordinator`) takes every
 *    commit, whatever the store's capabilities;
 * 2. otherwise a store with `capabilities.atomicPutIfAbsent === false` is refused with
 *    `CommitFailedError`;
 * 3. otherwise a store that asks for it (`capabilities.verifyPutIfAbsent`, set by the S3 engine,
 *    whose guarantee depends on the server honouring `If-None-Match: *`) is probed once with
 *    {@link verifyPutIfAbsent}; a store that overwrote the probe is refused with
 *    `CommitFailedError`;
 * 4. otherwise `fileSystem.putIfAbsent` is the commit point.
 *
 * Runtime-neutral: no `node:*` imports.
 *
 * @packageDocumentation
 */
import { CommitFailedError } from '../errors.js'
import type { Engine } from './engine.js'
import { probeLocationPrefix, verifyPutIfAbsent, type VerifiableCapabilities } from './put-if-absent-probe.js'

/**
 * Makes commit `version` of a table exactly once, for stores without a trustworthy atomic
 * put-if-absent. Contract: of any number of concurrent calls for one `(tableRoot, version)`, from
 * any process or machine, exactly one resolves `'committed'` and every other `'exists'`; after
 * `'committed'` resolves, `tableRoot/_delta_log/<version>.json` is readable with exactly `bytes`
 * through the table's file system (the coordinator writes it, or has written it, itself). A
 * failure whose outcome is unknown must throw `StorageError`: the commit loop then re-reads the
 * version and recognises its own commit by transaction id.
 */
export interface CommitCoordinator {
  /** Commits `bytes` as version `version` of the table at `tableRoot` (a URL ending in `/`). */
  commit(
    tableRoot: string,
    version: number,
    bytes: Uint8Array,
    options?: { readonly signal?: AbortSignal },
  ): Promise<'committed' | 'exists'>
}

/**
 * An engine that may carry a commit coordinator. (Structural, so any `Engine` object can add the
 * field; the kernel reads it only on the commit path.)
 */
export interface CoordinatedEngine extends Engine {
  /** Commits go through this instead of `fileSystem.putIfAbsent` when set. */
  readonly commitCoordinator?: CommitCoordinator
}

/** Puts one attempt of a commit file; "already exists" is a value, as with `putIfAbsent`. */
export type CommitPut = (location: string, version: number, bytes: Uint8Array) => Promise<'created' | 'exists'>

/** Options of {@link resolveCommitPut}. */
export interface ResolveCommitPutOptions {
  /** Overrides `engine.commitCoordinator`. */
  readonly coordinator?: CommitCoordinator
  readonly signal?: AbortSignal
}

/**
 * Decides how commits to `tableRoot` reach storage (see the module doc for the order of the
 * rules) and returns the put to use. Throws `CommitFailedError` for a store that cannot commit
 * safely; may throw `StorageError` if the one-time probe cannot reach the store.
 */
export async function resolveCommitPut(
  engine: Engine,
  tableRoot: string,
  options: ResolveCommitPutOptions = {},
): Promise<CommitPut> {
  const { signal } = options
  const coordinator = options.coordinator ?? (engine as CoordinatedEngine).commitCoordinator
  if (coordinator) {
    return async (_location, version, bytes) =>
      (await coordinator.commit(tableRoot, version, bytes, { signal })) === 'committed' ? 'created' : 'exists'
  }
  const fs = engine.fileSystem
  const caps: VerifiableCapabilities = fs.capabilities
  if (!caps.atomicPutIfAbsent) {
    throw new CommitFailedError(
      `${tableRoot}: the storage engine has no atomic put-if-absent (capabilities.atomicPutIfAbsent is false) and no commit coordinator is plugged in; committing through it could silently overwrite a concurrent commit`,
    )
  }
  if (caps.verifyPutIfAbsent && !(await verifyPutIfAbsent(fs, tableRoot, { signal }))) {
    throw new CommitFailedError(
      `${tableRoot}: the store does not honour conditional writes: a second put-if-absent of the probe object ${tableRoot}_delta_log/${probeLocationPrefix}<uuid> was accepted (expected "exists"), so concurrent commits could silently overwrite each other. Use a store with conditional PUT support (If-None-Match: *) or plug in a commit coordinator`,
    )
  }
  return async (location, _version, bytes) => (await fs.putIfAbsent(location, bytes, { signal })).status
}
