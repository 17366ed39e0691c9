/**
 * Conflict detection between a pending transaction and one commit that won the race for its
 * version (Delta's optimistic concurrency control). Pure: no I/O.
 *
 * Rules, checked in this order (the first that fires throws):
 * 1. **Protocol**: the winner wrote a `protocol` action → `ProtocolChangedError`. (Delta Spark
 *    lets some upgrades through; this kernel does not try to prove an upgrade harmless.)
 * 2. **Metadata**: the winner wrote a `metaData` action → `MetadataChangedError` (whether or not
 *    this transaction changes metadata too).
 * 3. **Domain metadata**: the winner wrote a `domainMetadata` action for a domain this
 *    transaction also writes → `ConcurrentTransactionError` (PROTOCOL.md: "two overlapping
 *    transactions conflict if they both contain a domain metadata action for the same domain").
 * 4. **Application transactions**: the winner wrote a `txn` for an `appId` this transaction
 *    sets or read → `ConcurrentTransactionError` (e.g. two instances of one streaming job).
 * 5. **Concurrent appends**: files the winner added (any `dataChange`, as Delta Spark) that this
 *    transaction should have read → `ConcurrentAppendError`. A blind append (only adds, nothing read) never
 *    conflicts. Which winner files count depends on the isolation level:
 *    - `Serializable`: every added file;
 *    - `WriteSerializable` (the default): added files of winners that are not blind appends
 *      (`commitInfo.isBlindAppend` not true); every added file if this transaction changes
 *      metadata.
 *    A counted file conflicts when this transaction read the whole table, or read any partition
 *    predicate of an unpartitioned table, or one of its partition predicates selects the file's
 *    partition values (parsed with the partition schema as of the read snapshot). Reading
 *    individual files only (a connector's `removeFiles`) does not make appends conflict.
 * 6. **Delete vs read**: the winner removed a file this transaction read, or removed any file
 *    while this transaction read the whole table → `ConcurrentDeleteReadError`.
 * 7. **Delete vs delete**: the winner removed a file this transaction also removes →
 *    `ConcurrentDeleteDeleteError`.
 * Paths are compared exactly as written in the log, without the DV id of the (path, DV id) key the
 * log reconciles by: a winner that removed a path at any DV (a DV delete re-adds the path with a
 * new DV) changed rows this transaction read or removes, so comparing paths alone is the stricter
 * rule, and with one snapshot both sides can only name the path's one live DV anyway.
 *
 * @packageDocumentation
 */
import {
  ConcurrentAppendError,
  ConcurrentDeleteDeleteError,
  ConcurrentDeleteReadError,
  ConcurrentTransactionError,
  MetadataChangedError,
  ProtocolChangedError,
} from '../errors.js'
import type { Action, Add, CommitInfo } from '../protocol/actions.js'
import type { StructType } from '../protocol/schema-types.js'
import { type PartitionPredicate, selectsFile } from './predicate.js'

/** Isolation level of a write (Delta's `delta.isolationLevel`). */
export type IsolationLevel = 'Serializable' | 'WriteSerializable'

/** What a pending transaction read and writes, as far as conflict detection cares. */
export interface ConflictScope {
  readonly isolationLevel: IsolationLevel
  /** Only adds with dataChange, no removes, nothing read. */
  readonly isBlindAppend: boolean
  /** The transaction writes a `metaData` action. */
  readonly metadataChanged: boolean
  /** The transaction read every file of the table. */
  readonly readWholeTable: boolean
  /** Partition predicates the transaction read by. */
  readonly readPredicates: readonly PartitionPredicate[]
  /** Paths (as in the log) of files the transaction read. */
  readonly readFiles: ReadonlySet<string>
  /** Application ids the transaction sets or read. */
  readonly appIds: ReadonlySet<string>
  /** Paths (as in the log) of files the transaction removes. */
  readonly removedFiles: ReadonlySet<string>
  /** Metadata domains the transaction writes. */
  readonly domains: ReadonlySet<string>
  /** Partition columns of the read snapshot's schema (empty struct when unpartitioned). */
  readonly partitionSchema: StructType
}

