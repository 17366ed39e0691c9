/**
 * A snapshot: the state of a table at one version, reconstructed from its log segment.
 *
 * @packageDocumentation
 */
import type { Engine } from './engine/engine.js'
import { CorruptCheckpointError, InvalidLogError, MissingMetadataError, MissingProtocolError, throwIfAborted } from './errors.js'
import { readCheckpoint } from './log/checkpoint-read.js'
import { readLogFile } from './log/commit-read.js'
import type { LogFile } from './log/log-files.js'
import { type LogSegment, buildLogSegment, refreshLogSegment } from './log/log-segment.js'
import { ReplayState } from './log/replay.js'
import type { Action, Add, CommitInfo, DomainMetadata, Metadata, Protocol, Remove, Txn } from './protocol/actions.js'
import { checkReadSupported } from './protocol/features.js'
import { parseSchema } from './protocol/schema.js'
import type { StructType } from './protocol/schema-types.js'

/** How many commit files replay fetches ahead of the one it applies. */
const COMMIT_PREFETCH = 8

/** Options of {@link Snapshot.update}. */
export interface SnapshotUpdateOptions {
  /** Version to move to; default the latest. An older version than the snapshot's is loaded afresh. */
  readonly version?: number
  readonly signal?: AbortSignal
}

/** The state of a table at one version. Immutable. */
export class Snapshot {
  /** Table root URL (ends in `/`). */
  readonly tableRoot: string
  readonly engine: Engine
  readonly version: number
  readonly protocol: Protocol
  readonly metadata: Metadata
  /** Logical table schema, parsed from `metadata.schemaString`. */
  readonly schema: StructType
  readonly partitionColumns: readonly string[]
  /**
   * Commit timestamp of this version in ms since the epoch: the in-commit timestamp when the
   * table has them enabled, else the modification time of the commit file.
   */
  readonly timestamp: number
  /** `commitInfo` of this version, when its commit file was read. */
  readonly commitInfo: CommitInfo | undefined
  /** The files this snapshot was reconstructed from. */
  readonly logSegment: LogSegment
  readonly #state: ReplayState
  #files: readonly Add[] | undefined
  #numFiles: number | undefined

  /** @internal Use `Table.snapshot()` or {@link loadSnapshot}. */
  constructor(init: {
    engine: Engine
    segment: LogSegment
    state: ReplayState
    protocol: Protocol
    metadata: Metadata
    schema: StructType
    timestamp: number
    commitInfo: CommitInfo | undefined
  }) {
    this.engine = init.engine
    this.tableRoot = init.segment.tableRoot
    this.version = init.segment.version
    this.logSegment = init.segment
    this.#state = init.state
    this.protocol = init.protocol
    this.metadata = init.metadata
    this.schema = init.schema
    this.partitionColumns = init.metadata.partitionColumns
    this.timestamp = init.timestamp
    this.commitInfo = init.commitInfo
  }

