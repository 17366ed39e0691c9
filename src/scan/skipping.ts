/**
 * Data skipping: deciding from statistics alone that no row of a file (or Parquet row group)
 * can satisfy a predicate. The answer must never be wrong in one direction: `true` ("skip") only
 * when it is certain; every doubt keeps the file.
 *
 * Method: an abstract evaluation. For each sub-expression we compute which SQL truth values
 * (TRUE, FALSE, NULL) its rows *may* take, from per-column facts — may the column hold a NULL,
 * may it hold a non-NULL, and bounds `lo ≤ every non-null value ≤ hi`. NOT swaps TRUE and FALSE
 * and keeps NULL, AND/OR combine the possibilities pairwise with three-valued logic, and a file is
 * skipped when TRUE is impossible. This handles NOT over nullable columns and ORs whose sides
 * cannot both be decided without special cases.
 *
 * Facts, per PROTOCOL.md "Per-file Statistics":
 * - partition columns: the exact typed partition value;
 * - data columns: `nullCount` 0 means no nulls, equal to `numRecords` means all null, anything
 *   else (or absent) is no information — true for tight and wide (`tightBounds: false`) bounds
 *   alike; `minValues`/`maxValues` bound the non-null values (wide bounds are still bounds);
 * - timestamps are truncated to milliseconds in stats, so the max is widened by 999 µs;
 * - string bounds may be truncated (Delta Spark writes a prefix for the min and a prefix plus a
 *   tie-breaker for the max, both true bounds in UTF-8 order), so they are used as bounds only;
 * - a missing statistic, column, or unparsable value means "anything is possible".
 *
 * Floating point: a file's max is trusted to account for NaN (Spark writes `"NaN"`); Parquet
 * footers exclude NaN from min/max by specification, so for row groups float maxima are ignored.
 *
 * @packageDocumentation
 */
import type { ParquetRowGroup } from '../engine/parquet.js'
import type { PartitionScalar } from '../protocol/partition-values.js'
import type { StructType } from '../protocol/schema-types.js'
import type { Column, ComparisonOp, Expression, Literal, ValueExpression } from './expression.js'
import { bindExpression } from './expression-bind.js'
import { type Comparable, comparableOf, compareBytes, compareValues, hasPrefix, utf8 } from './scalar-compare.js'
import { countOf, type FileStats, parseStats, statAt, statValue } from './stats.js'

/** Typed partition values of one file, by logical column name (`parsePartitionValue` output). */
export type TypedPartitionValues = Readonly<Record<string, PartitionScalar>>

/** What statistics say about one column within one file or row group. */
export interface ColumnFacts {
  readonly mayBeNull: boolean
  readonly mayBeNonNull: boolean
  /** Lower bound of the non-null values, if known. */
  readonly lo?: Comparable
  /** Upper bound of the non-null values, if known. */
  readonly hi?: Comparable
}

const T = 1
const F = 2
const N = 4
const ANY: ColumnFacts = { mayBeNull: true, mayBeNonNull: true }
const NO_ROWS: ColumnFacts = { mayBeNull: false, mayBeNonNull: false }

/**
 * True only if no row of the file can satisfy `predicate`. `stats` is the `add.stats` JSON (parsed
 * only if a data column needs it) or already-typed `stats_parsed`; `partitionValues` the file's
 * typed partition values by logical name. `predicate` should be bound to `schema`; an unbound one
 * is bound here (which throws `ExpressionError` for unknown columns).
 */
export function canSkipFile(
  predicate: Expression,
  stats: string | FileStats | null | undefined,
  partitionValues: TypedPartitionValues | null | undefined,
  schema: StructType,
): boolean {
  let parsed: FileStats | undefined | null = typeof stats === 'string' ? null : (stats ?? undefined)
  const getStats = (): FileStats | undefined => {
    if (parsed === null) parsed = parseStats(stats as string)
    return parsed
  }
  const facts = (c: Column): ColumnFacts => {
    if (c.path.length === 1 && partitionValues && Object.hasOwn(partitionValues, c.path[0]!)) {
      return exactFacts(partitionValues[c.path[0]!]!)
    }
    const s = getStats()
    return s === undefined ? ANY : fileStatsFacts(s, c)
  }
  return (mayBe(bound(predicate, schema), facts) & T) === 0
}

/**
 * True only if no row of a Parquet row group can satisfy `predicate` (bound; columns are matched
 * by physical path, dotted as `ParquetColumnStatistics.path`). Footer statistics are exact, so no
 * timestamp widening applies, but NaN is excluded from float bounds and so maxima are not used.
 */