function describeWinner(version: number, info: CommitInfo | undefined): string {
  const op = typeof info?.operation === 'string' ? ` (${info.operation})` : ''
  return `concurrent commit ${version}${op}`
}

function partitionText(add: { partitionValues?: Add['partitionValues'] | null }): string {
  const pv = add.partitionValues
  if (!pv || Object.keys(pv).length === 0) return ''
  return ` in partition ${Object.entries(pv).map(([k, v]) => `${k}=${v ?? 'null'}`).join('/')}`
}

/** Throws the error of the first rule (see the module doc) that `winner` breaks for `scope`. */
export function checkWinningCommit(scope: ConflictScope, winnerVersion: number, winner: readonly Action[], tableRoot: string): void {
  let info: CommitInfo | undefined
  for (const a of winner) if (a.kind === 'commitInfo') info = a.commitInfo
  const who = `${tableRoot}: ${describeWinner(winnerVersion, info)}`
  const opts = { winningVersion: winnerVersion }
  for (const a of winner) {
    if (a.kind === 'protocol') throw new ProtocolChangedError(`${who} changed the table protocol; re-read the table and retry`, opts)
  }
  for (const a of winner) {
    if (a.kind === 'metaData') throw new MetadataChangedError(`${who} changed the table metadata; re-read the table and retry`, opts)
  }
  for (const a of winner) {
    if (a.kind === 'domainMetadata' && scope.domains.has(a.domainMetadata.domain)) {
      throw new ConcurrentTransactionError(`${who} also changed metadata domain '${a.domainMetadata.domain}'`, { ...opts, domain: a.domainMetadata.domain })
    }
    if (a.kind === 'txn' && scope.appIds.has(a.txn.appId)) {
      throw new ConcurrentTransactionError(
        `${who} recorded application transaction '${a.txn.appId}' version ${a.txn.version}, which this transaction depends on`,
        { ...opts, appId: a.txn.appId, committedAppVersion: a.txn.version },
      )
    }
  }
  checkAppends(scope, winner, info, who, winnerVersion)
  for (const a of winner) {
    if (a.kind !== 'remove') continue
    if (scope.readFiles.has(a.remove.path) || scope.readWholeTable) {
      throw new ConcurrentDeleteReadError(`${who} removed file ${a.remove.path}${partitionText(a.remove)}, which this transaction read`, opts)
    }
  }
  for (const a of winner) {
    if (a.kind === 'remove' && scope.removedFiles.has(a.remove.path)) {
      throw new ConcurrentDeleteDeleteError(`${who} already removed file ${a.remove.path}${partitionText(a.remove)}, which this transaction removes too`, opts)
    }
  }
}

function checkAppends(scope: ConflictScope, winner: readonly Action[], info: CommitInfo | undefined, who: string, version: number): void {
  if (scope.isBlindAppend) return
  const readsAny = scope.readWholeTable || scope.readPredicates.length > 0
  if (!readsAny) return
  const winnerBlind = info?.isBlindAppend === true
  const counts = scope.isolationLevel === 'Serializable' || scope.metadataChanged || !winnerBlind
  if (!counts) return
  const unpartitioned = scope.partitionSchema.fields.length === 0
  for (const a of winner) {
    if (a.kind !== 'add') continue
    const hit =
      scope.readWholeTable || unpartitioned || scope.readPredicates.some((p) => selectsFile(p, a.add.partitionValues, scope.partitionSchema))
    if (hit) {
      throw new ConcurrentAppendError(`${who} added file ${a.add.path}${partitionText(a.add)}, which this transaction's read should have seen`, {
        winningVersion: version,
      })
    }
  }
}
