/**
 * The pruning property: for random small tables split into random files, with statistics written
 * by an independent reference writer (Spark's encodings, truncated strings, millisecond
 * timestamps, deletion vectors making bounds wide), and random predicates, a skipped file never
 * holds a row the predicate keeps. Evaluation itself is checked against a row-at-a-time
 * reference evaluator written here.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import type { ParquetColumnStatistics } from '../../src/engine/parquet.js'
import { evaluatePredicate } from '../../src/scan/evaluate.js'
import { and, col, type Expression, isIn, isNotNull, isNull, lit, not, or, startsWith, typedLit, type ComparisonOp, type Literal } from '../../src/scan/expression.js'
import { bindExpression } from '../../src/scan/expression-bind.js'
import { canSkipFile, canSkipRowGroup } from '../../src/scan/skipping.js'
import { batchOf, type Cell, field, struct } from './predicate-fixtures.js'

const schema = struct(
  field('p', 'string'),
  field('i', 'integer'),
  field('l', 'long'),
  field('f', 'double'),
  field('s', 'string'),
  field('ts', 'timestamp'),
  field('dec', { type: 'decimal', precision: 6, scale: 2 }),
  field('dt', 'date'),
  field('b', 'boolean'),
  field('st', struct(field('x', 'integer'))),
)
type Row = Record<string, Cell>
type Leaf = 'i' | 'l' | 'f' | 's' | 'ts' | 'dec' | 'dt' | 'x'

const BIG = 2n ** 60n
const STRINGS = ['', 'a', 'ab', 'abc', 'abd', 'b', 'abcdef', 'ab\u{10FFFF}x', 'abc\u{10FFFF}', '\uFFFF', '\u{1F600}', 'aaaaz']
const FLOATS = [-1.5, 0, -0, 1, 2.5, NaN, Infinity, -Infinity]
const TS_EDGES = [-1001n, -1000n, -999n, -1n, 0n, 1n, 500n, 999n, 1000n, 1001n, 1999n]
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null, freq: 4 })

const rowArb: fc.Arbitrary<Row> = fc.record({
  i: maybe(fc.integer({ min: -4, max: 4 })),
  l: maybe(fc.oneof(fc.bigInt(-3n, 3n), fc.bigInt(BIG - 2n, BIG + 2n))),
  f: maybe(fc.constantFrom(...FLOATS)),
  s: maybe(fc.constantFrom(...STRINGS)),
  ts: maybe(fc.oneof(fc.bigInt(-2500n, 2500n), fc.constantFrom(...TS_EDGES))),
  dec: maybe(fc.bigInt(-300n, 300n)),
  dt: maybe(fc.integer({ min: -3, max: 3 })),
  b: maybe(fc.boolean()),
  st: maybe(fc.record({ x: maybe(fc.integer({ min: -2, max: 2 })) })),
})

interface FileCase {
  readonly p: string | null
  readonly rows: readonly Row[]
  readonly deleted: readonly boolean[]
  /** Per-leaf choice: 0 full stats, 1 no min/max, 2 no null count, 3 nothing. */
  readonly drop: readonly number[]
  readonly hasStats: boolean
}
const fileArb: fc.Arbitrary<FileCase> = fc
  .record({
    p: fc.constantFrom('x', 'y', null),
    rows: fc.array(rowArb, { maxLength: 6 }),
    deletedBits: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
    anyDeleted: fc.boolean(),
    drop: fc.array(fc.constantFrom(0, 0, 0, 1, 2, 3), { minLength: 9, maxLength: 9 }),
    hasStats: fc.constantFrom(true, true, true, false),
  })
  .map(({ p, rows, deletedBits, anyDeleted, drop, hasStats }) => ({ p, rows, deleted: rows.map((_, k) => anyDeleted && deletedBits[k]!), drop, hasStats }))

