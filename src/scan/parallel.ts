/**
 * Reading many scan files at once, in any runtime: a bounded number of files in flight, each with
 * a bounded buffer of batches, yielded in scan-file order or as they arrive. The Node worker pool
 * (`createScanWorkerPool` in `delta-kernel/node`) uses the same helper with readers that run in
 * worker threads; {@link createConcurrentScanReader} uses it with in-process async reads, which
 * overlaps I/O (object stores, HTTP) even on one thread.
 *
 * @packageDocumentation
 */
import type { RecordBatch } from 'apache-arrow'
import type { Engine } from '../engine/engine.js'
import { AbortedError, InvalidArgumentError } from '../errors.js'
import { readScanFile } from './read-file.js'
import type { ScanFile, ScanState } from './scan-file.js'
import type { ScanMetrics } from './scan-metrics.js'

/** Options of {@link readScanFilesConcurrently}. */
export interface ConcurrentReadOptions {
  /** Files read at the same time (the in-flight window). Default 4. */
  readonly concurrency?: number
  /**
   * Yield every batch of file i before any batch of file i+1 (default true). Files after the
   * first unfinished one are still read, but their batches wait in their buffers. When false,
   * batches come as they are ready; batches of one file stay in their order either way.
   */
  readonly ordered?: boolean
  /** Batches a file may have read ahead of the consumer before its reader waits. Default 2. */
  readonly bufferedBatchesPerFile?: number
  readonly signal?: AbortSignal
}

/** One started file: its buffered items and how its reader ended. */
interface Slot<T> {
  readonly queue: T[]
  done: boolean
  failed: boolean
  error: unknown
  /** Wakes the reader waiting for room in `queue`. */
  resume: (() => void) | undefined
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback
  if (!Number.isSafeInteger(value) || value < 1) throw new InvalidArgumentError(`${name} must be a positive integer, got ${value}`)
  return value
}

/**
 * Reads `files` with `readOne`, at most `concurrency` at a time, and yields their items (batches).
 * Memory stays bounded by `concurrency × bufferedBatchesPerFile` items: a reader whose buffer is
 * full waits until the consumer takes from it.
 *
 * The first failure of any file is thrown (the rest is cancelled); so is an abort of `signal`.
 * `readOne` gets a signal that is aborted when the consumer stops early, fails or is aborted: it
 * should stop reading then. Files start in index order, so a reader that needs a scarce resource
 * (a worker) gets it before any later file does, which keeps ordered mode free of deadlock.
 */
export async function* readScanFilesConcurrently<F, T>(
  files: readonly F[],
  readOne: (file: F, index: number, signal: AbortSignal) => AsyncIterable<T>,
  options: ConcurrentReadOptions = {},
): AsyncGenerator<T> {
  const concurrency = positiveInteger('concurrency', options.concurrency, 4)
  const capacity = positiveInteger('bufferedBatchesPerFile', options.bufferedBatchesPerFile, 2)
  const ordered = options.ordered ?? true
  const outer = options.signal
  // One controller per file rather than listeners on a shared signal: many files in flight would
  // otherwise pile listeners onto one signal.
  const controllers = new Set<AbortController>()
  let stopped: unknown
  const stop = (reason: unknown) => {
    stopped ??= reason ?? new AbortedError('scan stopped')
    for (const c of controllers) c.abort(reason)
  }
  let wakeConsumer: (() => void) | undefined
  const wake = () => {
    const w = wakeConsumer
    wakeConsumer = undefined
    w?.()
  }
  const onAbort = () => {
    stop(outer?.reason)
    wake()
  }
  outer?.addEventListener('abort', onAbort, { once: true })
  const active: Slot<T>[] = []
  const produce = async (slot: Slot<T>, file: F, index: number) => {
    const controller = new AbortController()
    const { signal } = controller
    controllers.add(controller)
    if (stopped !== undefined) controller.abort(stopped)
    try {
      for await (const item of readOne(file, index, signal)) {
        if (signal.aborted) return
        slot.queue.push(item)
        wake()
        while (slot.queue.length >= capacity && !signal.aborted) await new Promise<void>((r) => (slot.resume = r))
      }
    } catch (e) {
      slot.failed = true
      slot.error = e
    } finally {
      controllers.delete(controller)
      slot.done = true
      wake()
    }
  }
  let next = 0
  try {
    for (;;) {
      if (outer?.aborted) throw new AbortedError('scan aborted', { cause: outer.reason })
      // Finished files leave the window, so the next ones can start.
      for (let i = active.length - 1; i >= 0; i--) {
        const s = active[i]!
        if (s.done && !s.failed && s.queue.length === 0) active.splice(i, 1)
      }
      while (active.length < concurrency && next < files.length) {
        const slot: Slot<T> = { queue: [], done: false, failed: false, error: undefined, resume: undefined }
        active.push(slot)
        void produce(slot, files[next]!, next++)
      }
      if (active.length === 0) return
      const failed = active.find((s) => s.failed)
      if (failed) throw failed.error
      const slot = ordered ? (active[0]!.queue.length > 0 ? active[0] : undefined) : active.find((s) => s.queue.length > 0)
      if (!slot) {
        await new Promise<void>((r) => (wakeConsumer = r))
        continue
      }
      const item = slot.queue.shift()!
      const resume = slot.resume
      slot.resume = undefined
      resume?.()
      yield item
    }
  } finally {
    outer?.removeEventListener('abort', onAbort)
    // Stops every reader still running (early return, failure or abort).
    stop(new AbortedError('scan stopped'))
    for (const s of active) s.resume?.()
  }
}

/** Options of {@link ScanFileReader.readScanFiles}. */
export interface ReadScanFilesOptions {
  /** Yield in scan-file order (default true); false yields batches as they are ready. */
  readonly ordered?: boolean
  /** Files read at the same time. Default: the reader's own (the pool size, or 4). */
  readonly maxInFlight?: number
  readonly signal?: AbortSignal
  /** Counters to add to: files and bytes read, row groups considered and skipped. */
  readonly metrics?: ScanMetrics
}

/**
 * Something that reads many scan files of one scan state, possibly in parallel: the Node worker
 * pool, or {@link createConcurrentScanReader}. `Scan.batches({ pool })` takes one.
 */
export interface ScanFileReader {
  /** The logical batches of `files` (empty batches left out). */
  readScanFiles(state: ScanState, files: readonly ScanFile[], options?: ReadScanFilesOptions): AsyncIterable<RecordBatch>
}

/**
 * A {@link ScanFileReader} that reads files concurrently in this thread with `engine`: CPU work
 * (decoding) is not parallel, but waits on storage overlap. Works in browsers.
 */
export function createConcurrentScanReader(engine: Engine, options: { readonly concurrency?: number } = {}): ScanFileReader {
  const defaultConcurrency = positiveInteger('concurrency', options.concurrency, 4)
  return {
    async *readScanFiles(state, files, opts = {}) {
      const { metrics } = opts
      const readOne = async function* (file: ScanFile, _index: number, signal: AbortSignal) {
        if (metrics) {
          metrics.filesRead++
          metrics.bytesRead += file.size
        }
        for await (const batch of readScanFile(engine, state, file, { signal, ...(metrics ? { metrics } : {}) })) {
          if (batch.numRows > 0) yield batch
        }
      }
      yield* readScanFilesConcurrently(files, readOne, {
        concurrency: opts.maxInFlight ?? defaultConcurrency,
        ordered: opts.ordered ?? true,
        ...(opts.signal ? { signal: opts.signal } : {}),
      })
    },
  }
}
