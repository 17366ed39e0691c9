/**
 * The fast path of reading a log line: a line holding one plain `add` or `remove` (the bulk of
 * any log) is checked without building error context; anything else goes through
 * `parseActionLine`, which decides what is valid and says why not.
 *
 * @packageDocumentation
 */
import { type Action, type Add, type PartitionValues, type Remove, parseActionLine } from './actions.js'

type Obj = Record<string, unknown>

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** Whether `v` is absent, null, or a safe integer (`nonNegative`: also >= 0). */
function okOptInt(v: unknown, nonNegative: boolean): boolean {
  return v === undefined || v === null || (typeof v === 'number' && Number.isSafeInteger(v) && (!nonNegative || v >= 0))
}

/** Whether every value of an object is a string or null. */
function okStringMap(v: unknown): boolean {
  if (!isObj(v)) return false
  for (const k in v) {
    const x = v[k]
    if (typeof x !== 'string' && x !== null) return false
  }
  return true
}

/**
 * Whether `parseAdd` would accept `o` unchanged: the shape nearly every add has, checked
 * without building error context. Anything else (rare fields, normalisation, errors) goes the
 * full way, so the two never disagree on what is valid.
 */
function isPlainAdd(o: Obj): boolean {
  const size = o.size
  const time = o.modificationTime
  const stats = o.stats
  return (
    typeof o.path === 'string' &&
    typeof o.dataChange === 'boolean' &&
    typeof size === 'number' &&
    Number.isSafeInteger(size) &&
    size >= 0 &&
    typeof time === 'number' &&
    Number.isSafeInteger(time) &&
    (stats === undefined || stats === null || typeof stats === 'string') &&
    okStringMap(o.partitionValues) &&
    o.tags == null &&
    o.deletionVector == null &&
    o.baseRowId == null &&
    o.defaultRowCommitVersion == null
  )
}

/** Whether `parseRemove` would accept `o` unchanged (see {@link isPlainAdd}). */
function isPlainRemove(o: Obj): boolean {
  const ext = o.extendedFileMetadata
  const stats = o.stats
  const pv = o.partitionValues
  return (
    typeof o.path === 'string' &&
    typeof o.dataChange === 'boolean' &&
    okOptInt(o.deletionTimestamp, false) &&
    okOptInt(o.size, true) &&
    (ext === undefined || ext === null || typeof ext === 'boolean') &&
    (stats === undefined || stats === null || typeof stats === 'string') &&
    (pv === undefined || pv === null || okStringMap(pv)) &&
    o.deletionVector == null
  )
}

/**
 * Validates line `lineNumber` of the log file at `location` and appends its actions to `out`:
 * the same result as {@link parseActionLine}, but a line holding one plain `add` or `remove` (the
 * bulk of any log) is checked without building the error context string. `intern`, if given,
 * replaces the partition values of such adds with a shared equal object.
 */
export function parseLogLineInto(
  line: unknown,
  location: string,
  lineNumber: number,
  out: Action[],
  intern?: (values: PartitionValues) => PartitionValues,
): void {
  if (isObj(line)) {
    let key: string | undefined
    let keys = 0
    for (const k in line) {
      key = k
      if (++keys > 1) break
    }
    if (keys === 1) {
      const v = line[key!]
      if (key === 'add' && isObj(v) && isPlainAdd(v)) {
        if (intern) v.partitionValues = intern(v.partitionValues as PartitionValues)
        out.push({ kind: 'add', add: v as unknown as Add })
        return
      }
      if (key === 'remove' && isObj(v) && isPlainRemove(v)) {
        out.push({ kind: 'remove', remove: v as unknown as Remove })
        return
      }
    }
  }
  for (const a of parseActionLine(line, `${location} line ${lineNumber}`)) out.push(a)
}
