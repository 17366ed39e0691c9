/**
 * Action reconciliation (PROTOCOL.md "Action Reconciliation") as a pure state machine: feed it the
 * checkpoint's actions, then each commit's in version order, and it holds the table state.
 *
 * - The latest `protocol` and `metaData` win.
 * - Files are keyed by (path, deletion-vector unique id); the newest action for a key wins. A
 *   `remove` drops the live `add` and becomes a tombstone; a later `add` revives the key.
 * - `txn` per appId and `domainMetadata` per domain: latest wins; a `removed` domain is dropped.
 *
 * Forward replay keeps exactly one entry per live file, so a large log is never held twice.
 *
 * @packageDocumentation
 */
import { dvUniqueId } from '../protocol/deletion-vector.js'
import type { Action, Add, CommitInfo, DomainMetadata, Metadata, Protocol, Remove, Txn } from '../protocol/actions.js'

/** Reconciliation key of a file action: the path plus the DV's unique id. */
export function fileKey(path: string, dv: Add['deletionVector']): string {
  return dv ? `${path}\u0000${dvUniqueId(dv)}` : path
}

/** Accumulated table state. */
export class ReplayState {
  protocol: Protocol | undefined
  metadata: Metadata | undefined
  /** Live files by reconciliation key. */
  readonly adds = new Map<string, Add>()
  /** Tombstones by reconciliation key. */
  readonly tombstones = new Map<string, Remove>()
  readonly txns = new Map<string, Txn>()
  readonly domains = new Map<string, DomainMetadata>()
  /** commitInfo of the last applied commit (undefined for a checkpoint). */
  lastCommitInfo: CommitInfo | undefined
  /** Version of the latest protocol / metaData action seen (for feature enablement checks). */
  protocolVersion = -1
  metadataVersion = -1

  /**
   * Applies one commit's (or a checkpoint's) actions. `version` is the commit version, or the
   * checkpoint version for checkpoint actions.
   */
  apply(actions: readonly Action[], version: number): void {
    for (const a of actions) {
      switch (a.kind) {
        case 'add': {
          const key = fileKey(a.add.path, a.add.deletionVector)
          this.adds.set(key, a.add)
          this.tombstones.delete(key)
          break
        }
        case 'remove': {
          const key = fileKey(a.remove.path, a.remove.deletionVector)
          this.adds.delete(key)
          this.tombstones.set(key, a.remove)
          break
        }
        case 'protocol':
          this.protocol = a.protocol
          this.protocolVersion = version
          break
        case 'metaData':
          this.metadata = a.metaData
          this.metadataVersion = version
          break
        case 'txn':
          this.txns.set(a.txn.appId, a.txn)
          break
        case 'domainMetadata':
          if (a.domainMetadata.removed) this.domains.delete(a.domainMetadata.domain)
          else this.domains.set(a.domainMetadata.domain, a.domainMetadata)
          break
        case 'commitInfo':
          this.lastCommitInfo = a.commitInfo
          break
        default:
          // cdc, checkpointMetadata and sidecar do not change the table state.
          break
      }
    }
  }
}
