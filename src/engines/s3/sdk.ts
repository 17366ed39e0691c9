/**
 * The part of `@aws-sdk/client-s3` the S3 engine uses, typed structurally so the kernel never
 * imports the SDK's types, and the SDK itself is loaded with a dynamic `import()` on first use:
 * code that never touches S3 never loads it, and it stays an optional peer dependency.
 *
 * @packageDocumentation
 */
import { StorageError } from '../../errors.js'

/** What every S3 command input shares. */
interface BucketKey {
  Bucket: string
  Key: string
}

/** `ListObjectsV2` input. */
export interface ListObjectsV2Input {
  Bucket: string
  Prefix?: string
  Delimiter?: string
  StartAfter?: string
  ContinuationToken?: string
  MaxKeys?: number
}

/** `ListObjectsV2` output (the fields read). */
export interface ListObjectsV2Output {
  Contents?: ReadonlyArray<{ Key?: string; Size?: number; LastModified?: Date }>
  IsTruncated?: boolean
  NextContinuationToken?: string
}

/** `GetObject` output (the fields read). */
export interface GetObjectOutput {
  Body?: { transformToByteArray(): Promise<Uint8Array> }
  ContentLength?: number
  ContentRange?: string
}

/** `HeadObject` output (the fields read). */
export interface HeadObjectOutput {
  ContentLength?: number
  LastModified?: Date
}

/** A constructed command, opaque to the engine. */
export type S3Command = object

/** The command constructors the engine uses. */
export interface S3Commands {
  ListObjectsV2Command: new (input: ListObjectsV2Input) => S3Command
  GetObjectCommand: new (input: BucketKey & { Range?: string }) => S3Command
  HeadObjectCommand: new (input: BucketKey) => S3Command
  PutObjectCommand: new (input: BucketKey & { Body: Uint8Array; IfNoneMatch?: string; ContentLength?: number }) => S3Command
  DeleteObjectCommand: new (input: BucketKey) => S3Command
}

/**
 * An S3 client: `S3Client` of `@aws-sdk/client-s3`, or anything with the same `send`. Outputs
 * are checked at the call sites, hence `unknown`.
 */
export interface S3ClientLike {
  send(command: S3Command, options?: { abortSignal?: AbortSignal }): Promise<unknown>
}

/** The SDK module: the commands and the client class. */
export interface S3Sdk extends S3Commands {
  S3Client: new (config: Record<string, unknown>) => S3ClientLike
}

let loaded: Promise<S3Sdk> | undefined

/** Loads `@aws-sdk/client-s3` once; `StorageError` naming the package when it is not installed. */
export function loadS3Sdk(): Promise<S3Sdk> {
  loaded ??= import('@aws-sdk/client-s3').then(
    (m) => m as unknown as S3Sdk,
    (e: unknown) => {
      loaded = undefined
      throw new StorageError(
        's3: the S3 engine needs the optional peer dependency @aws-sdk/client-s3; install it (npm install @aws-sdk/client-s3)',
        { cause: e },
      )
    },
  )
  return loaded
}
