/**
 * Building `add` / `remove` actions straight from checkpoint columns (the hot path of opening a
 * large table), with the same validation as JSON actions.
 *
 * @packageDocumentation
 */
import type { Data } from 'apache-arrow'
import { CorruptCheckpointError } from '../errors.js'
import type { Add, DeletionVectorDescriptor, Remove } from '../protocol/actions.js'
import { dataValueToJson } from '../protocol/value-encoding.js'
import { booleans, integers, internedStringMaps, stringMaps, strings, structChildren, validity } from './arrow-columns.js'

type Reader<T> = (i: number) => T | null
const none: Reader<never> = () => null

function child<T>(children: Map<string, Data>, name: string, make: (d: Data) => Reader<T>): Reader<T> {
  const d = children.get(name)
  return d ? make(d) : none
}

function dvReader(data: Data | undefined, where: () => string): Reader<DeletionVectorDescriptor> {
  if (!data) return none
  const valid = validity(data)
  const c = structChildren(data)
  const storageType = child(c, 'storageType', strings)
  const pathOrInlineDv = child(c, 'pathOrInlineDv', strings)
  const offset = child(c, 'offset', integers)
  const sizeInBytes = child(c, 'sizeInBytes', integers)
  const cardinality = child(c, 'cardinality', integers)
  return (i) => {
    if (!valid(i)) return null
    const st = storageType(i)
    // A non-null struct whose leaves are all null is how some writers spell "no DV".
    if (st === null) return null
    if (st !== 'u' && st !== 'i' && st !== 'p') throw new CorruptCheckpointError(`${where()}: unknown deletionVector storageType '${st}'`)
    const p = pathOrInlineDv(i)
    const size = sizeInBytes(i)
    const card = cardinality(i)
    const off = offset(i)
    if (p === null || size === null || card === null || size < 0 || card < 0 || Number.isNaN(card) || (off !== null && off < 0)) {
      throw new CorruptCheckpointError(`${where()}: invalid deletionVector (path ${p}, size ${size}, cardinality ${card}, offset ${off})`)
    }
    return { storageType: st, pathOrInlineDv: p, ...(off !== null ? { offset: off } : {}), sizeInBytes: size, cardinality: card }
  }
}

function requireInt(v: number | null, field: string, where: () => string, nonNegative: boolean): number {
  if (v === null || Number.isNaN(v) || (nonNegative && v < 0)) {
    throw new CorruptCheckpointError(`${where()}: field '${field}' must be ${nonNegative ? 'a non-negative' : 'an'} integer, found ${v}`)
  }
  return v
}

/** Reads the `add` column of a checkpoint batch; undefined for rows that hold no add. */
export function addReader(data: Data, location: string, firstRow: number): (i: number) => Add | undefined {
  const valid = validity(data)
  const c = structChildren(data)
  const path = child(c, 'path', strings)
  const partitionValues = child(c, 'partitionValues', internedStringMaps)
  const size = child(c, 'size', integers)
  const modificationTime = child(c, 'modificationTime', integers)
  const dataChange = child(c, 'dataChange', booleans)
  const stats = child(c, 'stats', strings)
  const parsed = c.get('stats_parsed')
  const parsedValid = parsed ? validity(parsed) : undefined
  const baseRowId = child(c, 'baseRowId', integers)
  const defaultRowCommitVersion = child(c, 'defaultRowCommitVersion', integers)
  const clusteringProvider = child(c, 'clusteringProvider', strings)
  const tags = child(c, 'tags', stringMaps)
  let row = 0
  const where = () => `${location} row ${firstRow + row} add`
  const dv = dvReader(c.get('deletionVector'), where)
  return (i) => {
    row = i
    if (!valid(i)) return undefined
    const p = path(i)
    if (p === null) return undefined // a struct of nulls: no action in this row
    const pv = partitionValues(i) ?? {}
    const sz = requireInt(size(i), 'size', where, true)
    const mt = requireInt(modificationTime(i), 'modificationTime', where, false)
    const dc = dataChange(i) ?? false
    // Only struct statistics in this checkpoint: keep them in the JSON form the rest of the
    // kernel reads (dates, timestamps and decimals as strings, as Spark's JSON stats spell them).
    const s = stats(i) ?? (parsed && parsedValid!(i) ? JSON.stringify(dataValueToJson(parsed, i)) : null)
    // One literal per shape, with stats in it: a field added later would cost every add an
    // out-of-object property array (about 40 bytes each on a million-file table).
    const add: { -readonly [K in keyof Add]: Add[K] } =
      s !== null ? { path: p, partitionValues: pv, size: sz, modificationTime: mt, dataChange: dc, stats: s } : { path: p, partitionValues: pv, size: sz, modificationTime: mt, dataChange: dc }
    const d = dv(i)
    if (d) add.deletionVector = d
    const b = baseRowId(i)
    if (b !== null) add.baseRowId = b
    const r = defaultRowCommitVersion(i)
    if (r !== null) add.defaultRowCommitVersion = r
    const cp = clusteringProvider(i)
    if (cp !== null) add.clusteringProvider = cp
    const t = tags(i)
    if (t !== null) add.tags = t
    return add
  }
}

/** Reads the `remove` column of a checkpoint batch; undefined for rows that hold no remove. */
export function removeReader(data: Data, location: string, firstRow: number): (i: number) => Remove | undefined {
  const valid = validity(data)
  const c = structChildren(data)
  const path = child(c, 'path', strings)
  const deletionTimestamp = child(c, 'deletionTimestamp', integers)
  const dataChange = child(c, 'dataChange', booleans)
  const extendedFileMetadata = child(c, 'extendedFileMetadata', booleans)
  const partitionValues = child(c, 'partitionValues', stringMaps)
  const size = child(c, 'size', integers)
  let row = 0
  const where = () => `${location} row ${firstRow + row} remove`
  const dv = dvReader(c.get('deletionVector'), where)
  return (i) => {
    row = i
    if (!valid(i)) return undefined
    const p = path(i)
    if (p === null) return undefined
    const remove: { -readonly [K in keyof Remove]: Remove[K] } = { path: p, dataChange: dataChange(i) ?? false }
    const ts = deletionTimestamp(i)
    if (ts !== null) remove.deletionTimestamp = requireInt(ts, 'deletionTimestamp', where, false)
    const e = extendedFileMetadata(i)
    if (e !== null) remove.extendedFileMetadata = e
    const pv = partitionValues(i)
    if (pv !== null) remove.partitionValues = pv
    const sz = size(i)
    if (sz !== null) remove.size = requireInt(sz, 'size', where, true)
    const d = dv(i)
    if (d) remove.deletionVector = d
    return remove
  }
}
