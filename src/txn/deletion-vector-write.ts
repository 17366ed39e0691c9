/**
 * Writing deletion vectors (PROTOCOL.md "Deletion Vectors", "Writer Requirement for Deletion
 * Vectors", "Deletion Vector File Storage Format"): a row-level delete on a table with
 * `delta.enableDeletionVectors=true` marks rows deleted instead of rewriting their files.
 *
 * Choices, and why:
 * - Storage: always a DV file (`u` descriptor, no random prefix), never inline. One file per
 *   delete holds the DVs of every file that delete touches, as Delta Spark does; it sits at the
 *   table root as `deletion_vector_<uuid>.bin`, because the files it serves may span partitions.
 *   Inline DVs would grow every commit, checkpoint and snapshot load for the life of the file.
 * - The new DV is the union of the file's old DV and the newly deleted row indexes: the log keys
 *   a logical file by (path, DV id), so the new `add` must carry every deleted row.
 * - The re-added file keeps its path, size, partition values, tags, modification time and row
 *   tracking fields; its stats keep every per-column value but get the file's exact physical
 *   `numRecords` (required with a DV) and `tightBounds: false` (min/max may now be wider than the
 *   live rows), as Delta Spark writes them.
 *
 * @packageDocumentation
 */
import type { Engine } from '../engine/engine.js'
import { throwIfAborted } from '../errors.js'
import type { Add, DeletionVectorDescriptor, Metadata, Protocol } from '../protocol/actions.js'
import { dvAbsolutePath, encodeDvFile, encodeUuidDvPath } from '../protocol/deletion-vector.js'
import { RoaringBitmapArray } from '../protocol/roaring.js'
import { protocolSupports } from './table-protocol.js'

/**
 * Whether row-level deletes should write deletion vectors: the table property
 * `delta.enableDeletionVectors` is true and the protocol supports the `deletionVectors` feature.
 * (A table whose property was turned off may still hold DVs; those are honoured, not extended.)
 */
export function deletionVectorsEnabled(protocol: Protocol, metadata: Metadata): boolean {
  return metadata.configuration['delta.enableDeletionVectors']?.toLowerCase() === 'true' && protocolSupports(protocol, 'deletionVectors')
}

/** One file that gets a new deletion vector. */
export interface DeletionVectorUpdate {
  /** The file as it is now (possibly with an older DV). */
  readonly add: Add
  /** Its old DV's rows, if any. */
  readonly existing: RoaringBitmapArray | undefined
  /** Row indexes newly deleted. */
  readonly deleted: readonly number[]
  /** Rows in the data file (the stats' `numRecords`). */
  readonly physicalRows: number
}

/** Where to write. */
export interface DeletionVectorWriteContext {
  readonly engine: Engine
  /** Table root URL, ending in `/`. */
  readonly tableRoot: string
  readonly signal?: AbortSignal
}

/** The set of rows deleted after this delete: the old DV's rows and the new ones. */
export function unionDeleted(existing: RoaringBitmapArray | undefined, deleted: readonly number[]): RoaringBitmapArray {
  return RoaringBitmapArray.from(existing ? [...existing, ...deleted] : deleted)
}

/**
 * Writes one DV file holding the new DV of every update (nothing when `updates` is empty) and
 * returns the `add` actions that re-add each file with its new DV, in input order. The caller
 * stages each with a `remove` of the file's previous (path, DV).
 */
export async function writeDeletionVectors(ctx: DeletionVectorWriteContext, updates: readonly DeletionVectorUpdate[]): Promise<Add[]> {
  if (updates.length === 0) return []
  throwIfAborted(ctx.signal)
  const bitmaps = updates.map((u) => unionDeleted(u.existing, u.deleted))
  const { bytes, entries } = encodeDvFile(bitmaps)
  const pathOrInlineDv = encodeUuidDvPath(crypto.randomUUID())
  const descriptors: DeletionVectorDescriptor[] = entries.map((e) => ({ storageType: 'u', pathOrInlineDv, offset: e.offset, sizeInBytes: e.sizeInBytes, cardinality: e.cardinality }))
  // A fresh UUID names the file: nothing else can be there, so a plain put never overwrites.
  await ctx.engine.fileSystem.put(dvAbsolutePath(descriptors[0]!, ctx.tableRoot), bytes, ctx.signal ? { signal: ctx.signal } : {})
  return updates.map((u, i) => ({
    ...u.add,
    dataChange: true,
    stats: wideStats(u.add.stats, u.physicalRows),
    deletionVector: descriptors[i]!,
  }))
}

/**
 * `stats` with `numRecords` set to `numRecords` and `tightBounds` to false, every other member
 * kept byte for byte (re-parsing would round decimal and 64-bit bounds). Stats that are absent
 * or not a JSON object become `{"numRecords":N,"tightBounds":false}`.
 */
export function wideStats(stats: string | null | undefined, numRecords: number): string {
  const head = `"numRecords":${numRecords},"tightBounds":false`
  const members = stats == null ? undefined : topLevelMembers(stats)
  if (!members) return `{${head}}`
  const rest = members.filter((m) => m.key !== 'numRecords' && m.key !== 'tightBounds').map((m) => m.text)
  return `{${[head, ...rest].join(',')}}`
}

/**
 * The members of a JSON object as raw text (`"key":value`) with their decoded keys, or
 * undefined when `text` is not one object. Values are not validated beyond bracket balance.
 */
function topLevelMembers(text: string): { key: string; text: string }[] | undefined {
  const s = text.trim()
  if (!s.startsWith('{') || !s.endsWith('}')) return undefined
  const body = s.slice(1, -1)
  const out: { key: string; text: string }[] = []
  let depth = 0
  let inString = false
  let start = 0
  const push = (end: number): boolean => {
    const member = body.slice(start, end).trim()
    const m = /^("(?:[^"\\]|\\.)*")\s*:/.exec(member)
    if (!m) return member === '' && out.length === 0 && end === body.length
    try {
      out.push({ key: JSON.parse(m[1]!) as string, text: member })
    } catch {
      return false
    }
    return true
  }
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!
    if (inString) {
      if (c === '\\') i++
      else if (c === '"') inString = false
    } else if (c === '"') inString = true
    else if (c === '{' || c === '[') depth++
    else if (c === '}' || c === ']') depth--
    else if (c === ',' && depth === 0) {
      if (!push(i)) return undefined
      start = i + 1
    }
    if (depth < 0) return undefined
  }
  if (inString || depth !== 0 || !push(body.length)) return undefined
  return out
}
