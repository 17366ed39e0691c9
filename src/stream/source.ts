/**
 * The streaming source: a table read as an unbounded sequence of micro-batches of files, like
 * Spark's Delta source. It starts from the latest snapshot (its files first, then the commits
 * after it), a version, a timestamp, or a stored offset; cuts batches by `maxFilesPerTrigger` and
 * `maxBytesPerTrigger`; and, in tail mode, polls for new commits with backoff until its
 * `AbortSignal` fires. Each batch carries the offset to persist: resuming from it delivers every
 * later file exactly once (see `offsets.ts` for what an offset means).
 *
 * @packageDocumentation
 */
import { AbortedError, InvalidArgumentError, SchemaChangedError } from '../errors.js'
import type { Add, Metadata } from '../protocol/actions.js'
import { parseSchema } from '../protocol/schema.js'
import type { Snapshot } from '../snapshot.js'
import type { Table } from '../table.js'
import { defaultSleep } from '../txn/retry.js'
import { type ChangePolicy, admitCommit, sameShape } from './admission.js'
import { type CommitRef, listCommitsFrom, readCommit } from './commit-log.js'
import { type MicroBatch, type SchemaChange, type StreamFile, makeMicroBatch, partitionNameMap, streamFileOf, streamScanState } from './micro-batch.js'
import { type StreamOffset, offsetAt } from './offsets.js'
import { type StreamStart, resolveStart } from './start.js'

/** Default cap of files per micro-batch (Spark's default). */
export const DEFAULT_MAX_FILES_PER_TRIGGER = 1000

/** Options of {@link streamChanges}. */
export interface StreamOptions extends StreamStart, ChangePolicy {
  /** At most this many files per micro-batch. Default 1000. */
  readonly maxFilesPerTrigger?: number
  /** About this many bytes per micro-batch (soft: a batch always takes at least one file). */
  readonly maxBytesPerTrigger?: number
  /**
   * A `metaData` action changing the schema or partitioning: `fail` (default) ends the stream
   * with `SchemaChangedError` after delivering everything before it; `split` delivers on, the
   * first batch under the new schema carrying `schemaChange`.
   */
  readonly schemaChanges?: 'fail' | 'split'
  /** Top-level columns `batches()` reads; default all. */
  readonly columns?: readonly string[]
  /** Keep polling for new commits once caught up (default false: end when caught up). */
  readonly tail?: boolean
  /** First wait between polls when idle, ms. Default 100. */
  readonly pollIntervalMs?: number
  /** Longest wait between polls (the wait doubles while idle), ms. Default 2000. */
  readonly maxPollIntervalMs?: number
  /** Ends the stream: a pending wait stops and the iterator returns. */
  readonly signal?: AbortSignal
  /** Waits `ms`; rejects with `AbortedError` on abort. Default `setTimeout` (injectable for tests). */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
}

/** A commit read and classified, with the position of its next file. */
interface OpenCommit {
  readonly version: number
  readonly files: readonly StreamFile[]
  /** New metadata not yet applied to the stream. */
  pendingMetadata: Metadata | undefined
}

function positiveInt(name: string, v: number | undefined): void {
  if (v !== undefined && (!Number.isSafeInteger(v) || v < 1)) throw new InvalidArgumentError(`${name} must be a positive integer, got ${v}`)
}

