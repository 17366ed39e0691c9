/**
 * A `worker_threads` pool that reads scan files in parallel: Parquet decoding, deletion vectors
 * and row filters run in the workers, Arrow batches come back as transferred IPC bytes. The same
 * shape (plain JSON scan state and files in, Arrow IPC out) is how a connector fans a scan out to
 * serverless functions or a cluster: see `readScanFileFromJson`.
 *
 * @packageDocumentation
 */
import { availableParallelism } from 'node:os'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import * as A from 'apache-arrow'
import { AbortedError, InvalidArgumentError, StorageError } from '../../errors.js'
import { type ReadScanFilesOptions, type ScanFileReader, readScanFilesConcurrently } from '../../scan/parallel.js'
import type { ScanFile, ScanState } from '../../scan/scan-file.js'
import type { ScanMetrics } from '../../scan/scan-metrics.js'
import { type EngineFactorySpec, type FromWorker, type ToWorker, type WorkerInit, rebuildError } from './protocol.js'

export type { EngineFactorySpec } from './protocol.js'

/** Options of {@link createScanWorkerPool}. */
export interface ScanWorkerPoolOptions {
  /** Worker threads. Default: `os.availableParallelism() - 1`, at least 1. */
  readonly size?: number
  /**
   * Builds the engine inside each worker (engines hold functions, so they cannot be sent): a
   * module and the name of a factory it exports, called with `options`. Default: the Node engine
   * (`createNodeEngine()`, local files).
   */
  readonly engineFactory?: EngineFactorySpec
  /** Batches a worker may send for one file before the consumer takes them. Default 2. */
  readonly batchesAhead?: number
}

/** A pool of scan workers. Close it when done (idle workers do not keep the process alive). */
export interface ScanWorkerPool extends ScanFileReader {
  /** Number of worker threads (started on demand). */
  readonly size: number
  /**
   * Reads `files` on the workers, at most `maxInFlight` files at once (default twice the pool
   * size, so workers stay busy while ordered output waits for a slow file). Memory is bounded:
   * at most `maxInFlight` files outstanding, each a few batches ahead of the consumer. Ordered
   * output (the default) follows the order of `files`; unordered yields as batches arrive.
   * Errors from a worker are rethrown with their class (`ParquetError`, ...); stopping early or
   * aborting `signal` cancels the files still being read.
   */
  readScanFiles(state: ScanState, files: readonly ScanFile[], options?: ReadScanFilesOptions): AsyncGenerator<A.RecordBatch>
  /** Cancels outstanding reads (they fail with AbortedError) and terminates the workers. */
  close(): Promise<void>
}

/** One file read: its place in the queue or on a worker, and the batches received. */
interface Task {
  readonly id: number
  readonly stateJson: string
  readonly file: ScanFile
  readonly metrics: ScanMetrics | undefined
  /** Batches of each `batch` message not yet taken (one credit each). */
  readonly received: A.RecordBatch[][]
  worker: WorkerSlot | undefined
  ended: boolean
  failed: boolean
  error: unknown
  notify: (() => void) | undefined
}

interface WorkerSlot {
  readonly worker: Worker
  task: Task | undefined
}

/** The worker script next to this module: `.ts` under tsx, `.js`/`.cjs` in dist. */
function workerUrl(): URL {
  const here = typeof __filename === 'string' ? pathToFileURL(__filename).href : import.meta.url
  const ext = /\.[cm]?[jt]s$/.exec(new URL(here).pathname)?.[0] ?? '.js'
  return new URL(`./scan-worker${ext}`, here)
}

/**
 * Starts a scan worker. From TypeScript sources (tests under tsx) the worker thread does not
 * inherit the parent's loader hooks, so `tsx-boot.mjs` registers tsx's hooks in the worker before
 * importing the `.ts` entry.
 */
function startWorker(init: WorkerInit): Worker {
  const url = workerUrl()
  if (!url.pathname.endsWith('.ts')) return new Worker(url, { workerData: init })
  return new Worker(new URL('./tsx-boot.mjs', url), { workerData: { ...init, workerEntry: url.href } })
}

