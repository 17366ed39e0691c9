/**
 * The S3 engine: `s3://bucket/key` locations on Amazon S3 or an S3-compatible server, through
 * `@aws-sdk/client-s3` (an optional peer dependency, loaded with `import()` on first use).
 *
 * - `list`: `ListObjectsV2` with continuation, `Delimiter: '/'` for one directory, none when
 *   recursive; `StartAfter` cuts a log listing to its tail (see `object-store/listing.ts`).
 * - `read`/`readRange`: `GetObject`, ranged with `Range: bytes=a-b`; `head`: `HeadObject`.
 * - `putIfAbsent`: `PutObject` with `If-None-Match: *`; HTTP 412 (precondition failed) and 409
 *   (a concurrent conditional write in progress) both mean "exists". The SDK reports 412 with
 *   the message "UnknownError", so the status code is what is checked. Because the guarantee
 *   rests on the server, `capabilities.verifyPutIfAbsent` asks the commit path to probe it once.
 * - Throttling (429, 503 SlowDown), 5xx and dropped connections are retried with jittered
 *   backoff; a conditional PUT only on throttling, where nothing was written.
 * - `lastModified` is in whole seconds (HEAD carries an HTTP date; listings agree with it).
 *
 * @packageDocumentation
 */
import type { FileMeta, FileSystem, IoOptions, ListOptions, PutIfAbsentResult } from '../engine/file-system.js'
import type { VerifiableCapabilities } from '../engine/put-if-absent-probe.js'
import { InvalidArgumentError, StorageError, throwIfAborted } from '../errors.js'
import { assertDirectory, assertRange } from './list-order.js'
import { httpStatusOf, isThrottle, isTransient, storeFailure } from './object-store/errors.js'
import { decodeKeyPath, parseLocation } from './object-store/keys.js'
import { type ListedObject, storeStartAfter, toListing, wholeSeconds } from './object-store/listing.js'
import { type ObjectStoreRetryOptions, makeRetrier } from './object-store/retry.js'
import {
  type GetObjectOutput,
  type HeadObjectOutput,
  type ListObjectsV2Output,
  type S3ClientLike,
  type S3Sdk,
  loadS3Sdk,
} from './s3/sdk.js'

export type { S3ClientLike } from './s3/sdk.js'

/** Static or refreshable AWS credentials. */
export type S3Credentials =
  | { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string }
  | (() => Promise<{ readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string }>)

/** Options of {@link createS3FileSystem}. */
export interface S3FileSystemOptions {
  /** The bucket every location must name (`s3://<bucket>/...`). */
  readonly bucket: string
  /** When set, only keys under this prefix (e.g. `warehouse/`) are accepted. */
  readonly prefix?: string
  /** A ready client (`new S3Client(...)`); the options below are then ignored. */
  readonly client?: S3ClientLike
  /** Region; default `us-east-1`. */
  readonly region?: string
  /** Endpoint of an S3-compatible server, e.g. `http://127.0.0.1:7480`. */
  readonly endpoint?: string
  /** Path-style addressing (`endpoint/bucket/key`), which most S3-compatible servers need. */
  readonly forcePathStyle?: boolean
  /** Credentials; default the SDK's provider chain. */
  readonly credentials?: S3Credentials
  /**
   * More `S3Client` configuration. By default checksums are sent and checked only when
   * required (`requestChecksumCalculation`/`responseChecksumValidation: 'WHEN_REQUIRED'`), which
   * S3-compatible servers accept; the engine retries itself, so the SDK's `maxAttempts` is 1.
   */
  readonly clientConfig?: Readonly<Record<string, unknown>>
  /** Retries of throttled and failed requests. */
  readonly retry?: ObjectStoreRetryOptions
  /** Keys per `ListObjectsV2` page; default 1000 (the S3 maximum). */
  readonly listPageSize?: number
  /** Loads the SDK module; default `import('@aws-sdk/client-s3')`. For bundlers and tests. */
  readonly loadSdk?: () => Promise<S3Sdk>
}

const ENGINE = 's3'

