/**
 * The Azure Blob Storage engine: `az://container/path` and
 * `abfss://container@account.dfs.core.windows.net/path` locations, through `@azure/storage-blob`
 * (an optional peer dependency, loaded with `import()` on first use).
 *
 * - `list`: blob listing with a `/` delimiter for one directory, flat when recursive, paged with
 *   continuation tokens; Azure has no "start after" for this API version, so `startAfter` filters
 *   client-side (see `object-store/listing.ts` for the ordering).
 * - `read`/`readRange`: `download(offset, count)`; `head`: `getProperties`.
 * - `putIfAbsent`: block blob upload with `If-None-Match: *`; 409 `BlobAlreadyExists` (and 412
 *   `ConditionNotMet`) mean "exists". Azure enforces the condition server-side, so no probe is
 *   asked for.
 * - Throttling (503 ServerBusy, 429), 5xx and dropped connections are retried with jittered
 *   backoff; a conditional upload only on throttling, where nothing was written.
 * - `lastModified` is in whole seconds (HTTP dates), in listings and `head` alike.
 *
 * @packageDocumentation
 */
import type { FileMeta, FileSystem, IoOptions, ListOptions, PutIfAbsentResult } from '../engine/file-system.js'
import { InvalidArgumentError, StorageError, throwIfAborted } from '../errors.js'
import { type AzureBlobRef, parseAzureLocation } from './azure/locations.js'
import {
  type AzureBlockBlobClientLike,
  type AzureContainerClientLike,
  type AzureDownload,
  type AzureSdk,
  type AzureServiceClientLike,
  loadAzureSdk,
} from './azure/sdk.js'
import { assertDirectory, assertRange } from './list-order.js'
import { errorField, httpStatusOf, isThrottle, isTransient, storeFailure } from './object-store/errors.js'
import { type ListedObject, toListing, wholeSeconds } from './object-store/listing.js'
import { type ObjectStoreRetryOptions, makeRetrier } from './object-store/retry.js'

export type { AzureServiceClientLike } from './azure/sdk.js'

/** Options of {@link createAzureFileSystem}. Give one of `serviceClient`, `connectionString`, `account`/`url`. */
export interface AzureFileSystemOptions {
  /** Storage account name; abfss locations must name this account when set. */
  readonly account?: string
  /** When set, only locations in this container are accepted. */
  readonly container?: string
  /** A ready `BlobServiceClient`; the connection options below are then ignored. */
  readonly serviceClient?: AzureServiceClientLike
  /** A storage connection string (`DefaultEndpointsProtocol=...;AccountName=...;...`). */
  readonly connectionString?: string
  /** Blob service URL; default `https://<account>.blob.core.windows.net`. */
  readonly url?: string
  /** Shared key of `account`; builds a `StorageSharedKeyCredential`. */
  readonly accountKey?: string
  /** Any credential `BlobServiceClient` accepts (a `TokenCredential`, ...); wins over `accountKey`. */
  readonly credential?: unknown
  /** Retries of throttled and failed requests (the SDK's own retries are turned off). */
  readonly retry?: ObjectStoreRetryOptions
  /** Blobs per listing page; default 5000 (the Azure maximum). */
  readonly listPageSize?: number
  /** Loads the SDK module; default `import('@azure/storage-blob')`. For bundlers and tests. */
  readonly loadSdk?: () => Promise<AzureSdk>
}

const ENGINE = 'azure'