export function canSkipRowGroup(predicate: Expression, rowGroup: ParquetRowGroup): boolean {
  const byPath = new Map(rowGroup.columns.map((c) => [c.path, c]))
  const facts = (c: Column): ColumnFacts => {
    if (c.resolved === undefined) return ANY
    if (rowGroup.numRows === 0) return NO_ROWS
    const chunk = byPath.get(c.resolved.physicalPath.join('.'))
    if (chunk === undefined) return ANY
    const type = c.resolved.type
    const nullCount = countOf(chunk.nullCount)
    let lo = statValue(chunk.min, type)
    let hi = statValue(chunk.max, type)
    if (type.type === 'float' || type.type === 'double') {
      hi = undefined
      if (typeof lo === 'number' && Number.isNaN(lo)) lo = undefined
    }
    return nullFacts(nullCount, rowGroup.numRows, lo, hi)
  }
  return (mayBe(predicate, facts) & T) === 0
}

const boundCache = new WeakMap<Expression, WeakMap<StructType, Expression>>()

function isBound(e: Expression): boolean {
  switch (e.kind) {
    case 'column':
      return e.resolved !== undefined
    case 'literal':
      return true
    case 'comparison':
      return isBound(e.left) && isBound(e.right)
    case 'in':
    case 'isNull':
    case 'startsWith':
      return isBound(e.value)
    case 'and':
    case 'or':
      return e.children.every(isBound)
    case 'not':
      return isBound(e.child)
  }
}

function bound(e: Expression, schema: StructType): Expression {
  if (isBound(e)) return e
  let bySchema = boundCache.get(e)
  if (!bySchema) boundCache.set(e, (bySchema = new WeakMap()))
  let b = bySchema.get(schema)
  if (!b) bySchema.set(schema, (b = bindExpression(e, schema)))
  return b
}

/** Facts of a column whose every row holds `v` (a partition value). */
export function exactFacts(v: PartitionScalar): ColumnFacts {
  if (v === null) return { mayBeNull: true, mayBeNonNull: false }
  let c: Comparable
  if (typeof v === 'string') c = utf8(v)
  else if (typeof v === 'boolean') c = v ? 1 : 0
  else c = v
  return { mayBeNull: false, mayBeNonNull: true, lo: c, hi: c }
}

function nullFacts(nullCount: number | undefined, numRecords: number | undefined, lo: Comparable | undefined, hi: Comparable | undefined): ColumnFacts {
  const mayBeNull = nullCount === undefined || nullCount > 0
  const mayBeNonNull = nullCount === undefined || numRecords === undefined || nullCount !== numRecords
  return { mayBeNull, mayBeNonNull, ...(lo !== undefined ? { lo } : {}), ...(hi !== undefined ? { hi } : {}) }
}

function fileStatsFacts(stats: FileStats, c: Column): ColumnFacts {
  const numRecords = countOf(stats.numRecords)
  if (numRecords === 0) return NO_ROWS
  if (c.resolved === undefined) return ANY
  const { type, physicalPath } = c.resolved
  // stats_parsed in checkpoints has been seen spelled `nullCounts` (the spec's example).
  const counts = stats.nullCount ?? (stats as { nullCounts?: unknown }).nullCounts
  const nullCount = countOf(statAt(counts, physicalPath))
  const lo = statValue(statAt(stats.minValues, physicalPath), type)
  let hi = statValue(statAt(stats.maxValues, physicalPath), type)
  if (typeof hi === 'bigint' && (type.type === 'timestamp' || type.type === 'timestamp_ntz')) hi += 999n
  return nullFacts(nullCount, numRecords, lo, hi)
}

/** The bitmask (T | F | N) of truth values the rows may give `e`. */
function mayBe(e: Expression, facts: (c: Column) => ColumnFacts): number {
  switch (e.kind) {
    case 'literal':
      return e.type === 'null' ? N : e.type === 'boolean' ? (e.value ? T : F) : T | F | N
    case 'column':
      return compareOutcomes('=', facts(e), 1)
    case 'not': {
      const m = mayBe(e.child, facts)
      return (m & N) | (m & T ? F : 0) | (m & F ? T : 0)
    }
    case 'and':
    case 'or': {
      let acc = e.kind === 'and' ? T : F
      for (const child of e.children) acc = combine(e.kind, acc, mayBe(child, facts))
      return acc
    }
    case 'isNull': {
      const f = operandFacts(e.value, facts)
      const yes = f.mayBeNull ? T : 0
      const no = f.mayBeNonNull ? F : 0
      return e.negated ? (yes ? F : 0) | (no ? T : 0) : yes | no
    }
    case 'startsWith':
      return startsWithOutcomes(operandFacts(e.value, facts), utf8(e.prefix))
    case 'in':
      return inOutcomes(operandFacts(e.value, facts), e.list)
    case 'comparison':
      return comparisonOutcomes(e.op, e.left, e.right, facts)
  }
}