/** Creates an S3 file system for `s3://bucket/...` locations. No request is made until first use. */
export function createS3FileSystem(options: S3FileSystemOptions): FileSystem {
  const { bucket } = options
  if (typeof bucket !== 'string' || bucket === '' || bucket.includes('/')) {
    throw new InvalidArgumentError(`s3: expected a bucket name, got '${String(bucket)}'`)
  }
  const prefix = options.prefix ?? ''
  const pageSize = options.listPageSize ?? 1000
  const retry = makeRetrier(options.retry)
  const loadSdk = options.loadSdk ?? loadS3Sdk
  let ready: Promise<{ sdk: S3Sdk; client: S3ClientLike }> | undefined
  const connect = () =>
    (ready ??= loadSdk().then((sdk) => ({ sdk, client: options.client ?? makeClient(sdk, options) })).catch((e: unknown) => {
      ready = undefined
      throw e
    }))

  const keyOf = (location: string): string => {
    const url = parseLocation(location, ['s3', 's3a'], ENGINE)
    if (url.host !== bucket) {
      throw new InvalidArgumentError(`s3: this engine serves bucket '${bucket}', got '${url.host}' in '${location}'`)
    }
    const key = decodeKeyPath(url.pathname, ENGINE, location)
    if (!key.startsWith(prefix) && key + '/' !== prefix) {
      throw new InvalidArgumentError(`s3: this engine serves keys under '${prefix}', got '${key}' in '${location}'`)
    }
    return key
  }

  /** Runs one request with retries; failures wrapped once, as FileNotFoundError when `missing` says so. */
  const call = async <T>(
    op: string,
    location: string,
    make: (sdk: S3Sdk) => object,
    signal: AbortSignal | undefined,
    opts: { retryable?: (e: unknown) => boolean; missing?: (e: unknown) => boolean } = {},
  ): Promise<T> => {
    throwIfAborted(signal)
    try {
      const { sdk, client } = await connect()
      return (await retry(() => client.send(make(sdk), { abortSignal: signal }), opts.retryable ?? isTransient, signal)) as T
    } catch (e) {
      throw storeFailure(ENGINE, op, location, e, opts.missing)
    }
  }

  const head = async (location: string, io: IoOptions = {}): Promise<FileMeta> => {
    const Key = keyOf(location)
    const out = await call<HeadObjectOutput>('HEAD', location, (s) => new s.HeadObjectCommand({ Bucket: bucket, Key }), io.signal, {
      missing: isMissing,
    })
    return { location, size: Number(out.ContentLength ?? 0), lastModified: wholeSeconds(out.LastModified) }
  }

  const get = async (location: string, range: string | undefined, io: IoOptions): Promise<Uint8Array> => {
    const Key = keyOf(location)
    const op = range ? `GET ${range}` : 'GET'
    const out = await call<GetObjectOutput>(
      op,
      location,
      (s) => new s.GetObjectCommand({ Bucket: bucket, Key, ...(range ? { Range: range } : {}) }),
      io.signal,
      { missing: isMissing },
    )
    return bodyBytes(out, op, location)
  }

  const capabilities: VerifiableCapabilities = { atomicPutIfAbsent: true, verifyPutIfAbsent: true }
  return {
    capabilities,

    async *list(dir: string, opts: ListOptions = {}): AsyncIterable<FileMeta> {
      throwIfAborted(opts.signal)
      assertDirectory(dir)
      const dirKey = keyOf(dir)
      const objects: ListedObject[] = []
      const StartAfter = storeStartAfter(dir, dirKey, opts.startAfter)
      let token: string | undefined
      do {
        const out: ListObjectsV2Output = await call('LIST', dir, (s) => new s.ListObjectsV2Command({
          Bucket: bucket,
          Prefix: dirKey,
          MaxKeys: pageSize,
          ...(opts.recursive ? {} : { Delimiter: '/' }),
          ...(StartAfter !== undefined ? { StartAfter } : {}),
          ...(token !== undefined ? { ContinuationToken: token } : {}),
        }), opts.signal)
        for (const c of out.Contents ?? []) {
          if (c.Key !== undefined) objects.push({ key: c.Key, size: Number(c.Size ?? 0), lastModified: wholeSeconds(c.LastModified) })
        }
        token = out.IsTruncated ? out.NextContinuationToken : undefined
      } while (token !== undefined)
      for (const m of toListing(dir, dirKey, objects, opts.startAfter)) {
        throwIfAborted(opts.signal)
        yield m
      }
    },

    read: (location, io = {}) => get(location, undefined, io),

    async readRange(location: string, start: number, end: number, io: IoOptions = {}): Promise<Uint8Array> {
      assertRange(location, start, end)
      if (start === end) {
        // No byte range can be empty in HTTP; HEAD still reports a missing object as missing.
        const meta = await head(location, io)
        if (end > meta.size) throw pastEnd(location, start, end, meta.size)
        return new Uint8Array(0)
      }
      const bytes = await get(location, `bytes=${start}-${end - 1}`, io).catch((e: unknown) => {
        // 416: the range starts at or past the end of the object.
        if (e instanceof StorageError && httpStatusOf(e.cause) === 416) throw pastEnd(location, start, end, undefined)
        throw e
      })
      if (bytes.length !== end - start) throw pastEnd(location, start, end, start + bytes.length)
      return bytes
    },

    head,

    async putIfAbsent(location: string, data: Uint8Array, io: IoOptions = {}): Promise<PutIfAbsentResult> {
      const Key = keyOf(location)
      const Body = data.slice()
      try {
        await call('PUT (If-None-Match: *)', location, (s) => new s.PutObjectCommand({ Bucket: bucket, Key, Body, IfNoneMatch: '*' }), io.signal, {
          retryable: isThrottle,
        })
        return { status: 'created' }
      } catch (e) {
        const status = e instanceof StorageError ? httpStatusOf(e.cause) : undefined
        if (status === 412 || status === 409) return { status: 'exists' }
        throw e
      }
    },

    async put(location: string, data: Uint8Array, io: IoOptions = {}): Promise<void> {
      const Key = keyOf(location)
      const Body = data.slice()
      await call('PUT', location, (s) => new s.PutObjectCommand({ Bucket: bucket, Key, Body }), io.signal)
    },

    async delete(location: string, io: IoOptions = {}): Promise<void> {
      const Key = keyOf(location)
      try {
        await call('DELETE', location, (s) => new s.DeleteObjectCommand({ Bucket: bucket, Key }), io.signal)
      } catch (e) {
        // S3 answers 204 for a missing key; some compatible servers say 404.
        if (e instanceof StorageError && httpStatusOf(e.cause) === 404 && !isMissingBucket(e.cause)) return
        throw e
      }
    },
  }
}

