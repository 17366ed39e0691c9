/**
 * Binding an expression to a table schema: columns are resolved (exact name first, then a
 * case-insensitive match, as Spark resolves them) and annotated with their type and physical
 * path, and every literal compared with a column is converted to that column's type, so that
 * evaluation and skipping compare like with like. Anything that cannot be typed is an
 * {@link ExpressionError} naming the expression part at fault.
 *
 * Conversions (literal → column type): numbers to any numeric type when the value fits exactly
 * (`a > 2.5` on an integer column is an error, not a silent rounding); strings to dates,
 * timestamps, numbers and booleans by the partition-value text rules; dates to timestamps
 * (midnight UTC); timestamps between `timestamp` and `timestamp_ntz` keeping the microseconds;
 * strings to binary as UTF-8.
 *
 * @packageDocumentation
 */
import { ExpressionError, InvalidPartitionValueError } from '../errors.js'
import { MICROS_PER_DAY } from '../protocol/civil-time.js'
import { physicalName } from '../protocol/column-mapping.js'
import { formatDecimal, parsePartitionValue, type PartitionScalar } from '../protocol/partition-values.js'
import { describeType } from '../protocol/schema.js'
import type { DataType, StructField, StructType } from '../protocol/schema-types.js'
import { type Column, digitCount, type Expression, type Literal, type ValueExpression } from './expression.js'
import { formatExpression } from './expression-format.js'
import { type ExactDecimal, parseDecimalText, rescaleDecimal } from './scalar-compare.js'

const INTEGRAL_RANGE = { byte: 2n ** 7n, short: 2n ** 15n, integer: 2n ** 31n, long: 2n ** 63n } as const
type Family = 'numeric' | 'string' | 'binary' | 'boolean' | 'date' | 'timestamp' | 'other'

function familyOf(type: string): Family {
  switch (type) {
    case 'byte':
    case 'short':
    case 'integer':
    case 'long':
    case 'float':
    case 'double':
    case 'decimal':
      return 'numeric'
    case 'timestamp':
    case 'timestamp_ntz':
      return 'timestamp'
    case 'string':
    case 'binary':
    case 'boolean':
    case 'date':
      return type
    default:
      return 'other'
  }
}

/**
 * Binds `expr` to `schema` (logical names). Returns the same tree with every column's
 * `resolved` set and literals converted to the types of the columns they meet. Throws
 * {@link ExpressionError} for an unknown column, a literal that does not convert, a comparison of
 * incomparable types, or a non-boolean expression where a predicate is needed.
 */
export function bindExpression(expr: Expression, schema: StructType): Expression {
  return bindPredicate(expr, schema)
}

function bindPredicate(e: Expression, schema: StructType): Expression {
  switch (e.kind) {
    case 'and':
    case 'or':
      if (e.children.length === 0) throw new ExpressionError(`${e.kind.toUpperCase()} needs at least one operand`)
      return { kind: e.kind, children: e.children.map((c) => bindPredicate(c, schema)) }
    case 'not':
      return { kind: 'not', child: bindPredicate(e.child, schema) }
    case 'literal':
      if (e.type !== 'boolean' && e.type !== 'null') throw new ExpressionError(`expected a predicate, found the ${e.type} literal ${formatExpression(e)}`)
      return e
    case 'column': {
      const c = bindColumn(e, schema)
      if (c.resolved!.type.type !== 'boolean') {
        throw new ExpressionError(`expected a predicate, found column ${formatExpression(e)} of type ${describeType(c.resolved!.type)}`)
      }
      return c
    }
    case 'isNull':
      return { ...e, value: bindValue(e.value, schema) }
    case 'startsWith': {
      const value = bindValue(e.value, schema)
      const t = value.kind === 'column' ? value.resolved!.type.type : value.type
      if (t !== 'string' && t !== 'null') throw new ExpressionError(`STARTS_WITH needs a string, found ${formatExpression(e.value)} of type ${t}`)
      return { ...e, value }
    }
    case 'in': {
      const value = bindValue(e.value, schema)
      const target = targetType(value)
      const list = e.list.map((l) => (target ? coerceLiteral(l, target, formatExpression(e)) : l))
      return { kind: 'in', value, list }
    }
    case 'comparison': {
      const left = bindValue(e.left, schema)
      const right = bindValue(e.right, schema)
      const where = formatExpression(e)
      const lt = targetType(left)
      const rt = targetType(right)
      if (lt && rt) {
        if (familyOf(lt.type) !== familyOf(rt.type) || familyOf(lt.type) === 'other') {
          throw new ExpressionError(`${where}: cannot compare ${describeType(lt)} with ${describeType(rt)}`)
        }
        return { ...e, left, right }
      }
      return {
        ...e,
        left: lt || right.kind !== 'column' ? left : coerceLiteral(left as Literal, rt!, where),
        right: rt || left.kind !== 'column' ? right : coerceLiteral(right as Literal, lt!, where),
      }
    }
  }
}

