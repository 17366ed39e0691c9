/**
 * The predicate model: a small typed expression tree as readonly plain data, so predicates can be
 * built in code, parsed from the CLI's `--where` text (`expression-parser.ts`), bound to a table
 * schema (`expression-bind.ts`), evaluated on Arrow batches (`evaluate.ts`) and used to skip
 * files and row groups from their statistics (`skipping.ts`).
 *
 * Literal values, by Delta type (the same representation as typed partition values):
 * string → string; long → bigint; integer/short/byte/float/double → number; boolean → boolean;
 * date → days since 1970-01-01; timestamp/timestamp_ntz → bigint microseconds since the epoch;
 * decimal → {@link DecimalLiteralValue} (exact); binary → Uint8Array; SQL NULL → `null`.
 *
 * Comparison semantics (shared by evaluation and skipping, Spark's): strings and binary compare
 * by bytes (UTF-8 for strings, i.e. code-point order); decimals exactly across scales; floating
 * point has NaN equal to itself and greater than every other value, and -0 equal to 0.
 *
 * @packageDocumentation
 */
import type { DataType } from '../protocol/schema-types.js'

/** An exact decimal literal: `unscaled × 10^-scale`, with `precision` significant digits. */
export interface DecimalLiteralValue {
  readonly unscaled: bigint
  readonly precision: number
  readonly scale: number
}

/** A typed SQL value (see the module documentation for the representation). */
export type Scalar =
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'long' | 'timestamp' | 'timestamp_ntz'; readonly value: bigint }
  | { readonly type: 'integer' | 'short' | 'byte' | 'float' | 'double' | 'date'; readonly value: number }
  | { readonly type: 'boolean'; readonly value: boolean }
  | { readonly type: 'decimal'; readonly value: DecimalLiteralValue }
  | { readonly type: 'binary'; readonly value: Uint8Array }
  | { readonly type: 'null'; readonly value: null }

/** Names of {@link Scalar} types. */
export type ScalarType = Scalar['type']

/** A constant. */
export type Literal = { readonly kind: 'literal' } & Scalar

/** What binding learned about a column: its Delta type and its physical path (stats, files). */
export interface ResolvedColumn {
  readonly type: DataType
  /** Names as data files and statistics spell them (column mapping applied). */
  readonly physicalPath: readonly string[]
}

/** A (possibly nested) column: `path` names struct fields from the top, e.g. `['a', 'b']`. */
export interface Column {
  readonly kind: 'column'
  readonly path: readonly string[]
  /** Set by `bindExpression`; absent on an unbound expression. */
  readonly resolved?: ResolvedColumn
}

/** A value operand: a column or a literal. */
export type ValueExpression = Column | Literal

/** Comparison operators. */
export type ComparisonOp = '=' | '!=' | '<' | '<=' | '>' | '>='

/** `left op right`; NULL when either side is NULL. */
export interface Comparison {
  readonly kind: 'comparison'
  readonly op: ComparisonOp
  readonly left: ValueExpression
  readonly right: ValueExpression
}

/** `value IN (list...)`, SQL semantics: NULL when nothing matches and the value or a list item is NULL. */
export interface InList {
  readonly kind: 'in'
  readonly value: ValueExpression
  readonly list: readonly Literal[]
}

/** `value IS NULL` (`negated`: IS NOT NULL). Never NULL itself. */
export interface IsNull {
  readonly kind: 'isNull'
  readonly value: ValueExpression
  readonly negated: boolean
}

/** `value` starts with `prefix` (strings only): `LIKE 'prefix%'`, `STARTS_WITH(value, prefix)`. */
export interface StartsWith {
  readonly kind: 'startsWith'
  readonly value: ValueExpression
  readonly prefix: string
}

/** Conjunction (`and`) or disjunction (`or`) of at least one child, with SQL three-valued logic. */
export interface Junction {
  readonly kind: 'and' | 'or'
  readonly children: readonly Expression[]
}

/** Logical negation (NOT NULL is NULL). */
export interface Not {
  readonly kind: 'not'
  readonly child: Expression
}

/** Any expression. Predicates are expressions of boolean type (a boolean column or literal counts). */
export type Expression = ValueExpression | Comparison | InList | IsNull | StartsWith | Junction | Not

/**
 * A column reference. A string is split at dots (`col('a.b')` is field `b` of struct `a`); pass
 * an array for names that contain dots (`col(['a.b'])`).
 */
export function col(path: string | readonly string[]): Column {
  return { kind: 'column', path: typeof path === 'string' ? path.split('.') : [...path] }
}