function wakeTask(task: Task): void {
  const n = task.notify
  task.notify = undefined
  n?.()
}

class Pool implements ScanWorkerPool {
  readonly size: number
  readonly #init: WorkerInit
  readonly #batchesAhead: number
  readonly #workers: WorkerSlot[] = []
  readonly #queue: Task[] = []
  #nextId = 1
  #closed = false
  #keepAlive: ReturnType<typeof setInterval> | undefined

  constructor(options: ScanWorkerPoolOptions) {
    const size = options.size ?? Math.max(1, availableParallelism() - 1)
    if (!Number.isSafeInteger(size) || size < 1) throw new InvalidArgumentError(`scan worker pool size must be a positive integer, got ${size}`)
    const ahead = options.batchesAhead ?? 2
    if (!Number.isSafeInteger(ahead) || ahead < 1) throw new InvalidArgumentError(`batchesAhead must be a positive integer, got ${ahead}`)
    this.size = size
    this.#batchesAhead = ahead
    this.#init = options.engineFactory ? { engineFactory: options.engineFactory } : {}
  }

  async *readScanFiles(state: ScanState, files: readonly ScanFile[], options: ReadScanFilesOptions = {}): AsyncGenerator<A.RecordBatch> {
    if (this.#closed) throw new InvalidArgumentError('scan worker pool is closed')
    const stateJson = JSON.stringify(state)
    const { metrics } = options
    yield* readScanFilesConcurrently(files, (file, _i, signal) => this.#readOne(stateJson, file, signal, metrics), {
      concurrency: options.maxInFlight ?? 2 * this.size,
      ordered: options.ordered ?? true,
      // The worker's credits are the read-ahead; one more batch here keeps the pipe full.
      bufferedBatchesPerFile: 1,
      ...(options.signal ? { signal: options.signal } : {}),
    })
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    const error = new AbortedError('scan worker pool closed')
    for (const task of this.#queue.splice(0)) this.#fail(task, error)
    const slots = this.#workers.splice(0)
    for (const slot of slots) if (slot.task) this.#fail(slot.task, error)
    this.#updateKeepAlive()
    // The workers are unref'd: without a timer the process could end before their exit events,
    // leaving close() unsettled.
    const keepAlive = setInterval(() => {}, 60_000)
    try {
      await Promise.all(slots.map((s) => s.worker.terminate()))
    } finally {
      clearInterval(keepAlive)
    }
  }

  async *#readOne(stateJson: string, file: ScanFile, signal: AbortSignal, metrics: ScanMetrics | undefined): AsyncGenerator<A.RecordBatch> {
    if (this.#closed) throw new AbortedError('scan worker pool closed')
    const task: Task = { id: this.#nextId++, stateJson, file, metrics, received: [], worker: undefined, ended: false, failed: false, error: undefined, notify: undefined }
    const onAbort = () => wakeTask(task)
    signal.addEventListener('abort', onAbort, { once: true })
    this.#queue.push(task)
    this.#dispatch()
    try {
      for (;;) {
        const batches = task.received.shift()
        if (batches) {
          if (task.worker && !task.ended) this.#post(task.worker, { type: 'credit', id: task.id, n: 1 })
          yield* batches
          continue
        }
        if (task.failed) throw task.error
        if (task.ended) return
        if (signal.aborted) throw new AbortedError('scan file read cancelled', { cause: signal.reason })
        await new Promise<void>((r) => (task.notify = r))
      }
    } finally {
      signal.removeEventListener('abort', onAbort)
      if (!task.ended) this.#cancel(task)
    }
  }

  /**
   * Workers stay unref'd (an idle pool never keeps the process alive); while any read is queued
   * or running, one timer keeps the event loop open instead. Toggling ref()/unref() on workers
   * proved unreliable on Node 20 (a re-ref'd worker's exit did not hold the loop).
   */
  #updateKeepAlive(): void {
    const busy = !this.#closed && (this.#queue.length > 0 || this.#workers.some((w) => w.task))
    if (busy && !this.#keepAlive) this.#keepAlive = setInterval(() => {}, 60_000)
    else if (!busy && this.#keepAlive) {
      clearInterval(this.#keepAlive)
      this.#keepAlive = undefined
    }
  }

  /** Hands queued reads to idle workers, in queue (file) order, starting workers as needed. */
  #dispatch(): void {
    this.#dispatchQueued()
    this.#updateKeepAlive()
  }

  #dispatchQueued(): void {
    while (this.#queue.length > 0 && !this.#closed) {
      let slot = this.#workers.find((w) => !w.task)
      if (!slot && this.#workers.length < this.size) slot = this.#spawn()
      if (!slot) return
      const task = this.#queue.shift()!
      slot.task = task
      task.worker = slot
      if (task.metrics) {
        task.metrics.filesRead++
        task.metrics.bytesRead += task.file.size
      }
      this.#post(slot, { type: 'read', id: task.id, stateJson: task.stateJson, fileJson: JSON.stringify(task.file), credits: this.#batchesAhead })
    }
  }

  #spawn(): WorkerSlot {
    const worker = startWorker(this.#init)
    const slot: WorkerSlot = { worker, task: undefined }
    worker.on('message', (m: FromWorker) => this.#onMessage(slot, m))
    worker.on('error', (e) => this.#onExit(slot, e))
    worker.on('exit', (code) => this.#onExit(slot, new StorageError(`scan worker exited with code ${code}`)))
    // After the listeners: adding a 'message' listener refs the worker's port again.
    worker.unref()
    this.#workers.push(slot)
    return slot
  }

  #post(slot: WorkerSlot, message: ToWorker): void {
    slot.worker.postMessage(message)
  }

  #onMessage(slot: WorkerSlot, m: FromWorker): void {
    const task = slot.task
    if (!task || task.id !== m.id) return
    if (m.type === 'batch') {
      if (!task.ended) task.received.push(A.tableFromIPC(m.ipc).batches)
      wakeTask(task)
      return
    }
    if (m.type === 'done') {
      if (task.metrics) {
        task.metrics.rowGroupsTotal += m.counters.rowGroupsTotal
        task.metrics.rowGroupsSkipped += m.counters.rowGroupsSkipped
      }
      task.ended = true
      wakeTask(task)
    } else if (!task.ended) {
      this.#fail(task, rebuildError(m.error))
    }
    this.#release(slot)
  }

  /** The read on `slot` is over (done, failed, or its cancel acknowledged): take the next. */
  #release(slot: WorkerSlot): void {
    slot.task = undefined
    this.#dispatch()
  }

  /** A worker died (uncaught error or exit): fail its read and replace it on demand. */
  #onExit(slot: WorkerSlot, error: unknown): void {
    const i = this.#workers.indexOf(slot)
    if (i < 0) return
    this.#workers.splice(i, 1)
    if (slot.task) {
      const where = `while reading ${slot.task.file.path}`
      const e = error instanceof StorageError ? new StorageError(`${error.message} ${where}`) : error
      this.#fail(slot.task, e)
    }
    void slot.worker.terminate()
    this.#dispatch()
  }

  #fail(task: Task, error: unknown): void {
    if (task.ended) return
    task.ended = true
    task.failed = true
    task.error = error
    wakeTask(task)
  }

  /** The consumer stopped: drop a queued read, or ask the worker to stop (it stays busy until it acknowledges). */
  #cancel(task: Task): void {
    const q = this.#queue.indexOf(task)
    if (q >= 0) {
      this.#queue.splice(q, 1)
      this.#updateKeepAlive()
    }
    else if (task.worker && !task.ended && task.worker.task === task) this.#post(task.worker, { type: 'cancel', id: task.id })
    task.ended = true
  }
}

/**
 * A pool of `size` worker threads reading scan files (see {@link ScanWorkerPool}). Pass it to
 * `scan.batches({ pool })`, or call `pool.readScanFiles(scan.state, scan.scanFiles())`.
 */
export function createScanWorkerPool(options: ScanWorkerPoolOptions = {}): ScanWorkerPool {
  return new Pool(options)
}