/** The Delta type of a bound column operand; `undefined` for literals. */
function targetType(v: ValueExpression): DataType | undefined {
  return v.kind === 'column' ? v.resolved!.type : undefined
}

function bindValue(v: ValueExpression, schema: StructType): ValueExpression {
  return v.kind === 'column' ? bindColumn(v, schema) : v
}

/**
 * Resolves a column path through structs (exact name first, then case-insensitively); the
 * result spells the path as the schema does.
 */
export function bindColumn(c: Column, schema: StructType): Column {
  let fields: readonly StructField[] | undefined = schema.fields
  const physicalPath: string[] = []
  const path: string[] = []
  let type: DataType = schema
  c.path.forEach((name, depth) => {
    if (fields === undefined) {
      throw new ExpressionError(`column ${formatExpression(c)}: ${c.path.slice(0, depth).join('.')} is a ${describeType(type)}, not a struct`)
    }
    const lower = name.toLowerCase()
    const field: StructField | undefined = fields.find((f) => f.name === name) ?? fields.find((f) => f.name.toLowerCase() === lower)
    if (field === undefined) {
      const where = depth === 0 ? 'the table' : `struct ${c.path.slice(0, depth).join('.')}`
      throw new ExpressionError(`unknown column ${formatExpression(c)}: ${where} has ${fields.map((f) => f.name).join(', ') || 'no fields'}`)
    }
    path.push(field.name)
    physicalPath.push(physicalName(field))
    type = field.type
    fields = type.type === 'struct' ? type.fields : undefined
  })
  if (c.path.length === 0) throw new ExpressionError('a column reference needs at least one name')
  return { kind: 'column', path, resolved: { type, physicalPath } }
}

/**
 * Converts literal `l` to Delta type `target` (see the module documentation for the rules).
 * NULL stays NULL. Throws {@link ExpressionError} mentioning `where` when it does not convert.
 */
export function coerceLiteral(l: Literal, target: DataType, where: string): Literal {
  if (l.type === 'null') return l
  const fail = (why: string): never => {
    throw new ExpressionError(`${where}: cannot use ${formatExpression(l)} as a ${describeType(target)} value: ${why}`)
  }
  const t = target.type
  if (l.type === 'string' && t !== 'string' && t !== 'binary') return fromText(l.value, target, fail)
  switch (t) {
    case 'string':
      return l.type === 'string' ? l : fail('expected a string literal')
    case 'binary':
      if (l.type === 'binary') return l
      return l.type === 'string' ? { kind: 'literal', type: 'binary', value: new TextEncoder().encode(l.value) } : fail('expected a string or binary literal')
    case 'boolean':
      return l.type === 'boolean' ? l : fail('expected true or false')
    case 'date':
      return l.type === 'date' ? l : fail("expected DATE 'yyyy-mm-dd' or a date string")
    case 'timestamp':
    case 'timestamp_ntz':
      if (l.type === 'timestamp' || l.type === 'timestamp_ntz') return { kind: 'literal', type: t, value: l.value }
      if (l.type === 'date') return { kind: 'literal', type: t, value: BigInt(l.value) * MICROS_PER_DAY }
      return fail("expected TIMESTAMP 'yyyy-mm-dd hh:mm:ss[.ffffff]' or a timestamp string")
    case 'byte':
    case 'short':
    case 'integer':
    case 'long':
    case 'float':
    case 'double':
    case 'decimal': {
      const exact = exactNumber(l)
      if (exact === undefined) return fail('expected a number')
      return numericLiteral(exact, target, fail)
    }
    default:
      return fail('columns of this type cannot be compared')
  }
}

