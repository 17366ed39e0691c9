/**
 * Row-level predicate evaluation on Arrow record batches, with SQL three-valued logic: a
 * comparison with NULL is NULL, `NOT NULL` is NULL, `FALSE AND NULL` is FALSE, `TRUE OR NULL` is
 * TRUE, and a row is kept only when the predicate is TRUE. Values compare with the shared order
 * of `scalar-compare.ts` (so strings by UTF-8 bytes, decimals exactly, NaN greatest).
 *
 * Columns are found by their (logical) path in the batch: top-level field, then struct children;
 * a value is NULL when it or any enclosing struct is null. Batches use the Arrow types of
 * `protocol/arrow-types.ts`; other integer, date and timestamp units are read too.
 *
 * @packageDocumentation
 */
import * as A from 'apache-arrow'
import { ExpressionError } from '../errors.js'
import { wordsToBigInt } from '../protocol/value-encoding.js'
import type { Column, ComparisonOp, Expression, Literal, ValueExpression } from './expression.js'
import { formatExpression } from './expression-format.js'
import { type Comparable, comparableOf, compareNumbers, compareValues, hasPrefix, utf8 } from './scalar-compare.js'

/** Three-valued truth per row: {@link FALSE}, {@link TRUE} or {@link NULL}. */
export type TruthVector = Uint8Array
/** Truth codes of a {@link TruthVector}. */
export const FALSE = 0
export const TRUE = 1
export const NULL = 2

/**
 * The keep-mask of `predicate` over the rows of `batch`: 1 where it is TRUE, 0 where it is
 * FALSE or NULL. `predicate` should be bound (`bindExpression`) so literals have the columns'
 * types. Throws {@link ExpressionError} for a missing column or an unsupported Arrow type.
 */
export function evaluatePredicate(predicate: Expression, batch: A.RecordBatch): Uint8Array {
  const truth = evaluateTruth(predicate, batch)
  const mask = new Uint8Array(truth.length)
  for (let i = 0; i < truth.length; i++) mask[i] = truth[i] === TRUE ? 1 : 0
  return mask
}

/** The three-valued truth of `predicate` for every row of `batch`. */
export function evaluateTruth(predicate: Expression, batch: A.RecordBatch): TruthVector {
  return new Evaluator(batch).truth(predicate)
}

/** The values of one column: validity per row and a reader of comparable values. */
interface ColumnValues {
  readonly valid: Uint8Array
  /** Typed values indexable by row when `get(i)` is just `raw[i]` (fast paths). */
  readonly raw?: ArrayLike<number> | ArrayLike<bigint>
  get(i: number): Comparable
}

type Operand = { readonly constant: Comparable | undefined } | { readonly column: ColumnValues }

class Evaluator {
  readonly #n: number
  readonly #columns = new Map<string, ColumnValues>()
  constructor(readonly batch: A.RecordBatch) {
    this.#n = batch.numRows
  }

  truth(e: Expression): TruthVector {
    const n = this.#n
    switch (e.kind) {
      case 'literal': {
        if (e.type !== 'boolean' && e.type !== 'null') throw new ExpressionError(`expected a predicate, found ${formatExpression(e)}`)
        return new Uint8Array(n).fill(e.type === 'null' ? NULL : e.value ? TRUE : FALSE)
      }
      case 'column': {
        const c = this.#column(e)
        const out = new Uint8Array(n)
        for (let i = 0; i < n; i++) out[i] = c.valid[i] ? (c.get(i) === 1 ? TRUE : FALSE) : NULL
        return out
      }
      case 'and':
      case 'or':
        return this.#junction(e.kind, e.children)
      case 'not': {
        const t = this.truth(e.child)
        for (let i = 0; i < n; i++) if (t[i] !== NULL) t[i] = t[i] === TRUE ? FALSE : TRUE
        return t
      }
      case 'isNull': {
        const out = new Uint8Array(n)
        const v = this.#operand(e.value)
        for (let i = 0; i < n; i++) out[i] = isNullAt(v, i) !== e.negated ? TRUE : FALSE
        return out
      }
      case 'startsWith': {
        const prefix = utf8(e.prefix)
        const v = this.#operand(e.value)
        const out = new Uint8Array(n)
        for (let i = 0; i < n; i++) {
          const x = valueAt(v, i)
          out[i] = x === undefined ? NULL : hasPrefix(x as Uint8Array, prefix) ? TRUE : FALSE
        }
        return out
      }
      case 'in':
        return this.#inList(e.value, e.list)
      case 'comparison':
        return this.#comparison(e.op, e.left, e.right)
    }
  }