// ---- reference ordering and values (independent of src/scan/scalar-compare.ts) ----
function codePoints(s: string): number[] {
  return Array.from(s, (c) => c.codePointAt(0)!)
}
function refCompare(a: Cell, b: Cell): number {
  if (typeof a === 'string' && typeof b === 'string') {
    const x = codePoints(a)
    const y = codePoints(b)
    for (let k = 0; k < Math.min(x.length, y.length); k++) if (x[k] !== y[k]) return x[k]! - y[k]!
    return x.length - y.length
  }
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : -1
    return a === b ? 0 : a < b ? -1 : 1
  }
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b)
  const x = a as bigint
  const y = b as bigint
  return x === y ? 0 : x < y ? -1 : 1
}
function leafValue(row: Row, leaf: Leaf): Cell {
  if (leaf === 'x') return row.st === null || row.st === undefined ? null : ((row.st as Row).x ?? null)
  return row[leaf] ?? null
}
/** Decimal literal values are unscaled at scale 2 in rows; literals here use the same scale. */
type Truth = boolean | null
function refEval(e: Expression, row: Row): Truth {
  const value = (v: Expression): Cell => {
    if (v.kind === 'literal') return v.type === 'null' ? null : v.type === 'decimal' ? v.value.unscaled : (v.value as Cell)
    if (v.kind !== 'column') throw new Error('not a value')
    if (v.path.length === 2) return leafValue(row, 'x')
    return row[v.path[0]!] ?? null
  }
  switch (e.kind) {
    case 'literal':
      return e.type === 'null' ? null : (e.value as boolean)
    case 'column':
      return value(e) as boolean | null
    case 'not': {
      const t = refEval(e.child, row)
      return t === null ? null : !t
    }
    case 'and': {
      const ts = e.children.map((c) => refEval(c, row))
      return ts.includes(false) ? false : ts.includes(null) ? null : true
    }
    case 'or': {
      const ts = e.children.map((c) => refEval(c, row))
      return ts.includes(true) ? true : ts.includes(null) ? null : false
    }
    case 'isNull':
      return (value(e.value) === null) !== e.negated
    case 'startsWith': {
      const v = value(e.value)
      return v === null ? null : (v as string).startsWith(e.prefix)
    }
    case 'in': {
      const v = value(e.value)
      if (v === null) return e.list.length === 0 ? false : null
      const items = e.list.map(value)
      if (items.some((x) => x !== null && refCompare(v, x) === 0)) return true
      return items.includes(null) ? null : false
    }
    case 'comparison': {
      const a = value(e.left)
      const b = value(e.right)
      if (a === null || b === null) return null
      const c = refCompare(a, b)
      return { '=': c === 0, '!=': c !== 0, '<': c < 0, '<=': c <= 0, '>': c > 0, '>=': c >= 0 }[e.op]
    }
  }
}

