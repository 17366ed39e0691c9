/**
 * The storage contract every file system / object store engine implements.
 *
 * Locations are absolute URL strings (`file:///data/t/_delta_log/00000000000000000000.json`,
 * `memory:///t/part-0.parquet`, `s3://bucket/t/...`). The kernel resolves table-relative paths
 * against the table root URL before it calls the engine, so an engine never has to know what a
 * Delta table is.
 *
 * MUST rules (checked by the engine conformance suite in `delta-kernel/testing`):
 * - `list(dir)` yields only the objects directly in `dir` (not in sub-directories), unless
 *   `recursive` is set; never directories themselves.
 * - `list` yields in ascending order of the UTF-8 bytes of `location`, and with `startAfter`
 *   only locations strictly greater than `startAfter`. (Same-directory, strict `>`: the kernel
 *   passes the last version it already has, so `>=` would re-read it.)
 * - `putIfAbsent` is atomic: of any number of concurrent calls for one location (from any
 *   process or machine), exactly one returns `{ status: 'created' }` and every other returns
 *   `{ status: 'exists' }`. It never throws for "already exists". A store that cannot promise
 *   this sets `capabilities.atomicPutIfAbsent = false`, and the kernel refuses to commit through it.
 * - Reads of missing objects throw `FileNotFoundError`; other failures throw `StorageError`
 *   (wrapped once, with the location in the message).
 * - `readRange(loc, start, end)` returns bytes `[start, end)`.
 *
 * @packageDocumentation
 */

/** What storage knows about one object. */
export interface FileMeta {
  /** Absolute location URL of the object. */
  readonly location: string
  /** Size in bytes. */
  readonly size: number
  /** Last modification time, milliseconds since the epoch (used for timestamp time travel). */
  readonly lastModified: number
}

/** Options accepted by every I/O call. */
export interface IoOptions {
  /** Cancels the operation; the call rejects with `AbortedError`. */
  readonly signal?: AbortSignal
}

/** Options of {@link FileSystem.list}. */
export interface ListOptions extends IoOptions {
  /** Yield only locations strictly greater than this one (a full location URL). */
  readonly startAfter?: string
  /** Also list objects in sub-directories, at any depth (used by vacuum). Default false. */
  readonly recursive?: boolean
}

/** Outcome of {@link FileSystem.putIfAbsent}: "already exists" is a value, not an error. */
export type PutIfAbsentResult = { readonly status: 'created' } | { readonly status: 'exists' }

/** Readonly capability flags with documented defaults. */
export interface FileSystemCapabilities {
  /**
   * True when `putIfAbsent` is atomic against every other writer (other processes and machines
   * included). Commits are refused on a store where this is false, unless a commit coordinator
   * is plugged in.
   */
  readonly atomicPutIfAbsent: boolean
}

/** A file system or object store. */
export interface FileSystem {
  /** Capability flags of this store. */
  readonly capabilities: FileSystemCapabilities
  /**
   * Lists objects directly under directory `dir` (a location ending in `/`), ascending by UTF-8
   * byte order of their locations. A missing directory yields nothing.
   */
  list(dir: string, options?: ListOptions): AsyncIterable<FileMeta>
  /** Reads a whole object. */
  read(location: string, options?: IoOptions): Promise<Uint8Array>
  /** Reads bytes `[start, end)` of an object. */
  readRange(location: string, start: number, end: number, options?: IoOptions): Promise<Uint8Array>
  /** Size and modification time of an object; throws `FileNotFoundError` if it is missing. */
  head(location: string, options?: IoOptions): Promise<FileMeta>
  /** Creates an object only if none exists at `location`, atomically (see the MUST rules). */
  putIfAbsent(location: string, data: Uint8Array, options?: IoOptions): Promise<PutIfAbsentResult>
  /** Creates or replaces an object. */
  put(location: string, data: Uint8Array, options?: IoOptions): Promise<void>
  /** Deletes an object; deleting a missing object is not an error. */
  delete(location: string, options?: IoOptions): Promise<void>
}