/** Creates an Azure Blob Storage file system. No request is made until first use. */
export function createAzureFileSystem(options: AzureFileSystemOptions): FileSystem {
  if (!options.serviceClient && !options.connectionString && !options.account && !options.url) {
    throw new InvalidArgumentError('azure: give serviceClient, connectionString, account or url')
  }
  const pageSize = options.listPageSize ?? 5000
  const retry = makeRetrier(options.retry)
  const loadSdk = options.loadSdk ?? loadAzureSdk
  let service: Promise<AzureServiceClientLike> | undefined
  const connect = () =>
    (service ??= (options.serviceClient ? Promise.resolve(options.serviceClient) : loadSdk().then((sdk) => makeService(sdk, options))).catch(
      (e: unknown) => {
        service = undefined
        throw e
      },
    ))

  const refOf = (location: string): AzureBlobRef => {
    const ref = parseAzureLocation(location)
    if (options.container !== undefined && ref.container !== options.container) {
      throw new InvalidArgumentError(`azure: this engine serves container '${options.container}', got '${ref.container}' in '${location}'`)
    }
    if (options.account !== undefined && ref.account !== undefined && ref.account !== options.account) {
      throw new InvalidArgumentError(`azure: this engine serves account '${options.account}', got '${ref.account}' in '${location}'`)
    }
    return ref
  }

  /** Runs one request with retries; failures wrapped once, as FileNotFoundError when `missing` says so. */
  const call = async <T>(
    op: string,
    location: string,
    run: (container: AzureContainerClientLike, ref: AzureBlobRef) => Promise<T>,
    signal: AbortSignal | undefined,
    opts: { retryable?: (e: unknown) => boolean; missing?: (e: unknown) => boolean } = {},
  ): Promise<T> => {
    throwIfAborted(signal)
    const ref = refOf(location)
    try {
      const container = (await connect()).getContainerClient(ref.container)
      return await retry(() => run(container, ref), opts.retryable ?? isTransient, signal)
    } catch (e) {
      throw storeFailure(ENGINE, op, location, e, opts.missing)
    }
  }
  const blob = (c: AzureContainerClientLike, ref: AzureBlobRef): AzureBlockBlobClientLike => c.getBlockBlobClient(ref.name)

  const head = async (location: string, io: IoOptions = {}): Promise<FileMeta> => {
    const p = await call('getProperties', location, (c, ref) => blob(c, ref).getProperties({ abortSignal: io.signal }), io.signal, {
      missing: isMissing,
    })
    return { location, size: Number(p.contentLength ?? 0), lastModified: wholeSeconds(p.lastModified) }
  }

  const download = async (location: string, offset: number, count: number | undefined, io: IoOptions): Promise<Uint8Array> => {
    const op = count === undefined ? 'download' : `download [${offset}, ${offset + count})`
    return call(op, location, async (c, ref) => bodyBytes(await blob(c, ref).download(offset, count, { abortSignal: io.signal })), io.signal, {
      missing: isMissing,
    })
  }

  return {
    capabilities: { atomicPutIfAbsent: true },

    async *list(dir: string, opts: ListOptions = {}): AsyncIterable<FileMeta> {
      throwIfAborted(opts.signal)
      assertDirectory(dir)
      const objects = await call('list', dir, async (c, ref) => {
        const found: ListedObject[] = []
        const listing = opts.recursive
          ? c.listBlobsFlat({ prefix: ref.name, abortSignal: opts.signal })
          : c.listBlobsByHierarchy('/', { prefix: ref.name, abortSignal: opts.signal })
        for await (const page of listing.byPage({ maxPageSize: pageSize })) {
          for (const b of page.segment.blobItems ?? []) {
            found.push({ key: b.name, size: Number(b.properties.contentLength ?? 0), lastModified: wholeSeconds(b.properties.lastModified) })
          }
        }
        return found
      }, opts.signal)
      for (const m of toListing(dir, refOf(dir).name, objects, opts.startAfter)) {
        throwIfAborted(opts.signal)
        yield m
      }
    },

    read: (location, io = {}) => download(location, 0, undefined, io),

    async readRange(location: string, start: number, end: number, io: IoOptions = {}): Promise<Uint8Array> {
      assertRange(location, start, end)
      if (start === end) {
        // The SDK reads "count 0" as "to the end"; properties still report a missing blob.
        const meta = await head(location, io)
        if (end > meta.size) throw pastEnd(location, start, end, meta.size)
        return new Uint8Array(0)
      }
      const bytes = await download(location, start, end - start, io).catch((e: unknown) => {
        if (e instanceof StorageError && httpStatusOf(e.cause) === 416) throw pastEnd(location, start, end, undefined)
        throw e
      })
      if (bytes.length !== end - start) throw pastEnd(location, start, end, start + bytes.length)
      return bytes
    },

    head,

    async putIfAbsent(location: string, data: Uint8Array, io: IoOptions = {}): Promise<PutIfAbsentResult> {
      const body = data.slice()
      try {
        await call(
          'upload (If-None-Match: *)',
          location,
          (c, ref) => blob(c, ref).upload(body, body.length, { conditions: { ifNoneMatch: '*' }, abortSignal: io.signal }),
          io.signal,
          { retryable: isThrottle },
        )
        return { status: 'created' }
      } catch (e) {
        const status = e instanceof StorageError ? httpStatusOf(e.cause) : undefined
        if (status === 409 || status === 412) return { status: 'exists' }
        throw e
      }
    },

    async put(location: string, data: Uint8Array, io: IoOptions = {}): Promise<void> {
      const body = data.slice()
      await call('upload', location, (c, ref) => blob(c, ref).upload(body, body.length, { abortSignal: io.signal }), io.signal)
    },

    async delete(location: string, io: IoOptions = {}): Promise<void> {
      try {
        await call('delete', location, (c, ref) => blob(c, ref).delete({ abortSignal: io.signal }), io.signal)
      } catch (e) {
        if (e instanceof StorageError && isMissing(e.cause)) return
        throw e
      }
    },
  }
}

function makeService(sdk: AzureSdk, o: AzureFileSystemOptions): AzureServiceClientLike {
  const clientOptions = { retryOptions: { maxTries: 1 } }
  if (o.connectionString) return sdk.BlobServiceClient.fromConnectionString(o.connectionString, clientOptions)
  const url = o.url ?? `https://${o.account}.blob.core.windows.net`
  const credential =
    o.credential ?? (o.accountKey !== undefined && o.account !== undefined ? new sdk.StorageSharedKeyCredential(o.account, o.accountKey) : undefined)
  return new sdk.BlobServiceClient(url, credential, clientOptions)
}

/** A missing blob (404), not a missing container, which is a configuration error. */
function isMissing(e: unknown): boolean {
  return httpStatusOf(e) === 404 && errorField(e, 'code') !== 'ContainerNotFound'
}

async function bodyBytes(d: AzureDownload): Promise<Uint8Array> {
  if (d.readableStreamBody) {
    const chunks: Uint8Array[] = []
    for await (const c of d.readableStreamBody) chunks.push(typeof c === 'string' ? new TextEncoder().encode(c) : c)
    const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0))
    let at = 0
    for (const c of chunks) {
      out.set(c, at)
      at += c.length
    }
    return out
  }
  if (d.blobBody) return new Uint8Array(await (await d.blobBody).arrayBuffer())
  throw new StorageError('azure: download returned no body')
}

function pastEnd(location: string, start: number, end: number, size: number | undefined): StorageError {
  const found = size === undefined ? 'the blob is shorter' : `the blob has ${size} bytes`
  return new StorageError(`azure: range [${start}, ${end}) is past the end of ${location}: ${found}`)
}
