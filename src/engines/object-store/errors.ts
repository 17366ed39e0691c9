/**
 * Classifying object-store failures (S3, Azure and HTTP alike): HTTP status, SDK error name and
 * Node network error code, read structurally from whatever the SDK threw.
 *
 * Runtime-neutral: no `node:*` imports.
 *
 * @packageDocumentation
 */
import { AbortedError, DeltaError, FileNotFoundError, StorageError } from '../../errors.js'

/** The HTTP status of an SDK error: `$metadata.httpStatusCode` (AWS) or `statusCode` (Azure). */
export function httpStatusOf(e: unknown): number | undefined {
  if (typeof e !== 'object' || e === null) return undefined
  const meta = (e as { $metadata?: { httpStatusCode?: unknown } }).$metadata
  const status = meta?.httpStatusCode ?? (e as { statusCode?: unknown }).statusCode
  return typeof status === 'number' ? status : undefined
}

/** A string property of an error object (`name`, `code`, `Code`), if present. */
export function errorField(e: unknown, field: 'name' | 'code' | 'Code' | 'message'): string | undefined {
  if (typeof e !== 'object' || e === null) return undefined
  const v = (e as Record<string, unknown>)[field]
  return typeof v === 'string' ? v : undefined
}

const NETWORK_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH',
  'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'REQUEST_SEND_ERROR',
])
const THROTTLE_NAMES = new Set(['SlowDown', 'Throttling', 'ThrottlingException', 'TooManyRequestsException', 'ServerBusy'])
const TRANSIENT_NAMES = new Set(['RequestTimeout', 'InternalError', 'ServiceUnavailable', 'TimeoutError', 'NetworkingError'])

/** The store refused for load: nothing was applied, so even a conditional create may retry. */
export function isThrottle(e: unknown): boolean {
  const status = httpStatusOf(e)
  if (status === 429 || status === 503) return true
  const name = errorField(e, 'name') ?? errorField(e, 'code') ?? ''
  return THROTTLE_NAMES.has(name)
}

/** A failure worth retrying for an idempotent request: throttling, 5xx, timeouts, dropped connections. */
export function isTransient(e: unknown): boolean {
  if (isAbort(e)) return false
  if (isThrottle(e)) return true
  const status = httpStatusOf(e)
  if (status !== undefined) return status >= 500 || status === 408
  const name = errorField(e, 'name') ?? ''
  const code = errorField(e, 'code') ?? errorField((e as { cause?: unknown })?.cause, 'code') ?? ''
  return TRANSIENT_NAMES.has(name) || NETWORK_CODES.has(code) || (e instanceof TypeError && /fetch failed/i.test(e.message))
}

/** An abort, from our `AbortSignal` through the SDK or `fetch`. */
export function isAbort(e: unknown): boolean {
  if (e instanceof AbortedError) return true
  const name = errorField(e, 'name')
  return name === 'AbortError'
}

/** One-line description of an SDK failure for error messages: status, name, code, first line of the message. */
export function describeFailure(e: unknown): string {
  const status = httpStatusOf(e)
  const name = errorField(e, 'name')
  const code = errorField(e, 'code') ?? errorField(e, 'Code')
  const message = errorField(e, 'message')?.split('\n')[0]
  const parts = [status !== undefined ? `HTTP ${status}` : undefined, name, code !== name ? code : undefined, message]
  return parts.filter((s) => s !== undefined && s !== '').join(': ')
}

/**
 * Wraps a failure once, at the engine boundary: aborts become `AbortedError`, "not found" (when
 * `notFound` says so, for reads) `FileNotFoundError`, anything else `StorageError` naming the
 * engine, the operation and the location.
 */
export function storeFailure(
  engine: string,
  op: string,
  location: string,
  e: unknown,
  notFound: (e: unknown) => boolean = () => false,
): DeltaError {
  if (e instanceof DeltaError) return e
  if (isAbort(e)) return new AbortedError(`${engine}: ${op} ${location} aborted`, { cause: e })
  if (notFound(e)) return new FileNotFoundError(location, { cause: e })
  return new StorageError(`${engine}: ${op} ${location} failed: ${describeFailure(e)}`, { cause: e })
}