/**
 * A literal whose type follows from the JS value: string, boolean, `null`, bigint → long,
 * Uint8Array → binary, a `{unscaled, scale}` object → decimal, number → integer when it is a
 * 32-bit integer, else double. Binding converts it to the column's type.
 */
export function lit(value: string | number | bigint | boolean | null | Uint8Array | { readonly unscaled: bigint; readonly scale: number }): Literal {
  if (value === null) return { kind: 'literal', type: 'null', value: null }
  switch (typeof value) {
    case 'string':
      return { kind: 'literal', type: 'string', value }
    case 'boolean':
      return { kind: 'literal', type: 'boolean', value }
    case 'bigint':
      return { kind: 'literal', type: 'long', value }
    case 'number':
      return Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31 && !Object.is(value, -0)
        ? { kind: 'literal', type: 'integer', value }
        : { kind: 'literal', type: 'double', value }
  }
  if (value instanceof Uint8Array) return { kind: 'literal', type: 'binary', value }
  return { kind: 'literal', type: 'decimal', value: { unscaled: value.unscaled, scale: value.scale, precision: digitCount(value.unscaled) } }
}

/** A literal of an explicit type. */
export function typedLit(scalar: Scalar): Literal {
  return { kind: 'literal', ...scalar } as Literal
}

/** Number of decimal digits of `|n|` (at least 1): a decimal literal's precision. */
export function digitCount(n: bigint): number {
  return (n < 0n ? -n : n).toString().length
}

type Operand = ValueExpression | string | number | bigint | boolean | null

function operand(v: Operand): ValueExpression {
  return typeof v === 'object' && v !== null ? v : lit(v)
}

function comparison(op: ComparisonOp, left: Operand, right: Operand): Comparison {
  return { kind: 'comparison', op, left: operand(left), right: operand(right) }
}

/** `left = right` (plain JS values become literals). */
export const eq = (left: Operand, right: Operand): Comparison => comparison('=', left, right)
/** `left != right`. */
export const ne = (left: Operand, right: Operand): Comparison => comparison('!=', left, right)
/** `left < right`. */
export const lt = (left: Operand, right: Operand): Comparison => comparison('<', left, right)
/** `left <= right`. */
export const le = (left: Operand, right: Operand): Comparison => comparison('<=', left, right)
/** `left > right`. */
export const gt = (left: Operand, right: Operand): Comparison => comparison('>', left, right)
/** `left >= right`. */
export const ge = (left: Operand, right: Operand): Comparison => comparison('>=', left, right)

/** `value IN (list...)`. */
export function isIn(value: Operand, list: readonly (Literal | string | number | bigint | boolean | null)[]): InList {
  return { kind: 'in', value: operand(value), list: list.map((x) => operand(x) as Literal) }
}

/** `value IS NULL`. */
export function isNull(value: Operand): IsNull {
  return { kind: 'isNull', value: operand(value), negated: false }
}

/** `value IS NOT NULL`. */
export function isNotNull(value: Operand): IsNull {
  return { kind: 'isNull', value: operand(value), negated: true }
}

/** `value` starts with `prefix`. */
export function startsWith(value: Operand, prefix: string): StartsWith {
  return { kind: 'startsWith', value: operand(value), prefix }
}

/** Conjunction; `and()` of nothing is `true`, of one child is that child. */
export function and(...children: Expression[]): Expression {
  if (children.length === 0) return lit(true)
  return children.length === 1 ? children[0]! : { kind: 'and', children }
}

/** Disjunction; `or()` of nothing is `false`, of one child is that child. */
export function or(...children: Expression[]): Expression {
  if (children.length === 0) return lit(false)
  return children.length === 1 ? children[0]! : { kind: 'or', children }
}

/** Negation. */
export function not(child: Expression): Not {
  return { kind: 'not', child }
}

/** `low <= value AND value <= high` (SQL BETWEEN). */
export function between(value: Operand, low: Operand, high: Operand): Expression {
  return and(ge(value, low), le(value, high))
}

/** The columns an expression references (with duplicates removed, in first-use order). */
export function referencedColumns(expr: Expression): Column[] {
  const out: Column[] = []
  const seen = new Set<string>()
  const visit = (e: Expression): void => {
    switch (e.kind) {
      case 'column': {
        const key = JSON.stringify(e.path)
        if (!seen.has(key)) {
          seen.add(key)
          out.push(e)
        }
        return
      }
      case 'literal':
        return
      case 'comparison':
        visit(e.left)
        visit(e.right)
        return
      case 'in':
      case 'isNull':
      case 'startsWith':
        visit(e.value)
        return
      case 'and':
      case 'or':
        e.children.forEach(visit)
        return
      case 'not':
        visit(e.child)
    }
  }
  visit(expr)
  return out
}