/** A numeric literal as an exact decimal, or a non-finite double; `undefined` if not numeric. */
function exactNumber(l: Literal): ExactDecimal | number | undefined {
  switch (l.type) {
    case 'byte':
    case 'short':
    case 'integer':
      return { unscaled: BigInt(l.value), scale: 0 }
    case 'long':
      return { unscaled: l.value, scale: 0 }
    case 'decimal':
      return { unscaled: l.value.unscaled, scale: l.value.scale }
    case 'float':
    case 'double':
      return Number.isFinite(l.value) ? (parseDecimalText(String(l.value)) ?? l.value) : l.value
    default:
      return undefined
  }
}

function numericLiteral(v: ExactDecimal | number, target: DataType, fail: (why: string) => never): Literal {
  const t = target.type
  if (t === 'float' || t === 'double') {
    const n = typeof v === 'number' ? v : Number(formatDecimal(v.unscaled, v.scale))
    return { kind: 'literal', type: t, value: n }
  }
  if (typeof v === 'number') return fail('not a finite number')
  if (t === 'decimal') {
    // Keep the literal's own exact value; comparisons are exact across scales.
    const d = v.scale < 0 ? rescaleDecimal(v, 0)! : v
    return { kind: 'literal', type: 'decimal', value: { unscaled: d.unscaled, scale: d.scale, precision: Math.max(digitCount(d.unscaled), d.scale) } }
  }
  const whole = rescaleDecimal(v, 0)
  if (whole === undefined) return fail(`not an integer (${t} columns hold integers)`)
  const limit = INTEGRAL_RANGE[t as keyof typeof INTEGRAL_RANGE]
  if (whole.unscaled < -limit || whole.unscaled >= limit) return fail(`out of the ${t} range ${-limit}..${limit - 1n}`)
  return t === 'long'
    ? { kind: 'literal', type: 'long', value: whole.unscaled }
    : { kind: 'literal', type: t as 'integer', value: Number(whole.unscaled) }
}

function fromText(text: string, target: DataType, fail: (why: string) => never): Literal {
  const t = target.type
  if (familyOf(t) === 'numeric' && t !== 'float' && t !== 'double') {
    const n = parseDecimalText(text)
    return n === undefined ? fail('expected a number') : numericLiteral(n, target, fail)
  }
  if ((t === 'timestamp' || t === 'timestamp_ntz') && /^[+-]?\d{4,}-\d{1,2}-\d{1,2}$/.test(text.trim())) {
    // Spark casts a date-only string to midnight of that day.
    const days = fromText(text.trim(), { type: 'date' }, fail).value as number
    return { kind: 'literal', type: t, value: BigInt(days) * MICROS_PER_DAY }
  }
  let v: PartitionScalar
  try {
    // Spark casts a string compared with a column to the column's type; the partition-value
    // text rules are the same casts (and accept NaN/Infinity for floating point).
    v = parsePartitionValue(text, target, 'literal')
  } catch (err) {
    if (err instanceof InvalidPartitionValueError) return fail(partitionErrorReason(err))
    throw err
  }
  if (v === null) return fail('empty text')
  switch (t) {
    case 'boolean':
      return { kind: 'literal', type: 'boolean', value: v as boolean }
    case 'date':
    case 'float':
    case 'double':
      return { kind: 'literal', type: t, value: v as number }
    case 'timestamp':
    case 'timestamp_ntz':
      return { kind: 'literal', type: t, value: v as bigint }
    default:
      return fail('columns of this type cannot be compared')
  }
}

/** The reason part of a partition-value parse error (after `...: cannot parse "raw": `). */
export function partitionErrorReason(err: InvalidPartitionValueError): string {
  return err.message.replace(/^.*?: cannot parse "(?:[^"\\]|\\.)*": /, '')
}