  #junction(kind: 'and' | 'or', children: readonly Expression[]): TruthVector {
    // AND: FALSE dominates, then NULL; OR: TRUE dominates, then NULL.
    const dominant = kind === 'and' ? FALSE : TRUE
    const out = new Uint8Array(this.#n).fill(kind === 'and' ? TRUE : FALSE)
    for (const child of children) {
      const t = this.truth(child)
      for (let i = 0; i < out.length; i++) {
        if (out[i] === dominant) continue
        if (t[i] === dominant) out[i] = dominant
        else if (t[i] === NULL) out[i] = NULL
      }
    }
    return out
  }

  #inList(value: ValueExpression, list: readonly Literal[]): TruthVector {
    const v = this.#operand(value)
    const items = list.map(comparableOf)
    const values = items.filter((x): x is Comparable => x !== undefined)
    const noMatch = values.length < items.length ? NULL : FALSE
    const out = new Uint8Array(this.#n)
    for (let i = 0; i < out.length; i++) {
      const x = valueAt(v, i)
      if (x === undefined) out[i] = list.length === 0 ? FALSE : NULL
      else out[i] = values.some((y) => compareValues(x, y) === 0) ? TRUE : noMatch
    }
    return out
  }

  #comparison(op: ComparisonOp, left: ValueExpression, right: ValueExpression): TruthVector {
    const l = this.#operand(left)
    const r = this.#operand(right)
    const out = new Uint8Array(this.#n)
    const test = OP_TEST[op]
    // Fast path: a typed column against a constant of the same JS kind.
    if ('column' in l && 'constant' in r && l.column.raw !== undefined && r.constant !== undefined && typeof r.constant === typeof l.column.raw[0]) {
      const { raw, valid } = l.column
      const k = r.constant as number | bigint
      if (typeof k === 'number') {
        const nums = raw as ArrayLike<number>
        for (let i = 0; i < out.length; i++) out[i] = valid[i] ? (test(compareNumbers(nums[i]!, k)) ? TRUE : FALSE) : NULL
      } else {
        const bigs = raw as ArrayLike<bigint>
        for (let i = 0; i < out.length; i++) out[i] = valid[i] ? (test(bigs[i]! < k ? -1 : bigs[i]! > k ? 1 : 0) ? TRUE : FALSE) : NULL
      }
      return out
    }
    for (let i = 0; i < out.length; i++) {
      const a = valueAt(l, i)
      const b = valueAt(r, i)
      out[i] = a === undefined || b === undefined ? NULL : test(compareValues(a, b)) ? TRUE : FALSE
    }
    return out
  }

  #operand(v: ValueExpression): Operand {
    return v.kind === 'literal' ? { constant: comparableOf(v) } : { column: this.#column(v) }
  }

  #column(c: Column): ColumnValues {
    const key = JSON.stringify(c.path)
    let values = this.#columns.get(key)
    if (values === undefined) {
      values = columnValues(this.batch, c)
      this.#columns.set(key, values)
    }
    return values
  }
}

/** Whether comparison result `c` (negative, zero, positive) satisfies the operator. */
const OP_TEST: Record<ComparisonOp, (c: number) => boolean> = {
  '=': (c) => c === 0,
  '!=': (c) => c !== 0,
  '<': (c) => c < 0,
  '<=': (c) => c <= 0,
  '>': (c) => c > 0,
  '>=': (c) => c >= 0,
}

function isNullAt(v: Operand, i: number): boolean {
  return 'constant' in v ? v.constant === undefined : v.column.valid[i] === 0
}

function valueAt(v: Operand, i: number): Comparable | undefined {
  if ('constant' in v) return v.constant
  return v.column.valid[i] ? v.column.get(i) : undefined
}

function findField(fields: readonly A.Field[], name: string): number {
  const exact = fields.findIndex((f) => f.name === name)
  if (exact >= 0) return exact
  const lower = name.toLowerCase()
  return fields.findIndex((f) => f.name.toLowerCase() === lower)
}