function operandFacts(v: ValueExpression, facts: (c: Column) => ColumnFacts): ColumnFacts {
  if (v.kind === 'column') return facts(v)
  return exactFacts(literalScalar(v))
}

function literalScalar(l: Literal): PartitionScalar {
  const c = comparableOf(l)
  return c === undefined ? null : (c as PartitionScalar)
}

/** Three-valued AND / OR over every pair of possible truth values. */
function combine(kind: 'and' | 'or', a: number, b: number): number {
  let out = 0
  for (const x of [T, F, N]) {
    if (!(a & x)) continue
    for (const y of [T, F, N]) {
      if (!(b & y)) continue
      if (kind === 'and') out |= x === F || y === F ? F : x === N || y === N ? N : T
      else out |= x === T || y === T ? T : x === N || y === N ? N : F
    }
  }
  return out
}

const FLIP: Record<ComparisonOp, ComparisonOp> = { '=': '=', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' }

function comparisonOutcomes(op: ComparisonOp, left: ValueExpression, right: ValueExpression, facts: (c: Column) => ColumnFacts): number {
  if (left.kind === 'literal' && right.kind === 'column') return comparisonOutcomes(FLIP[op], right, left, facts)
  const f = operandFacts(left, facts)
  if (right.kind === 'literal') {
    const v = comparableOf(right)
    if (v === undefined) return f.mayBeNull || f.mayBeNonNull ? N : 0
    return compareOutcomes(op, f, v)
  }
  // Column against column: only nullness can be reasoned about without joint statistics.
  const g = facts(right)
  return (f.mayBeNull || g.mayBeNull ? N : 0) | (f.mayBeNonNull && g.mayBeNonNull ? T | F : 0)
}

/** Possible truth values of `column op v` for a column with facts `f`. */
export function compareOutcomes(op: ComparisonOp, f: ColumnFacts, v: Comparable): number {
  const out = f.mayBeNull ? N : 0
  if (!f.mayBeNonNull) return out
  // Signs of lo - v and hi - v; an unknown bound admits anything on its side.
  const lo = f.lo === undefined ? -Infinity : compareValues(f.lo, v)
  const hi = f.hi === undefined ? Infinity : compareValues(f.hi, v)
  const allEqual = lo === 0 && hi === 0
  const someEqual = lo <= 0 && hi >= 0
  // [some row makes it TRUE, some row makes it FALSE], for rows whose value lies in [lo, hi].
  const [canTrue, canFalse] = {
    '<': [lo < 0, hi >= 0],
    '<=': [lo <= 0, hi > 0],
    '>': [hi > 0, lo <= 0],
    '>=': [hi >= 0, lo < 0],
    '=': [someEqual, !allEqual],
    '!=': [!allEqual, someEqual],
  }[op]
  return out | (canTrue ? T : 0) | (canFalse ? F : 0)
}

function inOutcomes(f: ColumnFacts, list: readonly Literal[]): number {
  const items = list.map(comparableOf)
  const values = items.filter((x): x is Comparable => x !== undefined)
  let out = f.mayBeNull ? (list.length === 0 ? F : N) : 0
  if (!f.mayBeNonNull) return out
  if (values.some((v) => compareOutcomes('=', f, v) & T)) out |= T
  const alwaysMatch = f.lo !== undefined && f.hi !== undefined && compareValues(f.lo, f.hi) === 0 && values.some((v) => compareValues(f.lo!, v) === 0)
  if (!alwaysMatch) out |= values.length < items.length ? N : F
  return out
}

function startsWithOutcomes(f: ColumnFacts, prefix: Uint8Array): number {
  let out = f.mayBeNull ? N : 0
  if (!f.mayBeNonNull) return out
  const lo = f.lo instanceof Uint8Array ? f.lo : undefined
  const hi = f.hi instanceof Uint8Array ? f.hi : undefined
  // Strings starting with `prefix` form one interval that begins at `prefix` itself.
  const allBelow = hi !== undefined && compareBytes(hi, prefix) < 0
  const allAbove = lo !== undefined && compareBytes(lo, prefix) > 0 && !hasPrefix(lo, prefix)
  if (!allBelow && !allAbove) out |= T
  const allInside = lo !== undefined && hi !== undefined && hasPrefix(lo, prefix) && hasPrefix(hi, prefix)
  if (!allInside) out |= F
  return out
}
