/**
 * Reading checkpoints: classic and multi-part Parquet, UUID-named V2 checkpoints (JSON or
 * Parquet), and the sidecar files a V2 checkpoint references. Yields validated actions in
 * batches so replay never holds a second copy of a large checkpoint.
 *
 * @packageDocumentation
 */
import type { RecordBatch, Vector } from 'apache-arrow'
import type { Engine } from '../engine/engine.js'
import { AbortedError, CorruptCheckpointError, DeltaError, InvalidPathError, LimitExceededError, throwIfAborted } from '../errors.js'
import { type Action, type Metadata, type Remove, parseActionLine } from '../protocol/actions.js'
import { removeReader } from './checkpoint-file-actions.js'
import { type CompactAdds, compactAdds } from './compact-adds.js'
import { CHECKPOINT_NON_FILE, SIDECAR_READ_SCHEMA, checkpointAddWithParsedStats, statsParsedType } from './checkpoint-schema.js'
import { parseSchema } from '../protocol/schema.js'
import { columnMappingMode, toPhysicalSchema } from '../protocol/column-mapping.js'
import { readLogFile } from './commit-read.js'
import { logDir } from './log-files.js'
import type { CheckpointFiles } from './log-segment.js'
import type { FileMeta } from '../engine/file-system.js'
import type { StructType } from '../protocol/schema-types.js'

/** Arrow values to the plain JSON shapes the log uses (int64 → number, map → object). */
function plain(v: unknown): unknown {
  if (v === null || v === undefined) return null
  if (typeof v === 'bigint') {
    const n = Number(v)
    return Number.isSafeInteger(n) ? n : v
  }
  if (typeof v !== 'object') return v
  if (v instanceof Uint8Array) return v
  const j = (v as { toJSON?: () => unknown }).toJSON
  if (typeof j === 'function') {
    const o = j.call(v)
    if (Array.isArray(o)) return o.map(plain)
    if (o && typeof o === 'object') {
      const out: Record<string, unknown> = {}
      for (const [k, x] of Object.entries(o)) out[k] = plain(x)
      return out
    }
    return o
  }
  return v
}

/** Reads a struct column's row into a plain object, with only non-null fields set. */
function structRow(children: readonly [string, Vector][], i: number): Record<string, unknown> {
  const o: Record<string, unknown> = {}
  for (const [name, child] of children) {
    const x = child.get(i)
    if (x !== null && x !== undefined) o[name] = plain(x)
  }
  return o
}

/** Actions of a part of a checkpoint; plain adds may come as columns instead (see compact-adds.ts). */
export interface CheckpointChunk {
  readonly actions: Action[]
  readonly adds?: CompactAdds
}

function batchToActions(batch: RecordBatch, location: string, firstRow: number): CheckpointChunk {
  const out: Action[] = []
  const generic: { name: string; vec: Vector; children: [string, Vector][] }[] = []
  let compact: CompactAdds | undefined
  let removes: ((i: number) => Remove | undefined) | undefined
  for (const field of batch.schema.fields) {
    const vec = batch.getChild(field.name)
    if (!vec) continue
    // File actions are nearly every row of a checkpoint: read them straight from the buffers.
    if (field.name === 'add' && vec.nullCount < vec.length) {
      const read = compactAdds(vec.data[0]!, location, firstRow)
      compact = read.compact
      for (const add of read.others) out.push({ kind: 'add', add })
    } else if (field.name === 'remove') removes = removeReader(vec.data[0]!, location, firstRow)
    else if (vec.nullCount < vec.length) {
      const children = (field.type.children ?? []).map((c: { name: string }) => [c.name, vec.getChild(c.name)!] as [string, Vector])
      generic.push({ name: field.name, vec, children })
    }
  }
  for (let i = 0; i < batch.numRows; i++) {
    const remove = removes?.(i)
    if (remove) out.push({ kind: 'remove', remove })
    for (const c of generic) {
      if (!c.vec.isValid(i)) continue
      const row = structRow(c.children, i)
      // Spark writes a non-null struct with all-null leaves for absent actions in some versions.
      if (Object.keys(row).length === 0) continue
      try {
        for (const a of parseActionLine({ [c.name]: row }, `${location} row ${firstRow + i}`)) out.push(a)
      } catch (e) {
        throw new CorruptCheckpointError(`${location}: invalid ${c.name} action in row ${firstRow + i}: ${(e as Error).message}`, { cause: e })
      }
    }
  }
  return compact ? { actions: out, adds: compact } : { actions: out }
}

async function* readParquetActions(engine: Engine, file: FileMeta, schema: StructType, signal?: AbortSignal): AsyncGenerator<CheckpointChunk> {
  let iter: AsyncIterable<{ batch: RecordBatch; firstRowIndex: number }>
  try {
    iter = engine.parquet.read(file, { schema, signal })
    for await (const { batch, firstRowIndex } of iter) {
      yield batchToActions(batch, file.location, firstRowIndex)
    }
  } catch (e) {
    if (e instanceof AbortedError || e instanceof CorruptCheckpointError) throw e
    if (e instanceof DeltaError && e.code === 'FILE_NOT_FOUND') {
      throw new CorruptCheckpointError(`checkpoint file ${file.location} is listed but cannot be read`, { cause: e })
    }
    throw new CorruptCheckpointError(`cannot read checkpoint ${file.location}: ${(e as Error).message}`, { cause: e })
  }
}