// ---- reference statistics writer (Spark encodings) ----
const LEAVES: readonly Leaf[] = ['i', 'l', 'f', 's', 'ts', 'dec', 'dt', 'x']
function encodeBound(leaf: Leaf, v: Cell, side: 'min' | 'max'): string | undefined {
  switch (leaf) {
    case 'l':
      return String(v)
    case 'f':
      return Number.isFinite(v as number) ? String(v) : JSON.stringify(String(v))
    case 'dec': {
      const u = v as bigint
      const abs = (u < 0n ? -u : u).toString().padStart(3, '0')
      return `${u < 0n ? '-' : ''}${abs.slice(0, -2)}.${abs.slice(-2)}`
    }
    case 'dt':
      return JSON.stringify(new Date((v as number) * 86_400_000).toISOString().slice(0, 10))
    case 'ts':
      return JSON.stringify(new Date(Math.floor(Number(v as bigint) / 1000)).toISOString())
    case 's': {
      // Prefix of 3 code points; the max gets U+10FFFF appended, unless the cut char is U+10FFFF.
      const cps = Array.from(v as string)
      if (cps.length <= 3) return JSON.stringify(v)
      if (side === 'min') return JSON.stringify(cps.slice(0, 3).join(''))
      return cps[3] === '\u{10FFFF}' ? undefined : JSON.stringify(cps.slice(0, 3).join('') + '\u{10FFFF}')
    }
    default:
      return String(v)
  }
}
function statsJson(file: FileCase): string {
  const min: string[] = []
  const max: string[] = []
  const nulls: string[] = []
  const put = (leaf: Leaf, out: string[], text: string): void => {
    out.push(leaf === 'x' ? `"st":{"x":${text}}` : `"${leaf}":${text}`)
  }
  LEAVES.forEach((leaf, k) => {
    const values = file.rows.map((r) => leafValue(r, leaf))
    const present = values.filter((v) => v !== null)
    if (file.drop[k] !== 2 && file.drop[k] !== 3) put(leaf, nulls, String(values.length - present.length))
    if (file.drop[k] === 1 || file.drop[k] === 3 || present.length === 0) return
    const sorted = [...present].sort(refCompare)
    const lo = encodeBound(leaf, sorted[0]!, 'min')
    const hi = encodeBound(leaf, sorted.at(-1)!, 'max')
    if (lo !== undefined) put(leaf, min, lo)
    if (hi !== undefined) put(leaf, max, hi)
  })
  const bNulls = file.rows.filter((r) => r.b === null).length
  if (file.drop[8] === 0) nulls.push(`"b":${bNulls}`)
  const tight = file.deleted.includes(true) ? ',"tightBounds":false' : ''
  return `{"numRecords":${file.rows.length}${tight},"minValues":{${min.join(',')}},"maxValues":{${max.join(',')}},"nullCount":{${nulls.join(',')}}}`
}
/** Parquet-footer-like exact statistics of the valid rows (NaN left out of float bounds). */
function rowGroupStats(rows: readonly Row[]): ParquetColumnStatistics[] {
  return LEAVES.map((leaf) => {
    const values = rows.map((r) => leafValue(r, leaf))
    const present = values.filter((v) => v !== null && !(typeof v === 'number' && Number.isNaN(v))).sort(refCompare)
    const path = leaf === 'x' ? 'st.x' : leaf
    const nullCount = values.filter((v) => v === null).length
    if (present.length === 0) return { path, nullCount }
    const conv = (v: Cell): unknown => (leaf === 'dec' ? JSON.parse(encodeBound('dec', v, 'min')!) : v)
    return { path, min: conv(present[0]!), max: conv(present.at(-1)!), nullCount }
  })
}