/** Locates column `c` in `batch` (through structs) and wraps its values. */
function columnValues(batch: A.RecordBatch, c: Column): ColumnValues {
  let fields: readonly A.Field[] = batch.schema.fields
  let data: A.Data = batch.data
  let valid: Uint8Array | undefined
  for (const name of c.path) {
    const idx = findField(fields, name)
    if (idx < 0 || !A.DataType.isStruct(data.type)) {
      throw new ExpressionError(`column ${formatExpression(c)} is not in the batch (fields: ${fields.map((f) => f.name).join(', ')})`)
    }
    data = data.children[idx]!
    valid = validity(data, valid)
    fields = A.DataType.isStruct(data.type) ? (data.type as A.Struct).children : []
  }
  return readerOf(data, valid!, c)
}

/** Validity of every row of `data`, also false where the enclosing struct is null. */
function validity(data: A.Data, parent: Uint8Array | undefined): Uint8Array {
  const out = parent ? parent.slice() : new Uint8Array(data.length).fill(1)
  if (A.DataType.isNull(data.type)) return out.fill(0)
  const bitmap = data.nullBitmap
  if (data.nullCount === 0 || bitmap === undefined || bitmap.length === 0) return out
  for (let i = 0; i < data.length; i++) {
    const bit = data.offset + i
    if (((bitmap[bit >> 3]! >> (bit & 7)) & 1) === 0) out[i] = 0
  }
  return out
}

function int64At(values: ArrayLike<number> | BigInt64Array, i: number): bigint {
  if (values instanceof BigInt64Array || values instanceof BigUint64Array) return values[i]!
  const words = values as Int32Array
  return (BigInt(words[2 * i + 1]!) << 32n) | BigInt(words[2 * i]! >>> 0)
}

const MICROS_PER: Record<number, bigint> = { [A.TimeUnit.SECOND]: 1_000_000n, [A.TimeUnit.MILLISECOND]: 1000n, [A.TimeUnit.MICROSECOND]: 1n }

function readerOf(data: A.Data, valid: Uint8Array, c: Column): ColumnValues {
  const type = data.type
  const values = data.values as unknown
  if (A.DataType.isNull(type)) return { valid, get: () => 0 }
  if (A.DataType.isInt(type) || A.DataType.isFloat(type)) {
    if (values instanceof BigInt64Array || values instanceof BigUint64Array) return { valid, raw: values, get: (i) => values[i]! }
    if ((type as A.Int).bitWidth === 64) return { valid, get: (i) => int64At(values as Int32Array, i) }
    const nums = values as Float64Array
    return { valid, raw: nums, get: (i) => nums[i]! }
  }
  if (A.DataType.isDate(type)) {
    if ((type as A.Date_).unit === A.DateUnit.DAY) return { valid, raw: values as Int32Array, get: (i) => (values as Int32Array)[i]! }
    return { valid, get: (i) => Math.floor(Number(int64At(values as BigInt64Array, i)) / 86_400_000) }
  }
  if (A.DataType.isTimestamp(type)) {
    const unit = (type as A.Timestamp).unit
    const ints = values as BigInt64Array
    if (unit === A.TimeUnit.MICROSECOND && ints instanceof BigInt64Array) return { valid, raw: ints, get: (i) => ints[i]! }
    if (unit === A.TimeUnit.NANOSECOND) {
      return { valid, get: (i) => { const v = int64At(ints, i); return v / 1000n - (v % 1000n < 0n ? 1n : 0n) } }
    }
    return { valid, get: (i) => int64At(ints, i) * MICROS_PER[unit]! }
  }
  if (A.DataType.isDecimal(type)) {
    const { scale, bitWidth } = type as A.Decimal
    const stride = bitWidth / 32
    const words = values as Uint32Array
    return { valid, get: (i) => ({ unscaled: wordsToBigInt(words.subarray(i * stride, (i + 1) * stride)), scale }) }
  }
  if (A.DataType.isBool(type)) {
    const bits = values as Uint8Array
    return { valid, get: (i) => { const b = data.offset + i; return (bits[b >> 3]! >> (b & 7)) & 1 } }
  }
  if (A.DataType.isUtf8(type) || A.DataType.isBinary(type)) {
    const offsets = data.valueOffsets as Int32Array
    const bytes = values as Uint8Array
    return { valid, get: (i) => bytes.subarray(offsets[i]!, offsets[i + 1]!) }
  }
  // Nested and other types only answer IS NULL; comparing their values is an error.
  return {
    valid,
    get: () => {
      throw new ExpressionError(`column ${formatExpression(c)}: cannot compare values of Arrow type ${String(type)}`)
    },
  }
}
