/**
 * A snapshot: the state of a table at one version, reconstructed from its log segment.
 *
 * @packageDocumentation
 */
import type { Engine } from './engine/engine.js'
import { InvalidLogError, MissingMetadataError, MissingProtocolError, throwIfAborted } from './errors.js'
import { readCheckpoint } from './log/checkpoint-read.js'
import { readLogFile } from './log/commit-read.js'
import type { LogSegment } from './log/log-segment.js'
import { ReplayState } from './log/replay.js'
import type { Action, Add, CommitInfo, DomainMetadata, Metadata, Protocol, Remove, Txn } from './protocol/actions.js'
import { checkReadSupported } from './protocol/features.js'
import { parseSchema } from './protocol/schema.js'
import type { StructType } from './protocol/schema-types.js'

/** How many commit files replay fetches ahead of the one it applies. */
const COMMIT_PREFETCH = 8

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

  /** Live `add` actions of this version (reconciled), in no particular order. */
  files(): readonly Add[] {
    return (this.#files ??= this.#state.liveFiles())
  }

  /** Number of live files. */
  get numFiles(): number {
    return this.files().length
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
}

/** Reads commit files with a bounded read-ahead, yielding them in order. */
async function* readCommitsInOrder(engine: Engine, segment: LogSegment, signal?: AbortSignal): AsyncGenerator<[number, Action[]]> {
  const commits = segment.commits
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

/** Whether in-commit timestamps are enabled by this metadata. */
export function inCommitTimestampsEnabled(metadata: Metadata): boolean {
  return metadata.configuration['delta.enableInCommitTimestamps'] === 'true'
}

/** Reconstructs the snapshot described by a log segment. */
export async function loadSnapshot(engine: Engine, segment: LogSegment, signal?: AbortSignal): Promise<Snapshot> {
  const state = new ReplayState()
  const where = `${segment.tableRoot} version ${segment.version}`
  if (segment.checkpoint) {
    for await (const actions of readCheckpoint(engine, segment.tableRoot, segment.checkpoint, signal)) {
      state.applyCheckpoint(actions, segment.checkpoint.version)
    }
    state.lastCommitInfo = undefined
  }
  for await (const [version, actions] of readCommitsInOrder(engine, segment, signal)) {
    throwIfAborted(signal)
    state.lastCommitInfo = undefined
    state.apply(actions, version)
  }
  if (!state.protocol) throw new MissingProtocolError(`${where}: no protocol action found in the log`)
  if (!state.metadata) throw new MissingMetadataError(`${where}: no metaData action found in the log`)
  checkReadSupported(state.protocol, where, state.metadata)
  if (state.metadata.schemaString === '') {
    throw new InvalidLogError(`${where}: the metaData action of version ${state.metadataVersion} has no schemaString`)
  }
  const schema = parseSchema(state.metadata.schemaString)
  const lastCommit = segment.commits[segment.commits.length - 1]
  const commitInfo = lastCommit?.version === segment.version ? state.lastCommitInfo : undefined
  let timestamp = lastCommit?.version === segment.version ? lastCommit.lastModified : segment.checkpoint!.files[0]!.lastModified
  const ict = commitInfo?.inCommitTimestamp
  if (inCommitTimestampsEnabled(state.metadata) && typeof ict === 'number' && Number.isSafeInteger(ict)) timestamp = ict
  return new Snapshot({ engine, segment, state, protocol: state.protocol, metadata: state.metadata, schema, timestamp, commitInfo })
}
