/**
 * Typed errors. Every failure the kernel reports is a {@link DeltaError} with a stable `code`
 * that callers (and the CLI's exit codes) can branch on. Messages say what was expected, what
 * was found, and where (table, version, file).
 *
 * @packageDocumentation
 */

/** Stable machine-readable error codes. Additive only: never rename or reuse a code. */
export type DeltaErrorCode =
  | 'TABLE_NOT_FOUND'
  | 'VERSION_NOT_FOUND'
  | 'LOG_GAP'
  | 'MISSING_PROTOCOL'
  | 'MISSING_METADATA'
  | 'UNSUPPORTED_FEATURE'
  | 'INVALID_LOG'
  | 'CORRUPT_CHECKPOINT'
  | 'INVALID_SCHEMA'
  | 'INVALID_PARTITION_VALUE'
  | 'INVALID_PATH'
  | 'INVALID_ARGUMENT'
  | 'FILE_NOT_FOUND'
  | 'FILE_ALREADY_EXISTS'
  | 'STORAGE_ERROR'
  | 'PARQUET_ERROR'
  | 'DELETION_VECTOR_ERROR'
  | 'EXPRESSION_ERROR'
  | 'CONCURRENT_MODIFICATION'
  | 'COMMIT_FAILED'
  | 'INVALID_WRITE'
  | 'LIMIT_EXCEEDED'
  | 'ABORTED'
  | 'STREAM_DATA_CHANGED'
  | 'SCHEMA_CHANGED'
  | 'CDF_NOT_ENABLED'

/** Base class of every error the kernel raises. */
export class DeltaError extends Error {
  /** Stable code; branch on this, not on the message. */
  readonly code: DeltaErrorCode

  constructor(code: DeltaErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
    this.name = new.target.name
  }
}

/** The location holds no Delta table (no `_delta_log` or no commits in it). */
export class TableNotFoundError extends DeltaError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('TABLE_NOT_FOUND', message, options)
  }
}

/** A requested version or timestamp is not (or no longer) reconstructable. */
export class VersionNotFoundError extends DeltaError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('VERSION_NOT_FOUND', message, options)
  }
}

/** The log has a hole between versions that a snapshot needs. */
export class LogGapError extends DeltaError {
  constructor(message: string) {
    super('LOG_GAP', message)
  }
}

/** No `protocol` action was found when reconstructing a snapshot. */
export class MissingProtocolError extends DeltaError {
  constructor(message: string) {
    super('MISSING_PROTOCOL', message)
  }
}

/** No `metaData` action was found when reconstructing a snapshot. */
export class MissingMetadataError extends DeltaError {
  constructor(message: string) {
    super('MISSING_METADATA', message)
  }
}

/**
 * The table needs a feature (reader feature, writer feature, protocol version, type) that this
 * kernel does not support. `feature` names it, e.g. `deletionVectors` or `readerVersion 4`.
 */
export class UnsupportedFeatureError extends DeltaError {
  readonly feature: string
  constructor(feature: string, message: string) {
    super('UNSUPPORTED_FEATURE', message)
    this.feature = feature
  }
}

/** A log file or action is malformed (bad JSON, missing required field, wrong type). */
export class InvalidLogError extends DeltaError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_LOG', message, options)
  }
}

/** A checkpoint (or sidecar, or `_last_checkpoint`) could not be read or is inconsistent. */
export class CorruptCheckpointError extends DeltaError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('CORRUPT_CHECKPOINT', message, options)
  }
}

/** A schema string is not a valid Delta schema. */
export class InvalidSchemaError extends DeltaError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_SCHEMA', message, options)
  }
}

/** A partition value cannot be parsed as its column's type. */
export class InvalidPartitionValueError extends DeltaError {
  constructor(message: string) {
    super('INVALID_PARTITION_VALUE', message)
  }
}

/** A path in the log is malformed or escapes the table root. */
export class InvalidPathError extends DeltaError {
  constructor(message: string) {
    super('INVALID_PATH', message)
  }
}

/** A caller passed an invalid argument (bad version, bad option). */
export class InvalidArgumentError extends DeltaError {
  constructor(message: string) {
    super('INVALID_ARGUMENT', message)
  }
}

/** A file the kernel needs does not exist in storage. */
export class FileNotFoundError extends DeltaError {
  readonly path: string
  constructor(path: string, options?: { cause?: unknown }) {
    super('FILE_NOT_FOUND', `file not found: ${path}`, options)
    this.path = path
  }
}

/** A storage operation failed (wrapped once at the engine boundary). */
export class StorageError extends DeltaError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('STORAGE_ERROR', message, options)
  }
}

/** A Parquet file could not be read or written. */
export class ParquetError extends DeltaError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('PARQUET_ERROR', message, options)
  }
}

/** A deletion vector is malformed, has a bad checksum, or points outside its file. */
export class DeletionVectorError extends DeltaError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('DELETION_VECTOR_ERROR', message, options)
  }
}

/** An expression is malformed or cannot be evaluated against the schema. */
export class ExpressionError extends DeltaError {
  constructor(message: string) {
    super('EXPRESSION_ERROR', message)
  }
}

