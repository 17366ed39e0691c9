/**
 * Which files of a commit a streaming source delivers, following Spark's Delta source:
 * - `add` actions with `dataChange = true` are new data; `dataChange = false` ones (OPTIMIZE,
 *   checkpoint-like rewrites) carry no new rows and are skipped, as are their removes.
 * - A commit with a `remove` whose `dataChange = true` deleted or rewrote rows, which an
 *   append-only stream cannot express. By default the source fails with `StreamDataChangedError`.
 *   `skipChangeCommits` skips such commits whole; `ignoreDeletes` skips commits that only remove
 *   (and still fails on rewrites); `ignoreChanges` also delivers the rewritten files' adds (their
 *   unchanged rows come again: downstream must tolerate duplicates).
 * - A `protocol` action must be readable by this kernel; a `metaData` action that changes the
 *   schema or the partition columns is a schema change (see the source's `schemaChanges` option).
 *
 * @packageDocumentation
 */
import { StreamDataChangedError } from '../errors.js'
import type { Action, Add, Metadata } from '../protocol/actions.js'
import { checkReadSupported } from '../protocol/features.js'

/** How a source treats commits that remove data (see the module doc). */
export interface ChangePolicy {
  readonly ignoreDeletes?: boolean
  readonly ignoreChanges?: boolean
  readonly skipChangeCommits?: boolean
}

/** What a commit means to a stream. */
export interface AdmittedCommit {
  /** Adds to deliver, in log order (offsets index into this list). */
  readonly adds: readonly Add[]
  /** New metadata of the commit, if it has a `metaData` action. */
  readonly metadata: Metadata | undefined
  /** Whether the commit was skipped as a change commit (`skipChangeCommits`). */
  readonly skipped: boolean
}

/** Whether two metadata actions give the same readable shape (schema and partitioning). */
export function sameShape(a: Metadata, b: Metadata): boolean {
  return a.schemaString === b.schemaString && JSON.stringify(a.partitionColumns) === JSON.stringify(b.partitionColumns)
}

/** Classifies the actions of commit `version`; throws `StreamDataChangedError` per the policy. */
export function admitCommit(tableRoot: string, version: number, actions: readonly Action[], policy: ChangePolicy): AdmittedCommit {
  const adds: Add[] = []
  let removes = 0
  let metadata: Metadata | undefined
  for (const a of actions) {
    if (a.kind === 'add' && a.add.dataChange) adds.push(a.add)
    else if (a.kind === 'remove' && a.remove.dataChange) removes++
    else if (a.kind === 'metaData') metadata = a.metaData
    else if (a.kind === 'protocol') checkReadSupported(a.protocol, `${tableRoot} version ${version}`, metadata)
  }
  if (removes === 0) return { adds, metadata, skipped: false }
  if (policy.skipChangeCommits) return { adds: [], metadata, skipped: true }
  if (adds.length > 0) {
    if (policy.ignoreChanges) return { adds, metadata, skipped: false }
    throw new StreamDataChangedError(
      `${tableRoot}: commit ${version} rewrites data (${removes} file(s) removed and ${adds.length} added with dataChange=true, e.g. UPDATE, MERGE or DELETE with rewrites); a streaming read expects appends only. Set skipChangeCommits to skip such commits, or ignoreChanges to also deliver the rewritten files`,
      { version, change: 'update' },
    )
  }
  if (policy.ignoreDeletes || policy.ignoreChanges) return { adds, metadata, skipped: false }
  throw new StreamDataChangedError(
    `${tableRoot}: commit ${version} deletes data (${removes} file(s) removed with dataChange=true); a streaming read expects appends only. Set ignoreDeletes or skipChangeCommits to read on`,
    { version, change: 'delete' },
  )
}
