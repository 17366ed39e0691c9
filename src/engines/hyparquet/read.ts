/**
 * Reads requested columns of a Parquet file as Arrow batches, one batch per row group.
 *
 * I/O: the footer (one read from the end, at most one more; cached), then per row group one
 * `readRange` per run of adjacent needed column chunks. Only the requested leaf columns (plus,
 * for a requested group none of whose requested leaves exist, one leaf locating its nulls) are
 * fetched and decoded; the next row group is fetched while the current one decodes.
 *
 * @packageDocumentation
 */
import * as arrow from 'apache-arrow'
import type { ColumnMetaData, Compressors, FileMetaData } from 'hyparquet'
import { parquetSchema } from 'hyparquet/src/metadata.js'
import type { FileMeta, FileSystem } from '../../engine/file-system.js'
import type { ParquetBatch, ParquetReadOptions } from '../../engine/parquet.js'
import { DeltaError, InvalidArgumentError, ParquetError, throwIfAborted } from '../../errors.js'
import { toArrowSchema } from '../../protocol/arrow-types.js'
import { buildField } from './assemble.js'
import { decodeColumnChunk, type LeafChunk } from './column-chunk.js'
import { levelTree, planRead, type FilePlan } from './plan.js'

/** Adjacent column chunks closer than this are fetched in one request. */
const MERGE_GAP = 256 * 1024

/** Everything a read needs besides the file. */
export interface ReadContext {
  readonly fileSystem: FileSystem
  readonly compressors: Compressors | undefined
  readonly footer: (file: FileMeta, signal: AbortSignal | undefined) => Promise<FileMetaData>
}

/** Reads `file` as batches of `options.schema` (see the ParquetHandler MUST rules). */
export async function* readParquetFile(ctx: ReadContext, file: FileMeta, options: ParquetReadOptions): AsyncGenerator<ParquetBatch> {
  const { signal } = options
  const metadata = await ctx.footer(file, signal)
  const schema = toArrowSchema(options.schema)
  let plan: FilePlan
  try {
    plan = planRead(options.schema, levelTree(parquetSchema(metadata)), file.location)
  } catch (cause) {
    throw wrap(cause, file.location)
  }
  const groups = selectGroups(metadata, options.rowGroups, file.location)
  const firstRows: number[] = []
  let acc = 0
  for (const rg of metadata.row_groups) {
    firstRows.push(acc)
    acc += Number(rg.num_rows)
  }
  let pending = groups.length ? fetchGroup(ctx, file, metadata, plan, groups[0]!, signal) : undefined
  // Awaited below; a read cancelled before that must not surface as an unhandled rejection.
  pending?.catch(() => undefined)
  for (let i = 0; i < groups.length; i++) {
    throwIfAborted(signal)
    const g = groups[i]!
    const buffers = await pending!
    pending = i + 1 < groups.length ? fetchGroup(ctx, file, metadata, plan, groups[i + 1]!, signal) : undefined
    // An abandoned prefetch must not surface as an unhandled rejection.
    pending?.catch(() => undefined)
    const numRows = Number(metadata.row_groups[g]!.num_rows)
    checkRequiredPresent(plan, options, numRows, file.location)
    let batch: arrow.RecordBatch
    try {
      const chunks = new Map<number, LeafChunk>()
      for (const [column, leaf] of plan.leaves) {
        const meta = columnMeta(metadata, g, column, file.location)
        chunks.set(column, decodeColumnChunk(buffers.get(column)!, meta, leaf, ctx.compressors))
      }
      const children = plan.fields.map((p, f) => buildField(p, schema.fields[f]!, chunks, numRows))
      const data = arrow.makeData({ type: new arrow.Struct(schema.fields), length: numRows, nullCount: 0, children })
      batch = new arrow.RecordBatch(schema, data)
    } catch (cause) {
      throw wrap(cause, `${file.location} (row group ${g})`)
    }
    yield { batch, firstRowIndex: firstRows[g]! }
  }
}

function checkRequiredPresent(plan: FilePlan, options: ParquetReadOptions, numRows: number, location: string): void {
  if (numRows === 0) return
  plan.fields.forEach((p, i) => {
    const field = options.schema.fields[i]!
    if (p.kind === 'missing' && !field.nullable) {
      throw new ParquetError(`parquet: expected non-nullable column ${field.name} in ${location}, found no such column`)
    }
  })
}

function wrap(cause: unknown, where: string): DeltaError {
  if (cause instanceof ParquetError) {
    return cause.message.includes(where) ? cause : new ParquetError(`${cause.message} (in ${where})`, { cause })
  }
  if (cause instanceof DeltaError) return cause
  return new ParquetError(`parquet: cannot read ${where}: ${String(cause)}`, { cause })
}

function selectGroups(metadata: FileMetaData, rowGroups: readonly number[] | undefined, location: string): number[] {
  const count = metadata.row_groups.length
  if (!rowGroups) return Array.from({ length: count }, (_, i) => i)
  let last = -1
  for (const g of rowGroups) {
    if (!Number.isInteger(g) || g < 0 || g >= count || g <= last) {
      throw new InvalidArgumentError(
        `parquet: expected ascending row-group indexes in [0, ${count}) for ${location}, found ${JSON.stringify(rowGroups)}`,
      )
    }
    last = g
  }
  return [...rowGroups]
}

function columnMeta(metadata: FileMetaData, group: number, column: number, location: string): ColumnMetaData {
  const meta = metadata.row_groups[group]?.columns[column]?.meta_data
  if (!meta) throw new ParquetError(`parquet: row group ${group} of ${location} has no metadata for column ${column}`)
  return meta
}

/** Byte range `[start, end)` of a column chunk, dictionary page included. */
export function chunkRange(meta: ColumnMetaData): [number, number] {
  const dict = meta.dictionary_page_offset !== undefined ? Number(meta.dictionary_page_offset) : 0
  const data = Number(meta.data_page_offset)
  // Some writers put 0 (or garbage) in dictionary_page_offset when there is no dictionary.
  const start = dict > 0 && dict < data ? dict : data
  return [start, start + Number(meta.total_compressed_size)]
}

/** Fetches the needed column chunks of row group `g`, merging near-adjacent ranges. */
async function fetchGroup(
  ctx: ReadContext,
  file: FileMeta,
  metadata: FileMetaData,
  plan: FilePlan,
  g: number,
  signal: AbortSignal | undefined,
): Promise<Map<number, Uint8Array>> {
  const wanted = [...plan.leaves.keys()].map((column) => {
    const [start, end] = chunkRange(columnMeta(metadata, g, column, file.location))
    if (start < 0 || end > file.size || end < start) {
      throw new ParquetError(`parquet: column chunk [${start}, ${end}) of row group ${g} lies outside ${file.location} (${file.size} bytes)`)
    }
    return { column, start, end }
  })
  wanted.sort((a, b) => a.start - b.start)
  const spans: { start: number; end: number; members: typeof wanted }[] = []
  for (const w of wanted) {
    const last = spans[spans.length - 1]
    if (last && w.start - last.end <= MERGE_GAP) {
      last.end = Math.max(last.end, w.end)
      last.members.push(w)
    } else {
      spans.push({ start: w.start, end: w.end, members: [w] })
    }
  }
  const out = new Map<number, Uint8Array>()
  await Promise.all(
    spans.map(async (span) => {
      const bytes = await ctx.fileSystem.readRange(file.location, span.start, span.end, { signal })
      for (const m of span.members) out.set(m.column, bytes.subarray(m.start - span.start, m.end - span.start))
    }),
  )
  return out
}