/** A resource limit (line size, actions per commit, ...) was exceeded. */
export class LimitExceededError extends DeltaError {
  constructor(message: string) {
    super('LIMIT_EXCEEDED', message)
  }
}

/** The operation was cancelled through its `AbortSignal`. */
export class AbortedError extends DeltaError {
  constructor(message = 'operation aborted', options?: { cause?: unknown }) {
    super('ABORTED', message, options)
  }
}

/** Throws {@link AbortedError} if `signal` is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortedError('operation aborted', { cause: signal.reason })
}

/**
 * A concurrent commit made this transaction's commit impossible (Delta's optimistic concurrency
 * control). The subclasses name the rule that fired; `winningVersion` is the version of the
 * commit that won the race. Re-read the table and retry the operation.
 */
export class ConcurrentModificationError extends DeltaError {
  /** Version of the concurrent commit this transaction conflicts with, when known. */
  readonly winningVersion: number | undefined
  constructor(message: string, options: { winningVersion?: number; cause?: unknown } = {}) {
    super('CONCURRENT_MODIFICATION', message, options)
    this.winningVersion = options.winningVersion
  }
}

/** A concurrent commit added files that this transaction should have read (its read predicate matches them). */
export class ConcurrentAppendError extends ConcurrentModificationError {}

/** A concurrent commit removed a file that this transaction read. */
export class ConcurrentDeleteReadError extends ConcurrentModificationError {}

/** A concurrent commit removed a file that this transaction also removes. */
export class ConcurrentDeleteDeleteError extends ConcurrentModificationError {}

/** A concurrent commit changed the table metadata (schema, partitioning, properties). */
export class MetadataChangedError extends ConcurrentModificationError {}

/** A concurrent commit changed the table protocol. */
export class ProtocolChangedError extends ConcurrentModificationError {}

/**
 * A concurrent commit recorded an application transaction (`txn`) for an `appId` this
 * transaction depends on, or changed a metadata domain this transaction changes; or the table
 * already holds `appId` at a version at least as high as this transaction's (the batch was
 * already committed: `committedAppVersion` tells which).
 */
export class ConcurrentTransactionError extends ConcurrentModificationError {
  /** The application id involved, if the conflict is about a `txn` action. */
  readonly appId: string | undefined
  /** The metadata domain involved, if the conflict is about a `domainMetadata` action. */
  readonly domain: string | undefined
  /** The version the table records for `appId`, when known. */
  readonly committedAppVersion: number | undefined
  constructor(
    message: string,
    options: { winningVersion?: number; appId?: string; domain?: string; committedAppVersion?: number; cause?: unknown } = {},
  ) {
    super(message, options)
    this.appId = options.appId
    this.domain = options.domain
    this.committedAppVersion = options.committedAppVersion
  }
}

/**
 * A commit could not be made for a reason other than a logical conflict: the store has no atomic
 * put-if-absent, the retry budget ran out, or storage kept failing. Nothing was committed unless
 * the message says otherwise.
 */
export class CommitFailedError extends DeltaError {
  /** Number of put attempts made. */
  readonly attempts: number
  constructor(message: string, options: { attempts?: number; cause?: unknown } = {}) {
    super('COMMIT_FAILED', message, options)
    this.attempts = options.attempts ?? 0
  }
}

/** A write breaks a table rule: data that does not fit the schema, a delete on an append-only table, ... */
export class InvalidWriteError extends DeltaError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_WRITE', message, options)
  }
}

/** `createTable` found a Delta table (commits or checkpoints in `_delta_log`) at the location already. */
export class TableExistsError extends DeltaError {
  constructor(message: string) {
    super('FILE_ALREADY_EXISTS', message)
  }
}

/**
 * A streaming source met a commit that deletes or rewrites data (a `remove` with
 * `dataChange=true`): an append-only stream cannot express it. Set `ignoreDeletes` (commits that
 * only delete), `ignoreChanges` (also re-emit rewritten files) or `skipChangeCommits` (skip such
 * commits entirely), as Spark's Delta source does, or restart from a later version.
 */
export class StreamDataChangedError extends DeltaError {
  /** The commit version holding the change. */
  readonly version: number
  /** `delete` when the commit only removes data, `update` when it also adds data. */
  readonly change: 'delete' | 'update'
  constructor(message: string, options: { version: number; change: 'delete' | 'update' }) {
    super('STREAM_DATA_CHANGED', message)
    this.version = options.version
    this.change = options.change
  }
}

/**
 * The table schema or partitioning changed within a range a stream or a change data feed reads
 * (a `metaData` action at `version`). Restart the stream from `version` to read on with the new schema.
 */
export class SchemaChangedError extends DeltaError {
  /** The commit version holding the new metadata. */
  readonly version: number
  constructor(message: string, options: { version: number }) {
    super('SCHEMA_CHANGED', message)
    this.version = options.version
  }
}

/** A change data feed was asked for versions where `delta.enableChangeDataFeed` was not `true`. */
export class ChangeDataFeedNotEnabledError extends DeltaError {
  /** A version in the requested range without the change data feed enabled. */
  readonly version: number
  constructor(message: string, options: { version: number }) {
    super('CDF_NOT_ENABLED', message)
    this.version = options.version
  }
}
