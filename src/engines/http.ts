/**
 * The read-only HTTP(S) engine: `http://` and `https://` locations over `fetch`, for tables on
 * static hosting, CDNs and public buckets, in browsers and Node alike.
 *
 * - `read`: GET; `readRange`: GET with `Range: bytes=a-b` (a server that ignores ranges and
 *   answers 200 still works, at the cost of the whole body); `head`: HEAD, falling back to a
 *   one-byte ranged GET when the server refuses HEAD or sends no length.
 * - `list`: only `…/_delta_log/`, derived from `_last_checkpoint` and probing `N.json` forward,
 *   since static servers cannot list (see `http/log-listing.ts` for the exact limits). Any other
 *   directory, or a recursive listing (vacuum), throws {@link ReadOnlyStorageError}.
 * - `put`, `putIfAbsent`, `delete` throw {@link ReadOnlyStorageError};
 *   `capabilities.atomicPutIfAbsent` is false, so the kernel never tries to commit through it.
 * - Locations are fetched exactly as given (they are URLs already). Servers read from a browser
 *   page on another origin must allow it with CORS and expose `Content-Range`, `Content-Length`
 *   and `Last-Modified`.
 * - 5xx, 429 and network failures are retried with jittered backoff.
 *
 * @packageDocumentation
 */
import type { FileMeta, FileSystem, IoOptions, ListOptions, PutIfAbsentResult } from '../engine/file-system.js'
import { FileNotFoundError, InvalidArgumentError, StorageError, throwIfAborted } from '../errors.js'
import { listLogByProbing } from './http/log-listing.js'
import { type FetchLike, HttpStatusError, type HttpContext, metaOf, request } from './http/requests.js'
import { assertDirectory, assertRange, orderListing } from './list-order.js'
import { httpStatusOf } from './object-store/errors.js'
import { type ObjectStoreRetryOptions, makeRetrier } from './object-store/retry.js'

export type { FetchLike, ResponseLike } from './http/requests.js'

/**
 * A write, delete or listing that a read-only store cannot do. A `StorageError` (code
 * `STORAGE_ERROR`) so existing handlers keep working; branch on the class to tell it apart.
 */
export class ReadOnlyStorageError extends StorageError {}

/** Options of {@link createHttpFileSystem}. */
export interface HttpFileSystemOptions {
  /** The `fetch` to use; default `globalThis.fetch`. */
  readonly fetch?: FetchLike
  /** Headers sent with every request (e.g. `Authorization`). */
  readonly headers?: Readonly<Record<string, string>>
  /** Retries of failed requests. */
  readonly retry?: ObjectStoreRetryOptions
  /** HEAD requests in flight while probing for commits. Default 4. */
  readonly probeConcurrency?: number
}