  /**
   * Live `add` actions of this version (reconciled), in no particular order. Plain adds of a
   * Parquet checkpoint are kept as columns, not objects, and built here on every call (a new,
   * equal array each time): hold on to the result rather than calling this in a loop.
   */
  files(): readonly Add[] {
    if (this.#files) return this.#files
    const files = this.#state.liveFiles()
    // Cached only when the state holds these objects anyway (no columns): then it costs an array.
    if (this.#state.baseColumns.length === 0) this.#files = files
    return files
  }

  /** Number of live files (counted once). */
  get numFiles(): number {
    return (this.#numFiles ??= this.files().length)
  }

  /** `remove` tombstones still in the log (vacuum uses them). */
  tombstones(): readonly Remove[] {
    return this.#state.liveTombstones()
  }

  /** Last version committed by application `appId` (idempotent writes), if any. */
  appTransactionVersion(appId: string): number | undefined {
    return this.#state.txns.get(appId)?.version
  }

  /** Every application transaction (`txn`) recorded in the table. */
  appTransactions(): readonly Txn[] {
    return [...this.#state.txns.values()]
  }

  /** Configuration of a metadata domain, or undefined when absent or removed. */
  domainMetadata(domain: string): string | undefined {
    return this.#state.domains.get(domain)?.configuration
  }

  /** All live domain metadata. */
  domainMetadataEntries(): readonly DomainMetadata[] {
    return [...this.#state.domains.values()]
  }

  /** Table properties (`metaData.configuration`). */
  get properties(): Readonly<Record<string, string>> {
    return this.metadata.configuration
  }

  /**
   * The snapshot of a later version (default: the latest), built from this one: lists
   * `_delta_log` only after this version and replays just the new commits onto a fork of this
   * state (this snapshot stays unchanged and valid). Returns `this` when nothing was committed
   * since. A newer checkpoint is read instead only when that looks cheaper than the commits (see
   * `refreshLogSegment`), or when commits are missing. New protocol or metaData actions go
   * through the same read checks as a fresh load.
   *
   * Tombstones are never dropped by incremental replay: a snapshot refreshed across a checkpoint
   * may list tombstones that a fresh load (whose checkpoint expired them) would not.
   */
  async update(options: SnapshotUpdateOptions = {}): Promise<Snapshot> {
    const { signal } = options
    const target = options.version
    if (target === this.version) return this
    if (target !== undefined && target < this.version) return openSnapshot(this.engine, this.tableRoot, { version: target, signal })
    const plan = await refreshLogSegment(this.engine, this.logSegment, { version: target, signal })
    if (plan.kind === 'unchanged') return this
    if (plan.kind === 'rebuild') return openSnapshot(this.engine, this.tableRoot, { version: target, signal })
    if (plan.reload) {
      try {
        return await loadSnapshot(this.engine, plan.segment, signal)
      } catch (e) {
        if (!(e instanceof CorruptCheckpointError)) throw e // a bad newer checkpoint: the commits still get there
      }
    }
    const state = this.#state.fork()
    await applyCommits(this.engine, state, plan.newCommits, signal)
    state.settle()
    const segment = plan.reload ? plan.extended : plan.segment
    return finishSnapshot(this.engine, segment, state, plan.newCommits[plan.newCommits.length - 1], this)
  }
}

/** Reads commit files with a bounded read-ahead, yielding them in order. */
async function* readCommitsInOrder(engine: Engine, commits: readonly LogFile[], signal?: AbortSignal): AsyncGenerator<[number, Action[]]> {
  const pending: Promise<Action[]>[] = []
  let next = 0
  const fill = () => {
    while (next < commits.length && pending.length < COMMIT_PREFETCH) {
      const p = readLogFile(engine, commits[next]!.location, signal, commits[next]!.size)
      p.catch(() => {}) // observed when awaited; avoid unhandled rejections for read-ahead
      pending.push(p)
      next++
    }
  }
  fill()
  for (let i = 0; i < commits.length; i++) {
    const actions = await pending.shift()!
    fill()
    yield [commits[i]!.version, actions]
  }
}

/** Applies commit files to `state` in order; `bulk` for a replay from version 0 (see `ReplayState.applyBulk`). */
async function applyCommits(engine: Engine, state: ReplayState, commits: readonly LogFile[], signal?: AbortSignal, bulk = false): Promise<void> {
  for await (const [version, actions] of readCommitsInOrder(engine, commits, signal)) {
    throwIfAborted(signal)
    state.lastCommitInfo = undefined
    if (bulk) state.applyBulk(actions, version)
    else state.apply(actions, version)
  }
  state.endBulk()
}

/** Whether in-commit timestamps are enabled by this metadata. */
export function inCommitTimestampsEnabled(metadata: Metadata): boolean {
  return metadata.configuration['delta.enableInCommitTimestamps'] === 'true'
}

/**
 * Checks a replayed state and wraps it as the snapshot of `segment.version`. `lastCommit` is the
 * commit file of that version when it was applied. With `previous`, the read gate and schema
 * parse are skipped when protocol and metaData are the very same actions (none was committed).
 */
function finishSnapshot(engine: Engine, segment: LogSegment, state: ReplayState, lastCommit: LogFile | undefined, previous?: Snapshot): Snapshot {
  const where = `${segment.tableRoot} version ${segment.version}`
  if (!state.protocol) throw new MissingProtocolError(`${where}: no protocol action found in the log`)
  if (!state.metadata) throw new MissingMetadataError(`${where}: no metaData action found in the log`)
  let schema: StructType
  if (previous && previous.protocol === state.protocol && previous.metadata === state.metadata) schema = previous.schema
  else {
    checkReadSupported(state.protocol, where, state.metadata)
    if (state.metadata.schemaString === '') {
      throw new InvalidLogError(`${where}: the metaData action of version ${state.metadataVersion} has no schemaString`)
    }
    schema = parseSchema(state.metadata.schemaString)
  }
  const applied = lastCommit?.version === segment.version ? lastCommit : undefined
  const commitInfo = applied ? state.lastCommitInfo : undefined
  let timestamp = applied ? applied.lastModified : segment.checkpoint!.files[0]!.lastModified
  const ict = commitInfo?.inCommitTimestamp
  if (inCommitTimestampsEnabled(state.metadata) && typeof ict === 'number' && Number.isSafeInteger(ict)) timestamp = ict
  return new Snapshot({ engine, segment, state, protocol: state.protocol, metadata: state.metadata, schema, timestamp, commitInfo })
}

/** Reconstructs the snapshot described by a log segment. */
export async function loadSnapshot(engine: Engine, segment: LogSegment, signal?: AbortSignal): Promise<Snapshot> {
  const state = new ReplayState()
  if (segment.checkpoint) {
    for await (const chunk of readCheckpoint(engine, segment.tableRoot, segment.checkpoint, signal)) {
      state.applyCheckpoint(chunk.actions, segment.checkpoint.version)
      if (chunk.adds) state.baseColumns.push(chunk.adds)
    }
    state.lastCommitInfo = undefined
  }
  await applyCommits(engine, state, segment.commits, signal, !segment.checkpoint)
  return finishSnapshot(engine, segment, state, segment.commits[segment.commits.length - 1])
}

/**
 * Builds the segment of `options.version` (default: the latest) and loads it. A torn or corrupt
 * checkpoint (e.g. a writer crashed halfway) is skipped: the spec lets readers use any complete
 * checkpoint, or none, so older ones are tried and finally the commits alone.
 */
export async function openSnapshot(engine: Engine, tableRoot: string, options: { version?: number | undefined; signal?: AbortSignal | undefined } = {}): Promise<Snapshot> {
  const { version, signal } = options
  let segment = await buildLogSegment(engine, tableRoot, { version, signal })
  try {
    return await loadSnapshot(engine, segment, signal)
  } catch (e) {
    if (!(e instanceof CorruptCheckpointError)) throw e
    while (segment.checkpoint) {
      try {
        segment = await buildLogSegment(engine, tableRoot, { version: segment.version, maxCheckpointVersion: segment.checkpoint.version - 1, signal })
      } catch {
        throw e // the commits before the bad checkpoint are gone: report the checkpoint
      }
      try {
        return await loadSnapshot(engine, segment, signal)
      } catch (again) {
        if (!(again instanceof CorruptCheckpointError)) throw again
      }
    }
    throw e
  }
}
