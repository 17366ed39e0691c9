/**
 * The HTTP engine's requests: `fetch` with retries, statuses turned into kernel errors, and the
 * headers a static file server gives (`Content-Length`, `Content-Range`, `Last-Modified`).
 *
 * Runtime-neutral: only `fetch`, which browsers and Node 18+ have.
 *
 * @packageDocumentation
 */
import type { FileMeta } from '../../engine/file-system.js'
import { StorageError, throwIfAborted } from '../../errors.js'
import { isTransient, storeFailure } from '../object-store/errors.js'
import type { Retrier } from '../object-store/retry.js'

/** The subset of `fetch` the engine uses. */
export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; signal?: AbortSignal }) => Promise<ResponseLike>

/** The subset of `Response` the engine uses. */
export interface ResponseLike {
  readonly status: number
  readonly statusText: string
  readonly headers: { get(name: string): string | null }
  arrayBuffer(): Promise<ArrayBuffer>
}

/** A non-success HTTP status, as a value the shared error classifier reads (`statusCode`). */
export class HttpStatusError extends Error {
  readonly statusCode: number
  constructor(status: number, statusText: string) {
    super(statusText || `status ${status}`)
    this.name = 'HttpStatusError'
    this.statusCode = status
  }
}

/** Everything a request needs. */
export interface HttpContext {
  readonly fetch: FetchLike
  readonly headers: Readonly<Record<string, string>>
  readonly retry: Retrier
}

const ENGINE = 'http'

/**
 * Sends one request with retries (5xx, 429, network failures) and returns the response when its
 * status is in `accept`; 404 and 410 become `FileNotFoundError`, anything else `StorageError`.
 * With `readBody`, the body is read inside the retry, so a connection dropped mid-body retries too.
 */
export async function request(
  ctx: HttpContext,
  method: 'GET' | 'HEAD',
  url: string,
  options: { headers?: Record<string, string>; accept: readonly number[]; signal?: AbortSignal; readBody: boolean; op: string },
): Promise<{ response: ResponseLike; body: Uint8Array | undefined }> {
  throwIfAborted(options.signal)
  try {
    return await ctx.retry(async () => {
      const response = await ctx.fetch(url, { method, headers: { ...ctx.headers, ...options.headers }, signal: options.signal })
      if (!options.accept.includes(response.status)) {
        // Drain the body so the connection can be reused; its content is not needed.
        await response.arrayBuffer().catch(() => undefined)
        throw new HttpStatusError(response.status, response.statusText)
      }
      const body = options.readBody ? new Uint8Array(await response.arrayBuffer()) : undefined
      return { response, body }
    }, isTransient, options.signal)
  } catch (e) {
    throw storeFailure(ENGINE, options.op, url, e, isMissing)
  }
}

function isMissing(e: unknown): boolean {
  return e instanceof HttpStatusError && (e.statusCode === 404 || e.statusCode === 410)
}

/** Size and time of the object a response describes (`Content-Range` total first, then `Content-Length`). */
export function metaOf(location: string, response: ResponseLike): FileMeta {
  const range = /\/(\d+)\s*$/.exec(response.headers.get('content-range') ?? '')
  const length = range?.[1] ?? response.headers.get('content-length')
  const size = length === null || length === undefined ? NaN : Number(length)
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new StorageError(`http: ${location} has no usable Content-Length or Content-Range (got '${length ?? 'none'}'); the server must send one`)
  }
  const modified = Date.parse(response.headers.get('last-modified') ?? '')
  return { location, size, lastModified: Number.isFinite(modified) ? modified : 0 }
}
