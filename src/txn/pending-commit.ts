/**
 * A staged transaction turned into what the commit loop needs: the commit file for any version
 * (actions in a fixed order, `commitInfo` first, in-commit timestamp and enablement properties
 * recomputed per attempt) and the rebase over a winning commit (conflict rules, then the
 * in-commit timestamp floor moves past the winner's).
 *
 * @packageDocumentation
 */
import type { Action, Add, AddCdcFile, DomainMetadata, Metadata, Protocol, Remove, Txn } from '../protocol/actions.js'
import { serializeActions } from '../protocol/actions.js'
import { buildCommitInfo, nextInCommitTimestamp } from './commit-info.js'
import type { PendingCommitSource, WinningCommit } from './commit.js'
import { type ConflictScope, checkWinningCommit } from './conflicts.js'

/** Everything staged, ready to be encoded. */
export interface StagedCommit {
  readonly tableRoot: string
  readonly txnId: string
  readonly readVersion: number
  /** Metadata as read (decides whether this commit newly enables in-commit timestamps). */
  readonly readMetadata: Metadata
  /** Commit timestamp of the read version (in-commit timestamp or file time). */
  readonly readTimestamp: number
  readonly protocol: Protocol | undefined
  readonly metadata: Metadata | undefined
  readonly domains: readonly DomainMetadata[]
  readonly txns: readonly Txn[]
  readonly removes: readonly Remove[]
  readonly adds: readonly Add[]
  /** Change data files (CDF tables: the rows a row-level delete removed). */
  readonly cdc?: readonly AddCdcFile[]
  readonly scope: ConflictScope
  readonly operation: string
  readonly operationParameters: Readonly<Record<string, unknown>>
  readonly engineInfo: string
  readonly extraCommitInfo: Readonly<Record<string, unknown>> | undefined
  readonly now: () => number
}

const ictEnabled = (m: Metadata) => m.configuration['delta.enableInCommitTimestamps']?.toLowerCase() === 'true'

/** The commit loop's view of a staged commit. */
export function pendingCommit(s: StagedCommit): PendingCommitSource {
  const effective = s.metadata ?? s.readMetadata
  const ict = ictEnabled(effective)
  const enablesIct = ict && !ictEnabled(s.readMetadata)
  let previous = s.readTimestamp
  const encode = (version: number): Uint8Array => {
    const now = s.now()
    const inCommitTimestamp = ict ? nextInCommitTimestamp(now, previous) : undefined
    let meta = s.metadata
    if (enablesIct) {
      // PROTOCOL.md "In-Commit Timestamps" 4: a table with earlier commits records where ICT starts.
      meta = {
        ...effective,
        configuration: {
          ...effective.configuration,
          'delta.inCommitTimestampEnablementVersion': String(version),
          'delta.inCommitTimestampEnablementTimestamp': String(inCommitTimestamp),
        },
      }
    }
    const commitInfo = buildCommitInfo({
      timestamp: now,
      ...(inCommitTimestamp !== undefined ? { inCommitTimestamp } : {}),
      operation: s.operation,
      operationParameters: s.operationParameters,
      readVersion: s.readVersion,
      isolationLevel: s.scope.isolationLevel,
      isBlindAppend: s.scope.isBlindAppend,
      engineInfo: s.engineInfo,
      txnId: s.txnId,
      ...(s.extraCommitInfo ? { extra: s.extraCommitInfo } : {}),
    })
    const actions: Action[] = [{ kind: 'commitInfo', commitInfo }]
    if (s.protocol) actions.push({ kind: 'protocol', protocol: s.protocol })
    if (meta) actions.push({ kind: 'metaData', metaData: meta })
    for (const d of s.domains) actions.push({ kind: 'domainMetadata', domainMetadata: d })
    for (const t of s.txns) actions.push({ kind: 'txn', txn: t })
    for (const r of s.removes) actions.push({ kind: 'remove', remove: r })
    for (const a of s.adds) actions.push({ kind: 'add', add: a })
    for (const c of s.cdc ?? []) actions.push({ kind: 'cdc', cdc: c })
    return new TextEncoder().encode(serializeActions(actions))
  }
  const rebase = async (winner: WinningCommit): Promise<void> => {
    checkWinningCommit(s.scope, winner.version, winner.actions, s.tableRoot)
    if (!ict) return
    let t: unknown
    for (const a of winner.actions) if (a.kind === 'commitInfo') t = a.commitInfo.inCommitTimestamp
    // A winner without an in-commit timestamp predates enablement: its file time is the floor (rule 5).
    const winnerTs = typeof t === 'number' ? t : await winner.fileTimestamp()
    previous = Math.max(previous, winnerTs)
  }
  return { txnId: s.txnId, encode, rebase }
}