function makeClient(sdk: S3Sdk, o: S3FileSystemOptions): S3ClientLike {
  return new sdk.S3Client({
    region: o.region ?? 'us-east-1',
    maxAttempts: 1,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...(o.endpoint !== undefined ? { endpoint: o.endpoint } : {}),
    ...(o.forcePathStyle !== undefined ? { forcePathStyle: o.forcePathStyle } : {}),
    ...(o.credentials !== undefined ? { credentials: o.credentials } : {}),
    ...o.clientConfig,
  })
}

/** A missing key (404 NoSuchKey / NotFound), not a missing bucket, which is a configuration error. */
function isMissing(e: unknown): boolean {
  return httpStatusOf(e) === 404 && !isMissingBucket(e)
}

function isMissingBucket(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'NoSuchBucket'
}

async function bodyBytes(out: GetObjectOutput, op: string, location: string): Promise<Uint8Array> {
  if (!out.Body) throw new StorageError(`s3: ${op} ${location} returned no body`)
  try {
    return await out.Body.transformToByteArray()
  } catch (e) {
    throw storeFailure(ENGINE, `${op} (reading the body)`, location, e)
  }
}

function pastEnd(location: string, start: number, end: number, size: number | undefined): StorageError {
  const found = size === undefined ? 'the object is shorter' : `the object has ${size} bytes`
  return new StorageError(`s3: range [${start}, ${end}) is past the end of ${location}: ${found}`)
}
