/**
 * A micro-batch of a streaming read: the files it delivers (with where each came from), the end
 * offset to persist once the batch is processed, and reading the files as Arrow.
 *
 * @packageDocumentation
 */
import type * as A from 'apache-arrow'
import type { Engine } from '../engine/engine.js'
import { throwIfAborted } from '../errors.js'
import type { Add, Metadata } from '../protocol/actions.js'
import { columnMappingMode, physicalName, toPhysicalSchema } from '../protocol/column-mapping.js'
import { parseSchema } from '../protocol/schema.js'
import type { StructType } from '../protocol/schema-types.js'
import { readScanFile } from '../scan/read-file.js'
import { projectSchema } from '../scan/scan.js'
import { type ScanFile, type ScanState, scanFileOf } from '../scan/scan-file.js'
import type { StreamOffset } from './offsets.js'

/** One file a micro-batch delivers. */
export interface StreamFile {
  /** The `add` action (from the starting snapshot, or from commit `version`). */
  readonly add: Add
  /** The snapshot version (starting snapshot) or the commit version the file was added in. */
  readonly version: number
  /** Index of the file within its version, as offsets count it. */
  readonly index: number
  /** True for files of the snapshot the stream started from. */
  readonly isStartingVersion: boolean
  /** Commit timestamp of `version`, ms (for starting-snapshot files: the snapshot's timestamp). */
  readonly commitTimestamp: number
  /** The file as the scan layer reads it (partition values keyed by logical names). */
  readonly scanFile: ScanFile
}

/** A schema change a micro-batch is the first to deliver under (when the source splits on them). */
export interface SchemaChange {
  readonly version: number
  readonly previous: StructType
  readonly schema: StructType
}

/** One micro-batch of {@link streamChanges}. */
export interface MicroBatch {
  /** Offset before this batch (exclusive start). */
  readonly startOffset: StreamOffset
  /** Offset after this batch: persist it once the batch is processed, resume from it. */
  readonly endOffset: StreamOffset
  /** Files delivered, in stream order. */
  readonly files: readonly StreamFile[]
  /** Sum of the files' sizes in bytes. */
  readonly bytes: number
  /** Logical schema of the rows `batches()` yields. */
  readonly schema: StructType
  /** Plain scan state for reading the files elsewhere with `readScanFile`. */
  readonly scanState: ScanState
  /** Set on the first batch delivered under a new schema (`schemaChanges: 'split'`). */
  readonly schemaChange?: SchemaChange
  /** The latest table version the source knew of when it cut this batch. */
  readonly latestVersion: number
  /** Reads every file of the batch (deletion vectors applied), in order, as logical Arrow batches. */
  batches(options?: { signal?: AbortSignal }): AsyncGenerator<A.RecordBatch>
}

/** The scan state for reading data files of a table with `metadata` (whole schema). */
export function streamScanState(tableRoot: string, version: number, metadata: Metadata, columns?: readonly string[]): ScanState {
  const tableSchema = parseSchema(metadata.schemaString)
  const readSchema = projectSchema(tableSchema, columns)
  const mode = columnMappingMode(metadata.configuration)
  const partitionColumns = metadata.partitionColumns
  const dataFields = readSchema.fields.filter((f) => !partitionColumns.includes(f.name))
  return {
    tableRoot,
    version,
    readSchema,
    physicalSchema: toPhysicalSchema({ type: 'struct', fields: dataFields }, mode),
    partitionColumns,
    tableSchema,
    columnMappingMode: mode,
    allowAbsolutePaths: false,
  }
}

/** Maps physical partition column names to logical ones (column mapping), or undefined when they agree. */
export function partitionNameMap(metadata: Metadata): Map<string, string> | undefined {
  if (columnMappingMode(metadata.configuration) === 'none') return undefined
  const schema = parseSchema(metadata.schemaString)
  const out = new Map<string, string>()
  for (const f of schema.fields) if (metadata.partitionColumns.includes(f.name)) out.set(physicalName(f), f.name)
  return out
}

/** A stream file of `add`. */
export function streamFileOf(add: Add, version: number, index: number, isStartingVersion: boolean, commitTimestamp: number, names: Map<string, string> | undefined): StreamFile {
  return { add, version, index, isStartingVersion, commitTimestamp, scanFile: scanFileOf(add, names) }
}

/** Builds a micro-batch value. */
export function makeMicroBatch(
  engine: Engine,
  init: Omit<MicroBatch, 'batches' | 'bytes'>,
): MicroBatch {
  const bytes = init.files.reduce((n, f) => n + f.add.size, 0)
  return {
    ...init,
    bytes,
    async *batches(options: { signal?: AbortSignal } = {}) {
      for (const f of init.files) {
        throwIfAborted(options.signal)
        yield* readScanFile(engine, init.scanState, f.scanFile, options.signal ? { signal: options.signal } : {})
      }
    },
  }
}