/** Creates the read-only HTTP(S) file system. */
export function createHttpFileSystem(options: HttpFileSystemOptions = {}): FileSystem {
  const fetchFn = options.fetch ?? (globalThis.fetch?.bind(globalThis) as FetchLike | undefined)
  if (!fetchFn) throw new InvalidArgumentError('http: no fetch available; pass options.fetch')
  const concurrency = options.probeConcurrency ?? 4
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) {
    throw new InvalidArgumentError(`http: probeConcurrency must be a positive integer, got ${concurrency}`)
  }
  const ctx: HttpContext = { fetch: fetchFn, headers: options.headers ?? {}, retry: makeRetrier(options.retry) }

  const head = async (location: string, io: IoOptions = {}): Promise<FileMeta> => {
    checkUrl(location)
    try {
      const { response } = await request(ctx, 'HEAD', location, { accept: [200], signal: io.signal, readBody: false, op: 'HEAD' })
      if (response.headers.get('content-length') !== null) return metaOf(location, response)
    } catch (e) {
      const status = e instanceof StorageError ? httpStatusOf(e.cause) : undefined
      if (status !== 405 && status !== 501 && status !== 403) throw e
    }
    // No usable HEAD: a one-byte range answers with the total size in Content-Range.
    const { response } = await request(ctx, 'GET', location, {
      headers: { range: 'bytes=0-0' }, accept: [200, 206, 416], signal: io.signal, readBody: true, op: 'GET bytes=0-0',
    })
    return metaOf(location, response)
  }

  const refuse = (op: string, location: string, signal: AbortSignal | undefined): never => {
    throwIfAborted(signal)
    throw new ReadOnlyStorageError(`http: ${op} ${location}: the HTTP engine is read-only`)
  }

  return {
    capabilities: { atomicPutIfAbsent: false },

    async *list(dir: string, opts: ListOptions = {}): AsyncIterable<FileMeta> {
      throwIfAborted(opts.signal)
      assertDirectory(dir)
      checkUrl(dir)
      if (opts.recursive || !dir.endsWith('/_delta_log/')) {
        throw new ReadOnlyStorageError(
          `http: cannot list ${dir}${opts.recursive ? ' recursively' : ''}: over HTTP only a table's _delta_log/ can be listed (by probing)`,
        )
      }
      const found = await listLogByProbing(dir, {
        head: (location, signal) => head(location, { signal }),
        readHint: async (location, signal) => {
          try {
            return (await request(ctx, 'GET', location, { accept: [200], signal, readBody: true, op: 'GET' })).body
          } catch (e) {
            if (e instanceof FileNotFoundError) return undefined
            throw e
          }
        },
      }, { startAfter: opts.startAfter, signal: opts.signal, concurrency })
      for (const m of orderListing(found, opts.startAfter)) {
        throwIfAborted(opts.signal)
        yield m
      }
    },

    async read(location: string, io: IoOptions = {}): Promise<Uint8Array> {
      checkUrl(location)
      return (await request(ctx, 'GET', location, { accept: [200], signal: io.signal, readBody: true, op: 'GET' })).body!
    },

    async readRange(location: string, start: number, end: number, io: IoOptions = {}): Promise<Uint8Array> {
      assertRange(location, start, end)
      checkUrl(location)
      if (start === end) {
        const meta = await head(location, io)
        if (end > meta.size) throw pastEnd(location, start, end, meta.size)
        return new Uint8Array(0)
      }
      const range = `bytes=${start}-${end - 1}`
      let result: Awaited<ReturnType<typeof request>>
      try {
        result = await request(ctx, 'GET', location, { headers: { range }, accept: [200, 206], signal: io.signal, readBody: true, op: `GET ${range}` })
      } catch (e) {
        if (e instanceof StorageError && e.cause instanceof HttpStatusError && e.cause.statusCode === 416) {
          throw pastEnd(location, start, end, undefined)
        }
        throw e
      }
      const body = result.body!
      // 200: the server ignored the range and sent the whole object.
      const bytes = result.response.status === 200 ? body.subarray(start, end) : body
      if (bytes.length !== end - start) throw pastEnd(location, start, end, result.response.status === 200 ? body.length : undefined)
      return result.response.status === 200 ? bytes.slice() : bytes
    },

    head,

    putIfAbsent: (location: string, _data: Uint8Array, io: IoOptions = {}): Promise<PutIfAbsentResult> =>
      Promise.resolve().then(() => refuse('putIfAbsent', location, io.signal)),
    put: (location: string, _data: Uint8Array, io: IoOptions = {}): Promise<void> =>
      Promise.resolve().then(() => refuse('put', location, io.signal)),
    delete: (location: string, io: IoOptions = {}): Promise<void> =>
      Promise.resolve().then(() => refuse('delete', location, io.signal)),
  }
}

function checkUrl(location: string): void {
  if (!/^https?:\/\//i.test(location)) {
    throw new InvalidArgumentError(`http: expected an http:// or https:// URL, got '${location}'`)
  }
}

function pastEnd(location: string, start: number, end: number, size: number | undefined): StorageError {
  const found = size === undefined ? 'the object is shorter' : `the object has ${size} bytes`
  return new StorageError(`http: range [${start}, ${end}) is past the end of ${location}: ${found}`)
}