/**
 * The file-action columns to read from one checkpoint or sidecar file: `add.stats_parsed` too when
 * the file has no JSON `add.stats` (writers may store only the struct form), so data skipping still
 * has statistics. Footers are cached by the Parquet handler, so the check costs no extra I/O there.
 */
async function fileActionSchema(engine: Engine, file: FileMeta, statsParsed: StructType | undefined, signal?: AbortSignal): Promise<StructType> {
  if (!statsParsed) return SIDECAR_READ_SCHEMA
  const footer = await engine.parquet.readFooter(file, { signal })
  const jsonStats = footer.rowGroups.some((rg) => rg.columns.some((c) => c.path === 'add.stats' && c.nullCount !== rg.numRows))
  if (jsonStats) return SIDECAR_READ_SCHEMA
  return { type: 'struct', fields: [{ name: 'add', type: checkpointAddWithParsedStats(statsParsed), nullable: true, metadata: {} }, SIDECAR_READ_SCHEMA.fields[1]!] }
}

/** The `stats_parsed` type for the table a checkpoint's metaData describes. */
function statsParsedOf(metadata: Metadata | undefined): StructType | undefined {
  if (!metadata || metadata.schemaString === '') return undefined
  try {
    const logical = parseSchema(metadata.schemaString)
    const data: StructType = { type: 'struct', fields: logical.fields.filter((x) => !metadata.partitionColumns.includes(x.name)) }
    return statsParsedType(toPhysicalSchema(data, columnMappingMode(metadata.configuration)))
  } catch {
    // A schema we cannot use for stats only costs skipping; the snapshot reports it properly.
    return undefined
  }
}

/**
 * Yields the actions of a checkpoint in batches (plain adds of Parquet files as columns): first the non-file actions of every checkpoint
 * file (protocol, metaData, txn, domainMetadata, checkpointMetadata, sidecar), then the file
 * actions of every part and of the sidecars any of them reference (V2 checkpoints).
 */
export async function* readCheckpoint(
  engine: Engine,
  tableRoot: string,
  checkpoint: CheckpointFiles,
  signal?: AbortSignal,
): AsyncGenerator<CheckpointChunk> {
  const sidecars: { path: string; sizeInBytes: number; modificationTime: number }[] = []
  const parquetFiles: FileMeta[] = []
  let metadata: Metadata | undefined
  const note = (actions: readonly Action[]) => {
    for (const a of actions) {
      if (a.kind === 'sidecar') sidecars.push(a.sidecar)
      else if (a.kind === 'metaData') metadata = a.metaData
    }
  }
  for (const file of checkpoint.files) {
    throwIfAborted(signal)
    const isJson = file.kind.type === 'checkpoint' && file.kind.layout === 'uuid' && file.kind.format === 'json'
    if (isJson) {
      let actions: Action[]
      try {
        actions = await readLogFile(engine, file.location, signal, file.size)
      } catch (e) {
        if (e instanceof AbortedError || e instanceof LimitExceededError) throw e
        throw new CorruptCheckpointError(`cannot read checkpoint ${file.location}: ${(e as Error).message}`, { cause: e })
      }
      note(actions)
      yield { actions }
    } else {
      for await (const chunk of readParquetActions(engine, file, CHECKPOINT_NON_FILE, signal)) {
        note(chunk.actions)
        yield chunk
      }
      parquetFiles.push(file)
    }
  }
  const statsParsed = statsParsedOf(metadata)
  for (const file of parquetFiles) {
    yield* readParquetActions(engine, file, await fileActionSchema(engine, file, statsParsed, signal), signal)
  }
  const dir = `${logDir(tableRoot)}_sidecars/`
  for (const s of sidecars) {
    // Sidecars live in _delta_log/_sidecars; the spec encourages storing only the file name.
    // Absolute paths are normalised too, so `_sidecars/../../x` cannot pass the prefix check.
    let location: string
    try {
      location = new URL(s.path, dir).href
    } catch {
      throw new InvalidPathError(`checkpoint ${checkpoint.version}: invalid sidecar path '${s.path}'`)
    }
    if (!location.startsWith(dir) || location.length === dir.length) {
      throw new InvalidPathError(`checkpoint ${checkpoint.version}: sidecar path '${s.path}' is outside ${dir}`)
    }
    let meta: FileMeta
    try {
      meta = await engine.fileSystem.head(location, { signal })
    } catch (e) {
      if (e instanceof AbortedError) throw e
      throw new CorruptCheckpointError(`sidecar ${location} of checkpoint ${checkpoint.version} cannot be read`, { cause: e })
    }
    yield* readParquetActions(engine, meta, await fileActionSchema(engine, meta, statsParsed, signal), signal)
  }
}
