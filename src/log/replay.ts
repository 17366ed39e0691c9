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
  /** Live files added by commits, by reconciliation key. */
  readonly adds = new Map<string, Add>()
  /** Tombstones from commits, by reconciliation key. */
  readonly tombstones = new Map<string, Remove>()
  /**
   * Files and tombstones of the checkpoint. A checkpoint is already reconciled (one action per
   * key), so they are kept as arrays: keying a million paths into a Map cost more than decoding
   * them. Commits override them through `adds` / `tombstones`.
   */
  readonly baseAdds: Add[] = []
  readonly baseTombstones: Remove[] = []
  readonly txns = new Map<string, Txn>()
  readonly domains = new Map<string, DomainMetadata>()
  /** commitInfo of the last applied commit (undefined for a checkpoint). */
  lastCommitInfo: CommitInfo | undefined
  /** Version of the latest protocol / metaData action seen (for feature enablement checks). */
  protocolVersion = -1
  metadataVersion = -1

  /** Applies actions read from the checkpoint of version `version`. */
  applyCheckpoint(actions: readonly Action[], version: number): void {
    const rest: Action[] = []
    for (const a of actions) {
      if (a.kind === 'add') this.baseAdds.push(a.add)
      else if (a.kind === 'remove') this.baseTombstones.push(a.remove)
      else rest.push(a)
    }
    if (rest.length > 0) this.apply(rest, version)
  }

  /** Whether a commit after the checkpoint added or removed this key (overriding the checkpoint). */
  #overridden(path: string, dv: Add['deletionVector']): boolean {
    const k = fileKey(path, dv)
    return this.adds.has(k) || this.tombstones.has(k)
  }

  /** The live files: checkpoint files no commit overrode, then files added by commits. */
  liveFiles(): Add[] {
    const touched = this.adds.size + this.tombstones.size > 0
    const base = touched ? this.baseAdds.filter((a) => !this.#overridden(a.path, a.deletionVector)) : this.baseAdds.slice()
    for (const a of this.adds.values()) base.push(a)
    return base
  }

  /** The tombstones, resolved the same way as {@link liveFiles}. */
  liveTombstones(): Remove[] {
    const touched = this.adds.size + this.tombstones.size > 0
    const base = touched ? this.baseTombstones.filter((r) => !this.#overridden(r.path, r.deletionVector)) : this.baseTombstones.slice()
    for (const r of this.tombstones.values()) base.push(r)
    return base
  }

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
