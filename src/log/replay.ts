/**
 * Action reconciliation (PROTOCOL.md "Action Reconciliation") as a pure state machine: feed it the
 * checkpoint's actions, then each commit's in version order, and it holds the table state.
 *
 * - The latest `protocol` and `metaData` win.
 * - Files are keyed by (path, deletion-vector unique id); the newest action for a key wins. A
 *   `remove` drops the live `add` and becomes a tombstone; a later `add` revives the key.
 * - `txn` per appId and `domainMetadata` per domain: latest wins; a `removed` domain is dropped.
 *
 * Forward replay keeps exactly one entry per live file, so a large log is never held twice, and a
 * state can be forked to apply newer commits while the original stays valid (snapshot refresh).
 *
 * @packageDocumentation
 */
import { InvalidArgumentError } from '../errors.js'
import { dvUniqueId } from '../protocol/deletion-vector.js'
import type { Action, Add, CommitInfo, DomainMetadata, Metadata, Protocol, Remove, Txn } from '../protocol/actions.js'
import { BulkFiles } from './bulk-reconcile.js'
import type { CompactAdds } from './compact-adds.js'
import { type FileLayer, arrayBase, emptyLayer, resolveLive, settleLayers } from './file-layers.js'

/** Reconciliation key of a file action: the path plus the DV's unique id. */
export function fileKey(path: string, dv: Add['deletionVector']): string {
  return dv ? `${path}\u0000${dvUniqueId(dv)}` : path
}

const addKey = (a: Add | Remove) => fileKey(a.path, a.deletionVector)

/** Accumulated table state. */
export class ReplayState {
  protocol: Protocol | undefined
  metadata: Metadata | undefined
  /**
   * Files and tombstones of the checkpoint. A checkpoint is already reconciled (one action per
   * key), so they are kept as arrays: keying a million paths into a Map cost more than decoding
   * them. Commits override them through the layers. Shared by forks: filled only before the
   * first commit is applied.
   */
  readonly baseAdds: Add[]
  readonly baseTombstones: Remove[]
  /** Plain checkpoint adds held as columns (see compact-adds.ts); part of the base like `baseAdds`. */
  readonly baseColumns: CompactAdds[]
  /** File actions of commits, newest layer last; only the last is written (see file-layers.ts). */
  #layers: FileLayer[] = [emptyLayer()]
  /** File actions collected by `applyBulk`, not yet reconciled. */
  #bulk: BulkFiles | undefined
  /** Set once a fork shares this state's layers: applying more would change the fork too. */
  #shared = false
  txns = new Map<string, Txn>()
  domains = new Map<string, DomainMetadata>()
  /** commitInfo of the last applied commit (undefined for a checkpoint). */
  lastCommitInfo: CommitInfo | undefined
  /** Version of the latest protocol / metaData action seen (for feature enablement checks). */
  protocolVersion = -1
  metadataVersion = -1

  /** An empty state, or (internal, see {@link fork}) one sharing the checkpoint arrays of `from`. */
  constructor(from?: ReplayState) {
    this.baseAdds = from?.baseAdds ?? []
    this.baseTombstones = from?.baseTombstones ?? []
    this.baseColumns = from?.baseColumns ?? []
  }

  /** Live files added by the commits applied to this state (the layer `apply` writes). */
  get adds(): Map<string, Add> {
    return this.#layers[this.#layers.length - 1]!.adds
  }

  /** Tombstones from the commits applied to this state (the layer `apply` writes). */
  get tombstones(): Map<string, Remove> {
    return this.#layers[this.#layers.length - 1]!.tombstones
  }

  /** Number of layers (for tests of the sharing policy). */
  get depth(): number {
    return this.#layers.length
  }

  /**
   * A copy to apply newer commits to, leaving this state unchanged. Shares the checkpoint arrays
   * and every commit layer (written to no more: this state becomes read-only); copies only the
   * txn and domain maps, which stay small.
   */
  fork(): ReplayState {
    this.endBulk()
    this.#shared = true
    const next = new ReplayState(this)
    next.protocol = this.protocol
    next.metadata = this.metadata
    next.txns = new Map(this.txns)
    next.domains = new Map(this.domains)
    next.protocolVersion = this.protocolVersion
    next.metadataVersion = this.metadataVersion
    next.#layers = [...this.#layers, emptyLayer()]
    return next
  }

  /** Merges commit layers after a batch of `apply` calls (cheap; see {@link settleLayers}). */
  settle(): void {
    this.#layers = settleLayers(this.#layers)
  }

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

  /**
   * {@link apply} for a replay from version 0 (no checkpoint): file actions are collected and
   * reconciled by {@link endBulk} into the base arrays, which costs far less than keying each into
   * a layer (see bulk-reconcile.ts). Other actions apply at once. Falls back to `apply` on a
   * state that already holds files.
   */
  applyBulk(actions: readonly Action[], version: number): void {
    const top = this.#layers[this.#layers.length - 1]!
    if (!this.#bulk && (this.baseAdds.length + this.baseTombstones.length + this.baseColumns.length > 0 || this.#layers.length > 1 || top.adds.size + top.tombstones.size > 0)) {
      this.apply(actions, version)
      return
    }
    const bulk = (this.#bulk ??= new BulkFiles())
    const rest: Action[] = []
    for (const a of actions) {
      if (a.kind === 'add') bulk.push(a.add, true, fileKey(a.add.path, a.add.deletionVector))
      else if (a.kind === 'remove') bulk.push(a.remove, false, fileKey(a.remove.path, a.remove.deletionVector))
      else rest.push(a)
    }
    if (rest.length > 0) this.#applyAll(rest, version)
  }

  /** Reconciles the file actions collected by {@link applyBulk}. */
  endBulk(): void {
    const bulk = this.#bulk
    if (!bulk) return
    this.#bulk = undefined
    bulk.reconcileInto(this.baseAdds, this.baseTombstones)
  }

  /** The live files: checkpoint files no commit overrode, then files added by commits. */
  liveFiles(): Add[] {
    return resolveLive([...this.baseColumns, arrayBase(this.baseAdds, addKey)], this.#layers, (l) => l.adds)
  }

  /** The tombstones, resolved the same way as {@link liveFiles}. */
  liveTombstones(): Remove[] {
    return resolveLive([arrayBase(this.baseTombstones, addKey)], this.#layers, (l) => l.tombstones)
  }

  /**
   * Applies one commit's (or a checkpoint's) actions. `version` is the commit version, or the
   * checkpoint version for checkpoint actions.
   */
  apply(actions: readonly Action[], version: number): void {
    if (this.#bulk) throw new InvalidArgumentError('ReplayState.apply: call endBulk() before apply() after applyBulk()')
    this.#applyAll(actions, version)
  }

  #applyAll(actions: readonly Action[], version: number): void {
    if (this.#shared) throw new InvalidArgumentError('ReplayState.apply: this state is shared by a fork and is read-only; apply to the fork')
    const layer = this.#layers[this.#layers.length - 1]!
    for (const a of actions) {
      switch (a.kind) {
        case 'add': {
          const key = fileKey(a.add.path, a.add.deletionVector)
          layer.adds.set(key, a.add)
          layer.tombstones.delete(key)
          break
        }
        case 'remove': {
          const key = fileKey(a.remove.path, a.remove.deletionVector)
          layer.adds.delete(key)
          layer.tombstones.set(key, a.remove)
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
