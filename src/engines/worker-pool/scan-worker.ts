/**
 * The scan worker: a `worker_threads` entry that reads scan files for the pool. It builds its
 * engine once (the Node engine, or the factory named in `workerData`), then serves `read`
 * messages: the scan state and file arrive as JSON text, the batches leave as Arrow IPC stream
 * bytes whose buffer is transferred, not copied. Built as its own entry (`dist/scan-worker.js`).
 *
 * @packageDocumentation
 */
import { parentPort, workerData } from 'node:worker_threads'
import { pathToFileURL } from 'node:url'
import { isAbsolute } from 'node:path'
import * as A from 'apache-arrow'
import type { Engine } from '../../engine/engine.js'
import { AbortedError, InvalidArgumentError } from '../../errors.js'
import { readScanFileFromJson } from '../../scan/read-file-json.js'
import { newScanMetrics } from '../../scan/scan-metrics.js'
import { createNodeEngine } from '../node-engine.js'
import { type FromWorker, type ToWorker, type WorkerInit, serializeError } from './protocol.js'

async function buildEngine(init: WorkerInit): Promise<Engine> {
  const spec = init.engineFactory
  if (!spec) return createNodeEngine()
  const specifier = isAbsolute(spec.module) ? pathToFileURL(spec.module).href : spec.module
  const where = `engine factory ${spec.module}#${spec.exportName ?? 'default'}`
  let mod: Record<string, unknown>
  try {
    mod = (await import(specifier)) as Record<string, unknown>
  } catch (e) {
    throw new InvalidArgumentError(`${where}: the module could not be imported in the scan worker (${(e as Error).message})`)
  }
  const factory = mod[spec.exportName ?? 'default']
  if (typeof factory !== 'function') throw new InvalidArgumentError(`${where}: expected a function export, found ${typeof factory}`)
  return (await (factory as (options: unknown) => Engine | Promise<Engine>)(spec.options)) as Engine
}

/** One read in progress: its cancellation and its send budget. */
interface Read {
  readonly abort: AbortController
  credits: number
  /** Wakes the read waiting for credits (or for cancellation). */
  resume: (() => void) | undefined
}

const port = parentPort
if (!port) throw new InvalidArgumentError('scan-worker must run in a worker thread (it has no parentPort)')
const enginePromise = buildEngine((workerData ?? {}) as WorkerInit)
// A failing factory is reported per read; don't let it crash the worker as unhandled meanwhile.
enginePromise.catch(() => {})
const reads = new Map<number, Read>()

// An engine may leave a prefetch behind when a read is cancelled; its rejection with AbortedError
// must not kill the worker (and fail whichever read the worker serves next). Anything else still
// crashes the worker, which the pool reports on the read it was serving.
process.on('unhandledRejection', (reason) => {
  if (reason instanceof AbortedError) return
  throw reason
})

function send(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer)
}

function wake(read: Read): void {
  const r = read.resume
  read.resume = undefined
  r?.()
}

/** A batch as IPC stream bytes that own their whole buffer (so it can be transferred). */
function toIpc(batch: A.RecordBatch): Uint8Array {
  const bytes = A.tableToIPC(new A.Table([batch]), 'stream')
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice()
}

async function serve(id: number, stateJson: string, fileJson: string, read: Read): Promise<void> {
  const metrics = newScanMetrics()
  const signal = read.abort.signal
  try {
    const engine = await enginePromise
    for await (const batch of readScanFileFromJson(engine, stateJson, fileJson, { signal, metrics })) {
      if (batch.numRows === 0) continue
      while (read.credits === 0 && !signal.aborted) await new Promise<void>((r) => (read.resume = r))
      if (signal.aborted) throw new AbortedError('scan file read cancelled')
      read.credits--
      const ipc = toIpc(batch)
      send({ type: 'batch', id, ipc }, [ipc.buffer as ArrayBuffer])
    }
    send({ type: 'done', id, counters: { rowGroupsTotal: metrics.rowGroupsTotal, rowGroupsSkipped: metrics.rowGroupsSkipped } })
  } catch (e) {
    send({ type: 'error', id, error: serializeError(e) })
  } finally {
    reads.delete(id)
  }
}

port.on('message', (m: ToWorker) => {
  if (m.type === 'read') {
    const read: Read = { abort: new AbortController(), credits: m.credits, resume: undefined }
    reads.set(m.id, read)
    void serve(m.id, m.stateJson, m.fileJson, read)
    return
  }
  const read = reads.get(m.id)
  if (!read) return
  if (m.type === 'credit') read.credits += m.n
  else read.abort.abort(new AbortedError('scan file read cancelled'))
  wake(read)
})
