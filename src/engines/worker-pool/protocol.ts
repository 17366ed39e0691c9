/**
 * What the scan worker pool and its workers say to each other, and how errors cross the thread
 * boundary keeping their class. Side-effect free: both the pool and the worker import it.
 *
 * Per read: the pool sends `read` with a number of credits; the worker sends at most that many
 * `batch` messages (Arrow IPC stream bytes, the buffer transferred) before it waits for `credit`,
 * which is how a slow consumer holds a fast worker back. A read ends with exactly one `done` or
 * `error`, also after `cancel`: only then is the worker free for the next read.
 *
 * @packageDocumentation
 */
import * as errors from '../../errors.js'
import { DeltaError, type DeltaErrorCode } from '../../errors.js'
import { ReadOnlyStorageError } from '../http.js'

/** Where the engine used inside each worker comes from. */
export interface EngineFactorySpec {
  /** Module to import in the worker: a `file:` URL, an absolute path, or a package specifier. */
  readonly module: string
  /** Name of the export to call. Default `default`. */
  readonly exportName?: string
  /** Argument passed to the factory (must survive structured clone). */
  readonly options?: unknown
}

/** Data a worker starts with. */
export interface WorkerInit {
  readonly engineFactory?: EngineFactorySpec
}

/** Pool to worker. */
export type ToWorker =
  | { readonly type: 'read'; readonly id: number; readonly stateJson: string; readonly fileJson: string; readonly credits: number }
  | { readonly type: 'credit'; readonly id: number; readonly n: number }
  | { readonly type: 'cancel'; readonly id: number }

/** Row group counters of one file read. */
export interface ReadCounters {
  readonly rowGroupsTotal: number
  readonly rowGroupsSkipped: number
}

/** Worker to pool. */
export type FromWorker =
  | { readonly type: 'batch'; readonly id: number; readonly ipc: Uint8Array }
  | { readonly type: 'done'; readonly id: number; readonly counters: ReadCounters }
  | { readonly type: 'error'; readonly id: number; readonly error: SerializedError }

/** An error as plain data (survives structured clone and JSON). */
export interface SerializedError {
  readonly name: string
  readonly message: string
  readonly code?: string
  /** The error was a DeltaError (its `code` is a kernel error code). */
  readonly delta: boolean
  readonly stack?: string
  /** Extra own fields with primitive values (`feature`, `path`, `version`, ...). */
  readonly fields: Readonly<Record<string, string | number | boolean | null>>
  readonly cause?: SerializedError
}

type ErrorClass = new (...args: never[]) => DeltaError

/** Every DeltaError class, by name: the ones a worker can throw and the pool rebuilds. */
const CLASSES: ReadonlyMap<string, ErrorClass> = (() => {
  const out = new Map<string, ErrorClass>()
  const candidates: unknown[] = [...Object.values(errors), ReadOnlyStorageError]
  for (const v of candidates) {
    if (typeof v === 'function' && (v === DeltaError || v.prototype instanceof DeltaError)) out.set(v.name, v as ErrorClass)
  }
  return out
})()

const SKIPPED_FIELDS = new Set(['name', 'message', 'stack', 'cause', 'code'])

/** `e` as plain data; `depth` bounds how many causes are kept. */
export function serializeError(e: unknown, depth = 3): SerializedError {
  if (!(e instanceof Error)) return { name: 'Error', message: String(e), delta: false, fields: {} }
  const fields: Record<string, string | number | boolean | null> = {}
  for (const [k, v] of Object.entries(e)) {
    if (SKIPPED_FIELDS.has(k)) continue
    if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') fields[k] = v
  }
  const code = (e as { code?: unknown }).code
  return {
    name: e.name,
    message: e.message,
    ...(typeof code === 'string' ? { code } : {}),
    delta: e instanceof DeltaError,
    ...(e.stack !== undefined ? { stack: e.stack } : {}),
    fields,
    ...(e.cause !== undefined && depth > 0 ? { cause: serializeError(e.cause, depth - 1) } : {}),
  }
}

/**
 * The error `s` describes, rebuilt with the same class when it is a kernel error (so
 * `instanceof ParquetError` and `code` work as if it was thrown here), with its extra fields
 * (`feature` of UnsupportedFeatureError, ...). Other errors come back as `Error` with the same
 * name and message. The stack is the worker's.
 */
export function rebuildError(s: SerializedError): Error {
  const options = s.cause ? { cause: rebuildError(s.cause) } : undefined
  let err: Error
  const cls = CLASSES.get(s.name)
  if (s.delta && cls && s.code !== undefined) {
    // Runs DeltaError's constructor with the subclass as new.target: the right prototype and
    // name, whatever the subclass constructor's parameters are.
    err = Reflect.construct(DeltaError, [s.code as DeltaErrorCode, s.message, options], cls) as Error
  } else if (s.delta && s.code !== undefined) {
    err = new DeltaError(s.code as DeltaErrorCode, s.message, options)
    err.name = s.name
  } else {
    err = new Error(s.message, options)
    err.name = s.name
  }
  Object.assign(err, s.fields)
  if (!s.delta && s.code !== undefined) Object.assign(err, { code: s.code })
  if (s.stack !== undefined) err.stack = s.stack
  return err
}
