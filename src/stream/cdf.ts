/**
 * The change data feed of a table between two versions (or timestamps): every row inserted,
 * deleted or updated, with `_change_type`, `_commit_version` and `_commit_timestamp`
 * (PROTOCOL.md "Change Data Files", "Reader Requirements for AddCDCFile"; the plan per commit is
 * in `cdf-plan.ts`).
 *
 * Rules the range must follow (as Delta Spark and delta-kernel-rs enforce them):
 * - `delta.enableChangeDataFeed` is `true` at every version of the range (at the start version,
 *   and in every `metaData` action inside it), else `ChangeDataFeedNotEnabledError`;
 * - the schema is the same throughout (the start version's and every `metaData` in the range),
 *   else `SchemaChangedError`: rows of two schemas cannot share one set of batches;
 * - every commit of the range is still in the log (`VersionNotFoundError` once cleaned up).
 *
 * @packageDocumentation
 */
import type * as A from 'apache-arrow'
import { ChangeDataFeedNotEnabledError, InvalidArgumentError, SchemaChangedError, VersionNotFoundError, throwIfAborted } from '../errors.js'
import type { Metadata } from '../protocol/actions.js'
import { checkReadSupported } from '../protocol/features.js'
import { parseSchema } from '../protocol/schema.js'
import type { StructType } from '../protocol/schema-types.js'
import type { Table } from '../table.js'
import { type ChangeFile, changeFilesOfCommit } from './cdf-plan.js'
import { changeDataFeedSchema, readChangeFile } from './cdf-read.js'
import { type CommitEntry, listCommitsFrom, readCommit } from './commit-log.js'
import { partitionNameMap, streamScanState } from './micro-batch.js'
import { versionAtOrAfter } from './start.js'

/** Options of {@link readChangeDataFeed}. */
export interface ChangeDataFeedOptions {
  /** First version (inclusive). Exclusive with `startTimestamp`; one of them is required. */
  readonly startVersion?: number
  /** Start at the first commit made at or after this instant. */
  readonly startTimestamp?: Date | number | string
  /** Last version (inclusive); default the latest. Exclusive with `endTimestamp`. */
  readonly endVersion?: number
  /** End at the last commit made at or before this instant. */
  readonly endTimestamp?: Date | number | string
  /** Top-level table columns to read (the three change columns always follow); default all. */
  readonly columns?: readonly string[]
  readonly signal?: AbortSignal
}

/** A planned change data feed: its schema, range and files, ready to read. */
export interface ChangeDataFeedPlan {
  readonly startVersion: number
  readonly endVersion: number
  /** Output schema: the table's (projected) columns, then `_change_type`, `_commit_version`, `_commit_timestamp`. */
  readonly schema: StructType
  /** Change files per commit, in version order. */
  readonly commits: readonly { readonly version: number; readonly timestamp: number; readonly files: readonly ChangeFile[] }[]
}

function cdfEnabled(m: Metadata): boolean {
  return m.configuration['delta.enableChangeDataFeed']?.toLowerCase() === 'true'
}

function schemaKey(m: Metadata): string {
  return JSON.stringify([parseSchema(m.schemaString), m.partitionColumns])
}

async function resolveRange(table: Table, options: ChangeDataFeedOptions): Promise<{ start: number; end: number }> {
  const { signal } = options
  if ((options.startVersion === undefined) === (options.startTimestamp === undefined)) {
    throw new InvalidArgumentError('change data feed: give exactly one of startVersion and startTimestamp')
  }
  if (options.endVersion !== undefined && options.endTimestamp !== undefined) {
    throw new InvalidArgumentError('change data feed: give at most one of endVersion and endTimestamp')
  }
  for (const [name, v] of [['startVersion', options.startVersion], ['endVersion', options.endVersion]] as const) {
    if (v !== undefined && (!Number.isSafeInteger(v) || v < 0)) throw new InvalidArgumentError(`change data feed: ${name} must be a non-negative integer, got ${v}`)
  }
  const start = options.startVersion ?? (await versionAtOrAfter(table, options.startTimestamp!, signal))
  const end =
    options.endVersion ??
    (options.endTimestamp !== undefined ? await table.versionAtTimestamp(options.endTimestamp, { signal }) : await table.latestVersion({ signal }))
  if (start > end) {
    throw new InvalidArgumentError(`change data feed: the start version ${start} is after the end version ${end}`)
  }
  return { start, end }
}

