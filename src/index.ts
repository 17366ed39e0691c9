/**
 * delta-kernel: a pure-TypeScript implementation of the Delta Lake transaction-log protocol.
 * This entry point is runtime-neutral (no `node:*` imports); Node engines live in `delta-kernel/node`.
 *
 * @packageDocumentation
 */
export * from './errors.js'
export type * from './engine/file-system.js'
export type * from './engine/parquet.js'
export type * from './engine/engine.js'
export { defaultJsonHandler, type JsonHandler } from './engine/json.js'
export type * from './protocol/schema-types.js'
export * from './protocol/actions.js'
export {
  parseSchema,
  parseDataType,
  serializeSchema,
  dataTypeToJson,
  describeType,
  decimalType,
  getField,
  partitionSchema,
  dataSchema,
  MAX_DECIMAL_PRECISION,
} from './protocol/schema.js'
export {
  columnMappingMode,
  physicalName,
  fieldId,
  toPhysicalSchema,
  PHYSICAL_NAME_KEY,
  COLUMN_ID_KEY,
  PARQUET_FIELD_ID_KEY,
  type ColumnMappingMode,
  type PhysicalSchemaOptions,
} from './protocol/column-mapping.js'
export {
  parsePartitionValue,
  serializePartitionValue,
  formatDecimal,
  escapePartitionPathComponent,
  unescapePartitionPathComponent,
  partitionPathSegment,
  partitionDirectory,
  parsePartitionPathSegment,
  HIVE_DEFAULT_PARTITION,
  type PartitionScalar,
  type DecimalValue,
} from './protocol/partition-values.js'
export { toArrowSchema, toArrowField, toArrowType, toArrowMetadata } from './protocol/arrow-types.js'
export {
  rowToJson,
  vectorValueToJson,
  arrowValueToJson,
  arrowValueToCsv,
  rowToCsv,
  csvHeader,
  jsonToCsvField,
  type JsonValue,
} from './protocol/value-encoding.js'
export { Table, type SnapshotOptions, type HistoryEntry } from './table.js'
export { Snapshot, loadSnapshot, type SnapshotUpdateOptions } from './snapshot.js'
export { Scan, projectSchema, type ScanOptions, type ScanRunOptions } from './scan/scan.js'
export { readScanFile, type ReadScanFileOptions } from './scan/read-file.js'
export type { ScanFile, ScanState } from './scan/scan-file.js'
export { filterBatch } from './scan/take.js'
export { buildLogSegment, type LogSegment, type CheckpointFiles } from './log/log-segment.js'
export { readCommitActions } from './log/commit-read.js'
export { commitFileName, logDir, padVersion, type LogFile, type LogFileKind } from './log/log-files.js'
export { resolveTablePath, isAbsolutePath, type ResolvePathOptions } from './protocol/paths.js'
export {
  knownTableFeatures,
  tableFeature,
  checkReadSupported,
  checkWriteSupported,
  activeReaderFeatures,
  activeWriterFeatures,
  type TableFeature,
} from './protocol/features.js'
export { createMemoryFileSystem, type MemoryFileSystemOptions } from './engines/memory.js'
export { z85Encode, z85Decode, uuidFromBytes, uuidToBytes } from './protocol/z85.js'
export { crc32 } from './protocol/crc32.js'
export { RoaringBitmapArray, type Container as RoaringContainer } from './protocol/roaring.js'
export { decodeRoaringBitmapArray, encodeRoaringBitmapArray } from './protocol/roaring-codec.js'
export {
  dvUniqueId,
  dvAbsolutePath,
  dvByteRange,
  dvOffset,
  encodeUuidDvPath,
  parseDvFile,
  parseInlineDv,
  encodeDvFile,
  inlineDvDescriptor,
  DV_FILE_VERSION,
  type ParseDvFileOptions,
  type EncodedDvEntry,
} from './protocol/deletion-vector.js'
export {
  loadDeletionVector,
  deletionKeepMask,
  deletionVectorSelector,
  type LoadDeletionVectorOptions,
} from './scan/deletion-vector-read.js'
export { createTable, type CreateTableOptions } from './txn/create-table.js'
export {
  Transaction,
  startTransaction,
  type TransactionOptions,
  type ReadDeclaration,
  type MetadataUpdate,
  type DeletePredicate,
  type DeleteResult,
  type RowPredicate,
} from './txn/transaction.js'
export { commitWithRetry, type CommitOutcome, type CommitLoopOptions, type PendingCommitSource, type WinningCommit } from './txn/commit.js'
export { DEFAULT_MAX_COMMIT_ATTEMPTS, type RetryPolicy } from './txn/retry.js'
export { checkWinningCommit, type ConflictScope, type IsolationLevel } from './txn/conflicts.js'
export { partitionRowOf, type PartitionPredicate, type PartitionRow } from './txn/predicate.js'
export { writeDataFiles, type WriteDataContext, type WriteDataOptions } from './txn/write-data.js'
export { collectStats, type CollectStatsOptions } from './txn/stats-collect.js'
export { statsSchema, parseStatsColumns, DEFAULT_NUM_INDEXED_COLS } from './txn/stats-columns.js'
export { truncateMinString, truncateMaxString, DEFAULT_STRING_PREFIX_LENGTH } from './txn/stats-strings.js'
export { requiredFeatures, protocolForNewTable, protocolSupports, upgradeProtocol } from './txn/table-protocol.js'
export { encodeRelativePath, removeFor } from './txn/file-actions.js'
export { ENGINE_INFO, KERNEL_VERSION } from './txn/commit-info.js'
export {
  withFaults,
  CrashError,
  type Fault,
  type FaultRule,
  type FaultPlan,
  type FaultController,
  type FaultyFileSystem,
  type FsCall,
  type FsOperation,
  type InjectedFault,
  type ListLag,
} from './engines/fault-injection.js'
export { DEFAULT_LOG_LIMITS, resolveLogLimits, type LogLimits } from './engine/limits.js'
export type { ParseLinesOptions } from './engine/json.js'
export { checkpoint, defaultCheckpointKind, supportsV2Checkpoints, checkpointLayout, type CheckpointOptions, type CheckpointResult } from './log/checkpoint-write.js'
export { maybeCheckpoint, checkpointDue, type MaybeCheckpointOptions, type MaybeCheckpointResult } from './log/checkpoint-hook.js'
export type { V2CheckpointOptions, WrittenCheckpoint } from './log/checkpoint-files.js'
export { checkpointContent, type CheckpointContent, type CheckpointSource } from './log/checkpoint-content.js'
export { checkpointWriteSchema, sidecarWriteSchema, type CheckpointLayoutOptions } from './log/checkpoint-write-schema.js'
export { writeLastCheckpoint, lastCheckpointJson, type LastCheckpointInfo } from './log/last-checkpoint-write.js'
export { jsonChecksum, canonicalizeJson } from './log/json-checksum.js'
export { md5, md5Hex } from './log/md5.js'
export {
  writeChecksum,
  readChecksum,
  validateChecksum,
  computeChecksum,
  checksumSourceAfterCommit,
  type VersionChecksum,
  type ChecksumSource,
  type ChecksumValidation,
} from './log/checksum.js'
export { cleanupLog, type CleanupOptions, type CleanupResult } from './log/cleanup.js'
export { vacuum, type VacuumOptions, type VacuumResult } from './txn/vacuum.js'
export {
  parseIntervalMs,
  logRetentionMs,
  deletedFileRetentionMs,
  checkpointInterval,
  DEFAULT_LOG_RETENTION_MS,
  DEFAULT_DELETED_FILE_RETENTION_MS,
  DEFAULT_CHECKPOINT_INTERVAL,
} from './log/retention.js'
export { writeCompaction, compactActions } from './log/compaction-write.js'
export {
  col,
  lit,
  typedLit,
  eq,
  ne,
  lt,
  le,
  gt,
  ge,
  isIn,
  isNull,
  isNotNull,
  startsWith,
  and,
  or,
  not,
  between,
  referencedColumns,
  type Expression,
  type ValueExpression,
  type Column,
  type Literal,
  type Scalar,
  type ScalarType,
  type Comparison,
  type ComparisonOp,
  type InList,
  type IsNull,
  type StartsWith,
  type Junction,
  type Not,
  type ResolvedColumn,
  type DecimalLiteralValue,
} from './scan/expression.js'
export { parseExpression } from './scan/expression-parser.js'
export { bindExpression, coerceLiteral } from './scan/expression-bind.js'
export { formatExpression } from './scan/expression-format.js'
export { evaluatePredicate, evaluateTruth, type TruthVector } from './scan/evaluate.js'
export { parseStats, statValue, JsonNumber, type FileStats, type StatsTree } from './scan/stats.js'
export { canSkipFile, canSkipRowGroup, type TypedPartitionValues, type ColumnFacts } from './scan/skipping.js'
export {
  createHttpFileSystem,
  ReadOnlyStorageError,
  type HttpFileSystemOptions,
  type FetchLike,
  type ResponseLike,
} from './engines/http.js'
export type { ObjectStoreRetryOptions } from './engines/object-store/retry.js'
export {
  resolveCommitPut,
  type CommitCoordinator,
  type CoordinatedEngine,
  type CommitPut,
  type ResolveCommitPutOptions,
} from './engine/commit-coordinator.js'
export {
  verifyPutIfAbsent,
  probeLocationPrefix,
  type VerifiableCapabilities,
  type VerifyPutIfAbsentOptions,
} from './engine/put-if-absent-probe.js'
export { streamChanges, DEFAULT_MAX_FILES_PER_TRIGGER, type StreamOptions } from './stream/source.js'
export type { MicroBatch, StreamFile, SchemaChange } from './stream/micro-batch.js'
export { type StreamStart } from './stream/start.js'
export type { ChangePolicy } from './stream/admission.js'
export { STREAM_OFFSET_FORMAT, checkOffset, parseOffset, serializeOffset, compareOffsets, type StreamOffset } from './stream/offsets.js'
export { readChangeDataFeed, planChangeDataFeed, readPlannedChangeDataFeed, type ChangeDataFeedOptions, type ChangeDataFeedPlan } from './stream/cdf.js'
export { writeChangeDataFiles, cdcFilesForRemovedRows, changeDataFeedEnabled } from './stream/cdf-write.js'
export { changeFilesOfCommit, type ChangeFile, type ChangeType } from './stream/cdf-plan.js'
export { CDF_COLUMNS, changeDataFeedSchema } from './stream/cdf-read.js'
export { appendStream, commitSinkBatch, type AppendStreamOptions, type AppendStreamResult, type SinkBatch, type SinkBatchResult } from './stream/sink.js'
export { readScanFilesConcurrently, createConcurrentScanReader, type ScanFileReader, type ReadScanFilesOptions, type ConcurrentReadOptions } from './scan/parallel.js'
export { readScanFileFromJson, parseScanState, parseScanFile } from './scan/read-file-json.js'
