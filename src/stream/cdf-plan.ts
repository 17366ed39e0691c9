/**
 * Planning a change data feed: the change files of one commit (PROTOCOL.md "Add CDC File",
 * "Reader Requirements for AddCDCFile"), as plain values.
 * 1. A commit with `cdc` actions: its changes are exactly the rows of those files, each with its
 *    own `_change_type` column; the commit's `add` and `remove` actions are ignored.
 * 2. Otherwise `add` actions with `dataChange = true` are inserts and `remove` actions with
 *    `dataChange = true` are deletes: every row live in that logical file (its deletion vector
 *    applied). `dataChange = false` actions (compaction, stats) are not changes.
 * 3. A `remove` and an `add` of the same path in one commit are one data file whose deletion
 *    vector changed: rows the new DV deletes and the old did not are deletes, and rows the old DV
 *    deleted and the new does not (restored) are inserts; rows in both or neither did not change.
 *
 * @packageDocumentation
 */
import type { Action, DeletionVectorDescriptor, PartitionValues } from '../protocol/actions.js'

/** The `_change_type` values of the change data feed. */
export type ChangeType = 'insert' | 'delete' | 'update_preimage' | 'update_postimage'

/** One file to read for the change data feed. */
export type ChangeFile =
  /** A change data file: rows carry their own `_change_type`. */
  | { readonly kind: 'cdc'; readonly path: string; readonly size: number; readonly partitionValues: PartitionValues }
  /** Every live row of a logical file (under `deletionVector`) is one change of `changeType`. */
  | {
      readonly kind: 'whole'
      readonly changeType: 'insert' | 'delete'
      readonly path: string
      readonly size: number
      readonly partitionValues: PartitionValues
      readonly deletionVector: DeletionVectorDescriptor | null
    }
  /**
   * Rows whose deletion state differs between two DVs of one data file: with `changeType`
   * `delete`, rows `after` deletes and `before` did not; with `insert`, the reverse.
   */
  | {
      readonly kind: 'dvDiff'
      readonly changeType: 'insert' | 'delete'
      readonly path: string
      readonly size: number
      readonly partitionValues: PartitionValues
      readonly before: DeletionVectorDescriptor | null
      readonly after: DeletionVectorDescriptor | null
    }

/** The change files of one commit's actions, in a fixed order (cdc, then removes, then adds). */
export function changeFilesOfCommit(actions: readonly Action[]): ChangeFile[] {
  const cdc: ChangeFile[] = []
  for (const a of actions) {
    if (a.kind === 'cdc') cdc.push({ kind: 'cdc', path: a.cdc.path, size: a.cdc.size, partitionValues: a.cdc.partitionValues })
  }
  if (cdc.length > 0) return cdc
  const removes = new Map<string, Extract<Action, { kind: 'remove' }>['remove']>()
  const addedPaths = new Set<string>()
  for (const a of actions) {
    if (a.kind === 'remove' && a.remove.dataChange) removes.set(a.remove.path, a.remove)
    if (a.kind === 'add' && a.add.dataChange) addedPaths.add(a.add.path)
  }
  const out: ChangeFile[] = []
  for (const r of removes.values()) {
    if (addedPaths.has(r.path)) continue // paired with an add: a DV change, planned below
    out.push({
      kind: 'whole',
      changeType: 'delete',
      path: r.path,
      size: r.size ?? 0,
      partitionValues: r.partitionValues ?? {},
      deletionVector: r.deletionVector ?? null,
    })
  }
  for (const a of actions) {
    if (a.kind !== 'add' || !a.add.dataChange) continue
    const add = a.add
    const removed = removes.get(add.path)
    if (!removed) {
      out.push({ kind: 'whole', changeType: 'insert', path: add.path, size: add.size, partitionValues: add.partitionValues, deletionVector: add.deletionVector ?? null })
      continue
    }
    const before = removed.deletionVector ?? null
    const after = add.deletionVector ?? null
    const common = { path: add.path, size: add.size, partitionValues: add.partitionValues, before, after }
    out.push({ kind: 'dvDiff', changeType: 'delete', ...common }, { kind: 'dvDiff', changeType: 'insert', ...common })
  }
  return out
}
