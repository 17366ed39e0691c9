/**
 * The part of `@azure/storage-blob` the Azure engine uses, typed structurally so the kernel never
 * imports the SDK's types; the SDK is loaded with a dynamic `import()` on first use and stays an
 * optional peer dependency.
 *
 * @packageDocumentation
 */
import { StorageError } from '../../errors.js'

/** Options every call takes. */
export interface AzureCallOptions {
  abortSignal?: AbortSignal
}

/** A listed blob (the fields read). */
export interface AzureBlobItem {
  name: string
  properties: { contentLength?: number; lastModified?: Date }
}

/** One page of a listing (flat or by hierarchy; prefixes are ignored). */
export interface AzureListPage {
  segment: { blobItems?: AzureBlobItem[] }
  continuationToken?: string
}

/** A paged listing. */
export interface AzurePagedList {
  byPage(settings?: { continuationToken?: string; maxPageSize?: number }): AsyncIterable<AzureListPage>
}

/** `download()` response (the fields read): a Node stream, or a Blob in browsers. */
export interface AzureDownload {
  contentLength?: number
  readableStreamBody?: AsyncIterable<Uint8Array | string>
  blobBody?: Promise<{ arrayBuffer(): Promise<ArrayBuffer> }>
}

/** A block blob client (the methods used). */
export interface AzureBlockBlobClientLike {
  upload(
    body: Uint8Array,
    contentLength: number,
    options?: AzureCallOptions & { conditions?: { ifNoneMatch?: string } },
  ): Promise<unknown>
  download(offset?: number, count?: number, options?: AzureCallOptions): Promise<AzureDownload>
  getProperties(options?: AzureCallOptions): Promise<{ contentLength?: number; lastModified?: Date }>
  delete(options?: AzureCallOptions): Promise<unknown>
}

/** A container client (the methods used). */
export interface AzureContainerClientLike {
  getBlockBlobClient(name: string): AzureBlockBlobClientLike
  listBlobsFlat(options?: AzureCallOptions & { prefix?: string }): AzurePagedList
  listBlobsByHierarchy(delimiter: string, options?: AzureCallOptions & { prefix?: string }): AzurePagedList
}

/** A blob service client: `BlobServiceClient` of `@azure/storage-blob`, or anything alike. */
export interface AzureServiceClientLike {
  getContainerClient(name: string): AzureContainerClientLike
}

/** The SDK module: the client and credential classes. */
export interface AzureSdk {
  BlobServiceClient: {
    new (url: string, credential?: unknown, options?: Record<string, unknown>): AzureServiceClientLike
    fromConnectionString(connectionString: string, options?: Record<string, unknown>): AzureServiceClientLike
  }
  StorageSharedKeyCredential: new (account: string, key: string) => unknown
}

let loaded: Promise<AzureSdk> | undefined

/** Loads `@azure/storage-blob` once; `StorageError` naming the package when it is not installed. */
export function loadAzureSdk(): Promise<AzureSdk> {
  loaded ??= import('@azure/storage-blob').then(
    (m) => m as unknown as AzureSdk,
    (e: unknown) => {
      loaded = undefined
      throw new StorageError(
        'azure: the Azure engine needs the optional peer dependency @azure/storage-blob; install it (npm install @azure/storage-blob)',
        { cause: e },
      )
    },
  )
  return loaded
}