/** Files of the starting snapshot, in (modificationTime, path) order as Spark delivers them. */
function snapshotFiles(snapshot: Snapshot): StreamFile[] {
  const adds = [...snapshot.files()].sort((a, b) => a.modificationTime - b.modificationTime || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  const names = partitionNameMap(snapshot.metadata)
  return adds.map((add, i) => streamFileOf(add, snapshot.version, i, true, snapshot.timestamp, names))
}

/**
 * Reads `table` as a stream of micro-batches (see the module doc). Only `add` actions with
 * `dataChange = true` are delivered; commits removing data follow the {@link ChangePolicy}.
 */
export async function* streamChanges(table: Table, options: StreamOptions = {}): AsyncGenerator<MicroBatch> {
  const { signal } = options
  positiveInt('maxFilesPerTrigger', options.maxFilesPerTrigger)
  positiveInt('maxBytesPerTrigger', options.maxBytesPerTrigger)
  const maxFiles = options.maxFilesPerTrigger ?? DEFAULT_MAX_FILES_PER_TRIGGER
  const maxBytes = options.maxBytesPerTrigger ?? Number.POSITIVE_INFINITY
  const minDelay = options.pollIntervalMs ?? 100
  const maxDelay = Math.max(minDelay, options.maxPollIntervalMs ?? 2000)
  const sleep = options.sleep ?? defaultSleep
  const engine = table.engine
  const root = table.root
  try {
    const start = await resolveStart(table, options, signal)
    let pos: StreamOffset = start.offset
    let metadata = start.metadata
    let startFiles = start.snapshot ? snapshotFiles(start.snapshot) : undefined
    let open: OpenCommit | undefined
    let listed: CommitRef[] = []
    let latest = start.snapshot?.version ?? pos.reservoirVersion - 1
    let delay = minDelay
    const reservoirId = () => metadata?.id
    const advance = (f: StreamFile, count: number): StreamOffset =>
      f.index === count - 1
        ? offsetAt(f.version + 1, false, reservoirId())
        : { ...offsetAt(f.version, f.isStartingVersion, reservoirId()), index: f.index }

    /** The next unread commit at `pos`, or undefined when caught up. */
    const nextCommit = async (): Promise<OpenCommit | undefined> => {
      if (listed.length === 0) {
        listed = await listCommitsFrom(engine, root, pos.reservoirVersion, { signal })
        if (listed.length > 0) latest = Math.max(latest, listed[listed.length - 1]!.version)
      }
      const ref = listed.shift()
      if (!ref) return undefined
      const entry = await readCommit(engine, ref, signal)
      const admitted = admitCommit(root, ref.version, entry.actions, options)
      const files = admitted.adds.map((add: Add, i: number) => streamFileOf(add, ref.version, i, false, entry.timestamp, partitionNameMap(admitted.metadata ?? metadata!)))
      return { version: ref.version, files, pendingMetadata: admitted.metadata }
    }

    let deferred: unknown
    for (;;) {
      if (deferred !== undefined) throw deferred
      const startOffset = pos
      const files: StreamFile[] = []
      let bytes = 0
      let schemaChange: SchemaChange | undefined
      const fits = (f: StreamFile) => files.length === 0 || (files.length < maxFiles && bytes + f.add.size <= maxBytes)
      const take = (f: StreamFile, count: number) => {
        files.push(f)
        bytes += f.add.size
        pos = advance(f, count)
      }
      fill: while (files.length < maxFiles && bytes < maxBytes) {
        if (pos.isStartingVersion) {
          startFiles ??= snapshotFiles(await table.snapshot({ version: pos.reservoirVersion, signal }))
          const next = startFiles[pos.index + 1]
          if (!next) {
            pos = offsetAt(pos.reservoirVersion + 1, false, reservoirId())
            startFiles = undefined
            continue
          }
          if (!fits(next)) break
          take(next, startFiles.length)
          continue
        }
        if (open?.version !== pos.reservoirVersion) {
          try {
            open = await nextCommit()
          } catch (e) {
            // Deliver what came before the failing commit first; the error ends the next round.
            if (files.length === 0) throw e
            deferred = e
            break
          }
          if (!open) break
        }
        if (open.pendingMetadata) {
          const next = open.pendingMetadata
          // The first commit of a resumed stream sets the schema: restarting from the offset
          // before a schema change is how a consumer moves on to the new schema.
          const adopt = open.version === start.offset.reservoirVersion && !start.offset.isStartingVersion
          if (metadata && !adopt && !sameShape(metadata, next)) {
            // Never mix schemas in one batch: deliver what came before first.
            if (files.length > 0) break fill
            if (options.schemaChanges !== 'split') {
              throw new SchemaChangedError(
                `${root}: commit ${open.version} changes the table schema or partitioning; the stream read it with the earlier one. Restart the stream from its last offset to read on with the new schema, or set schemaChanges: 'split'`,
                { version: open.version },
              )
            }
            schemaChange = { version: open.version, previous: parseSchema(metadata.schemaString), schema: parseSchema(next.schemaString) }
          }
          metadata = next
          open.pendingMetadata = undefined
        }
        const next = open.files[pos.index + 1]
        if (!next) {
          pos = offsetAt(open.version + 1, false, reservoirId())
          continue
        }
        if (!fits(next)) break
        take(next, open.files.length)
      }
      if (files.length > 0) {
        delay = minDelay
        const scanState = streamScanState(root, files[files.length - 1]!.version, metadata!, options.columns)
        yield makeMicroBatch(engine, {
          startOffset,
          endOffset: pos,
          files,
          schema: scanState.readSchema,
          scanState,
          latestVersion: Math.max(latest, files[files.length - 1]!.version),
          ...(schemaChange ? { schemaChange } : {}),
        })
        continue
      }
      if (!options.tail) return
      await sleep(delay, signal)
      delay = Math.min(maxDelay, delay * 2)
    }
  } catch (e) {
    if (e instanceof AbortedError && signal?.aborted) return
    throw e
  }
}