// ---- random predicates ----
const OPS: ComparisonOp[] = ['=', '!=', '<', '<=', '>', '>=']
function literalArb(leaf: Leaf): fc.Arbitrary<Literal> {
  switch (leaf) {
    case 'i':
    case 'x':
      return fc.integer({ min: -5, max: 5 }).map((v) => lit(v))
    case 'l':
      return fc.oneof(fc.bigInt(-4n, 4n), fc.bigInt(BIG - 3n, BIG + 3n)).map((v) => lit(v))
    case 'f':
      return fc.constantFrom(...FLOATS, 0.5, -3).map((v) => typedLit({ type: 'double', value: v }))
    case 's':
      return fc.constantFrom(...STRINGS, 'abz', 'abc\u{10FFFF}z', 'zz').map((v) => lit(v))
    case 'ts':
      return fc.oneof(fc.bigInt(-3000n, 3000n), fc.constantFrom(...TS_EDGES)).map((v) => typedLit({ type: 'timestamp', value: v }))
    case 'dec':
      return fc.bigInt(-320n, 320n).map((v) => typedLit({ type: 'decimal', value: { unscaled: v, scale: 2, precision: 6 } }))
    case 'dt':
      return fc.integer({ min: -4, max: 4 }).map((v) => typedLit({ type: 'date', value: v }))
  }
}
const colOf = (leaf: Leaf) => (leaf === 'x' ? col('st.x') : col(leaf))
const leafArb = fc.constantFrom<Leaf>(...LEAVES)
const comparisonArb: fc.Arbitrary<Expression> = leafArb.chain((leaf) =>
  fc.tuple(fc.constantFrom(...OPS), literalArb(leaf), fc.boolean(), fc.boolean()).map(([op, l, flip, nul]) => {
    const v: Literal = nul && op === '=' ? lit(null) : l
    return flip ? { kind: 'comparison', op, left: v, right: colOf(leaf) } : { kind: 'comparison', op, left: colOf(leaf), right: v }
  }),
)
const leafPredicateArb: fc.Arbitrary<Expression> = fc.oneof(
  { arbitrary: comparisonArb, weight: 6 },
  fc.tuple(fc.constantFrom('p', 'b', 'st', 'i', 's', 'x', 'f'), fc.boolean()).map(([c, n]) => (n ? isNotNull : isNull)(c === 'x' ? col('st.x') : col(c))),
  leafArb.chain((leaf) => fc.tuple(fc.array(literalArb(leaf), { maxLength: 3 }), fc.boolean()).map(([items, withNull]) => isIn(colOf(leaf), withNull ? [...items, lit(null)] : items))),
  fc.constantFrom('', 'a', 'ab', 'abc', 'b', '\uFFFF', 'ab\u{10FFFF}').map((prefix) => startsWith(col('s'), prefix)),
  fc.tuple(fc.constantFrom(...OPS), fc.constantFrom('x', 'y', 'z')).map(([op, v]): Expression => ({ kind: 'comparison', op, left: col('p'), right: lit(v) })),
  fc.constant<Expression>(col('b')),
)
const predicateArb: fc.Arbitrary<Expression> = fc.letrec<{ pred: Expression }>((tie) => ({
  pred: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafPredicateArb,
    tie('pred').map((c) => not(c)),
    fc.tuple(tie('pred'), tie('pred')).map(([a, b]) => and(a, b)),
    fc.tuple(tie('pred'), tie('pred')).map(([a, b]) => or(a, b)),
  ),
})).pred

test('evaluation agrees with a row-at-a-time reference evaluator', () => {
  fc.assert(
    fc.property(fc.array(rowArb, { maxLength: 8 }), predicateArb, (rows, predicate) => {
      const withP = rows.map((r, k) => ({ ...r, p: ['x', 'y', null][k % 3]! }))
      const bound = bindExpression(predicate, schema)
      const mask = evaluatePredicate(bound, batchOf(schema, withP))
      assert.deepEqual([...mask], withP.map((r) => (refEval(bound, r) === true ? 1 : 0)))
    }),
    { seed: 42, numRuns: 400 },
  )
})

test('pruning is conservative: skipped files and row groups hold no matching row', () => {
  let skippedFiles = 0
  fc.assert(
    fc.property(fc.array(fileArb, { minLength: 1, maxLength: 4 }), predicateArb, (files, predicate) => {
      const bound = bindExpression(predicate, schema)
      for (const file of files) {
        const valid = file.rows.filter((_, k) => !file.deleted[k]).map((r) => ({ ...r, p: file.p }))
        const matches = [...evaluatePredicate(bound, batchOf(schema, valid))].some((m) => m === 1)
        const stats = file.hasStats ? statsJson(file) : undefined
        if (canSkipFile(bound, stats, { p: file.p }, schema)) {
          skippedFiles++
          assert.equal(matches, false, `skipped a file with a matching row; stats ${stats}`)
        }
        const rg = { numRows: valid.length, columns: rowGroupStats(valid) }
        if (canSkipRowGroup(bound, rg)) assert.equal(matches, false, `skipped a row group with a matching row; ${JSON.stringify(rg, (_, v) => (typeof v === 'bigint' ? `${v}n` : v))}`)
      }
    }),
    { seed: 42, numRuns: 1000 },
  )
  // The property is only meaningful if skipping happens a fair amount.
  assert.ok(skippedFiles > 400, `only ${skippedFiles} files skipped`)
})