/**
 * Plans the change data feed of `table` over a version range (see the module doc for the rules
 * it checks). Reads the log only: the snapshot at the start version and each commit of the range.
 */
export async function planChangeDataFeed(table: Table, options: ChangeDataFeedOptions): Promise<ChangeDataFeedPlan & { readonly metadata: Metadata }> {
  const { signal } = options
  const { start, end } = await resolveRange(table, options)
  const snapshot = await table.snapshot({ version: start, signal })
  const where = (v: number) => `${table.root} version ${v}`
  let metadata = snapshot.metadata
  if (!cdfEnabled(metadata)) {
    throw new ChangeDataFeedNotEnabledError(`${where(start)}: the change data feed is not enabled (delta.enableChangeDataFeed is not 'true'); it can only be read from versions where it is`, { version: start })
  }
  const shape = schemaKey(metadata)
  const refs = await listCommitsFrom(table.engine, table.root, start, { until: end, signal })
  if (refs.length !== end - start + 1) {
    throw new VersionNotFoundError(`${table.root}: the change data feed needs commits ${start} to ${end}, but the log holds ${refs.length === 0 ? 'none of them' : `only ${refs[0]!.version} to ${refs[refs.length - 1]!.version}`}`)
  }
  const commits: { version: number; timestamp: number; files: ChangeFile[] }[] = []
  for (const ref of refs) {
    throwIfAborted(signal)
    const entry: CommitEntry = await readCommit(table.engine, ref, signal)
    for (const a of entry.actions) {
      if (a.kind === 'protocol') checkReadSupported(a.protocol, where(ref.version), metadata)
      if (a.kind !== 'metaData' || ref.version === start) continue // the start snapshot already holds start's metadata
      if (!cdfEnabled(a.metaData)) {
        throw new ChangeDataFeedNotEnabledError(`${where(ref.version)}: this commit disables the change data feed, so the range ${start}..${end} cannot be read as one feed`, { version: ref.version })
      }
      if (schemaKey(a.metaData) !== shape) {
        throw new SchemaChangedError(`${where(ref.version)}: this commit changes the schema or partitioning; read the change data feed in ranges that do not cross it`, { version: ref.version })
      }
      metadata = a.metaData
    }
    commits.push({ version: ref.version, timestamp: entry.timestamp, files: changeFilesOfCommit(entry.actions) })
  }
  const state = streamScanState(table.root, end, metadata, options.columns)
  return { startVersion: start, endVersion: end, schema: changeDataFeedSchema(state.readSchema), commits, metadata }
}

/**
 * Reads the change data feed of `table` between two versions (or timestamps), inclusive: Arrow
 * batches of the table's columns plus `_change_type` (`insert`, `delete`, `update_preimage`,
 * `update_postimage`), `_commit_version` and `_commit_timestamp`, in commit order.
 */
export async function* readChangeDataFeed(table: Table, options: ChangeDataFeedOptions): AsyncGenerator<A.RecordBatch> {
  yield* readPlannedChangeDataFeed(table, await planChangeDataFeed(table, options), options)
}

/** Reads a feed planned by {@link planChangeDataFeed} (pass the same `columns`). */
export async function* readPlannedChangeDataFeed(
  table: Table,
  plan: ChangeDataFeedPlan & { readonly metadata: Metadata },
  options: Pick<ChangeDataFeedOptions, 'columns' | 'signal'> = {},
): AsyncGenerator<A.RecordBatch> {
  const { signal } = options
  const state = streamScanState(table.root, plan.endVersion, plan.metadata, options.columns)
  const names = partitionNameMap(plan.metadata)
  for (const commit of plan.commits) {
    for (const file of commit.files) {
      throwIfAborted(signal)
      for await (const batch of readChangeFile(table.engine, state, names, file, commit, signal)) {
        if (batch.numRows > 0) yield batch
      }
    }
  }
}
