/**
 * A parser for the SQL-like predicates of the CLI's `--where` (and any caller holding predicate
 * text). Grammar, keywords case-insensitive:
 *
 *     expr      := and ('OR' and)*
 *     and       := unary ('AND' unary)*
 *     unary     := 'NOT' unary | predicate
 *     predicate := operand [ op operand | [NOT] IN '(' literal, ... ')' | IS [NOT] NULL
 *                          | [NOT] BETWEEN operand AND operand | [NOT] LIKE 'prefix%' ]
 *     operand   := column | literal | '(' expr ')' | STARTS_WITH '(' operand ',' string ')'
 *     op        := = | == | != | <> | < | <= | > | >=
 *     column    := name ('.' name)*      name := word | `back-quoted` (`` for a backtick)
 *     literal   := [-] number[L|D] | 'text' ('' for a quote) | TRUE | FALSE | NULL | X'hex'
 *                | DATE 'yyyy-mm-dd' | TIMESTAMP '…' | TIMESTAMP_NTZ '…'
 *
 * Number literals are typed like Spark's: integers as integer (long when they exceed 32 bits, or
 * with an `L` suffix), `1.50` as an exact decimal, `1e3` or a `D` suffix as double. Binding then
 * converts literals to the types of the columns they meet. LIKE supports a plain prefix pattern
 * (`'abc%'`) or no wildcard at all (equality); anything else is an error.
 *
 * @packageDocumentation
 */
import { ExpressionError, InvalidPartitionValueError } from '../errors.js'
import { parsePartitionValue } from '../protocol/partition-values.js'
import {
  and,
  between,
  type Column,
  digitCount,
  type Expression,
  isNotNull,
  isNull,
  type Literal,
  not,
  or,
  type ValueExpression,
} from './expression.js'
import { type ComparisonOp } from './expression.js'
import { partitionErrorReason } from './expression-bind.js'
import { parseDecimalText } from './scalar-compare.js'

type TokenKind = 'word' | 'quoted' | 'string' | 'number' | 'op' | 'end'
interface Token {
  readonly kind: TokenKind
  readonly text: string
  readonly at: number
}

const TOKEN = /\s*(?:([A-Za-z_][A-Za-z0-9_]*)|(`(?:[^`]|``)*`)|('(?:[^']|'')*')|((?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[LlDd]?)|(==|!=|<>|<=|>=|[=<>(),.-]))/y

function tokenize(text: string): Token[] {
  const out: Token[] = []
  let pos = 0
  for (;;) {
    const ws = /\s*/y
    ws.lastIndex = pos
    ws.exec(text)
    if (ws.lastIndex >= text.length) break
    TOKEN.lastIndex = pos
    const m = TOKEN.exec(text)
    if (m === null) {
      throw new ExpressionError(`cannot parse ${JSON.stringify(text)}: unexpected character ${JSON.stringify(text[ws.lastIndex])} at offset ${ws.lastIndex}`)
    }
    const at = TOKEN.lastIndex - m[0].trimStart().length
    if (m[1] !== undefined) out.push({ kind: 'word', text: m[1], at })
    else if (m[2] !== undefined) out.push({ kind: 'quoted', text: m[2].slice(1, -1).replaceAll('``', '`'), at })
    else if (m[3] !== undefined) out.push({ kind: 'string', text: m[3].slice(1, -1).replaceAll("''", "'"), at })
    else if (m[4] !== undefined) out.push({ kind: 'number', text: m[4], at })
    else out.push({ kind: 'op', text: m[5]!, at })
    pos = TOKEN.lastIndex
  }
  out.push({ kind: 'end', text: '', at: text.length })
  return out
}

const OPS: Record<string, ComparisonOp> = { '=': '=', '==': '=', '!=': '!=', '<>': '!=', '<': '<', '<=': '<=', '>': '>', '>=': '>=' }
const RESERVED = new Set(['AND', 'OR', 'NOT', 'IN', 'IS', 'BETWEEN', 'LIKE'])

/**
 * Parses predicate text into an (unbound) {@link Expression}. Throws {@link ExpressionError}
 * naming the offset and what was expected on a syntax error.
 */
export function parseExpression(text: string): Expression {
  return new Parser(text).parse()
}

class Parser {
  readonly #tokens: Token[]
  #i = 0
  constructor(readonly text: string) {
    this.#tokens = tokenize(text)
  }

  parse(): Expression {
    const e = this.#or()
    if (this.#peek().kind !== 'end') this.#fail('AND, OR or the end of the predicate')
    return e
  }

  #peek(offset = 0): Token {
    return this.#tokens[Math.min(this.#i + offset, this.#tokens.length - 1)]!
  }
  #next(): Token {
    const t = this.#peek()
    if (t.kind !== 'end') this.#i++
    return t
  }
  #isWord(word: string, offset = 0): boolean {
    const t = this.#peek(offset)
    return t.kind === 'word' && t.text.toUpperCase() === word
  }
  #acceptWord(word: string): boolean {
    if (!this.#isWord(word)) return false
    this.#i++
    return true
  }
  #expectWord(word: string): void {
    if (!this.#acceptWord(word)) this.#fail(word)
  }
  #acceptOp(op: string): boolean {
    const t = this.#peek()
    if (t.kind !== 'op' || t.text !== op) return false
    this.#i++
    return true
  }
  #expectOp(op: string): void {
    if (!this.#acceptOp(op)) this.#fail(`'${op}'`)
  }
  #fail(expected: string, token = this.#peek()): never {
    const found = token.kind === 'end' ? 'the end of the text' : JSON.stringify(token.text)
    throw new ExpressionError(`cannot parse ${JSON.stringify(this.text)}: expected ${expected} at offset ${token.at}, found ${found}`)
  }

  #or(): Expression {
    const parts = [this.#and()]
    while (this.#acceptWord('OR')) parts.push(this.#and())
    return or(...parts)
  }
  #and(): Expression {
    const parts = [this.#unary()]
    while (this.#acceptWord('AND')) parts.push(this.#unary())
    return and(...parts)
  }
  #unary(): Expression {
    if (this.#acceptWord('NOT')) return not(this.#unary())
    return this.#predicate()
  }

  #predicate(): Expression {
    const left = this.#operand()
    const t = this.#peek()
    if (t.kind === 'op' && OPS[t.text] !== undefined) {
      this.#i++
      return { kind: 'comparison', op: OPS[t.text]!, left: this.#value(left), right: this.#value(this.#operand()) }
    }
    if (this.#acceptWord('IS')) {
      const negated = this.#acceptWord('NOT')
      this.#expectWord('NULL')
      return negated ? isNotNull(this.#value(left)) : isNull(this.#value(left))
    }
    const negated = this.#isWord('NOT') && (this.#isWord('IN', 1) || this.#isWord('BETWEEN', 1) || this.#isWord('LIKE', 1))
    if (negated) this.#i++
    let e: Expression | undefined
    if (this.#acceptWord('IN')) e = this.#inList(this.#value(left))
    else if (this.#acceptWord('BETWEEN')) {
      const low = this.#value(this.#operand())
      this.#expectWord('AND')
      e = between(this.#value(left), low, this.#value(this.#operand()))
    } else if (this.#acceptWord('LIKE')) e = this.#like(this.#value(left))
    if (e !== undefined) return negated ? not(e) : e
    return left
  }

  #inList(value: ValueExpression): Expression {
    this.#expectOp('(')
    const list: Literal[] = []
    do {
      const t = this.#peek()
      const item = this.#operand()
      if (item.kind !== 'literal') this.#fail('a literal in the IN list', t)
      list.push(item)
    } while (this.#acceptOp(','))
    this.#expectOp(')')
    return { kind: 'in', value, list }
  }

  #like(value: ValueExpression): Expression {
    const t = this.#next()
    if (t.kind !== 'string') this.#fail('a pattern string after LIKE', t)
    const pattern = t.text
    const body = pattern.endsWith('%') ? pattern.slice(0, -1) : pattern
    if (/[%_\\]/.test(body)) {
      throw new ExpressionError(`LIKE ${JSON.stringify(pattern)} at offset ${t.at}: only a prefix pattern ('abc%') or an exact string is supported`)
    }
    if (body === pattern) return { kind: 'comparison', op: '=', left: value, right: { kind: 'literal', type: 'string', value: body } }
    return { kind: 'startsWith', value, prefix: body }
  }

  /** A predicate used where a value is needed must be a column or literal. */
  #value(e: Expression): ValueExpression {
    if (e.kind === 'column' || e.kind === 'literal') return e
    return this.#fail('a column or a literal (predicates cannot be compared)', this.#tokens[this.#i - 1])
  }

  #operand(): Expression {
    const t = this.#peek()
    if (this.#acceptOp('(')) {
      const e = this.#or()
      this.#expectOp(')')
      return e
    }
    if (this.#acceptOp('-')) {
      const n = this.#next()
      if (n.kind !== 'number') this.#fail('a number after -', n)
      return numberLiteral(`-${n.text}`)
    }
    if (t.kind === 'number') return numberLiteral(this.#next().text)
    if (t.kind === 'string') return { kind: 'literal', type: 'string', value: this.#next().text }
    if (t.kind === 'quoted') return this.#column()
    if (t.kind !== 'word') this.#fail('a column, a literal or (')
    const upper = t.text.toUpperCase()
    const typed = this.#typedLiteral(upper)
    if (typed !== undefined) return typed
    if (upper === 'STARTS_WITH' && this.#peek(1).kind === 'op' && this.#peek(1).text === '(') return this.#startsWith()
    if (RESERVED.has(upper)) this.#fail('a column, a literal or (')
    return this.#column()
  }

  #typedLiteral(upper: string): Literal | undefined {
    const next = this.#peek(1)
    if (upper === 'TRUE' || upper === 'FALSE') {
      this.#i++
      return { kind: 'literal', type: 'boolean', value: upper === 'TRUE' }
    }
    if (upper === 'NULL') {
      this.#i++
      return { kind: 'literal', type: 'null', value: null }
    }
    if (next.kind !== 'string') return undefined
    if (upper === 'X') {
      // Only X'…' written without a space is a binary literal; otherwise X is a column name.
      if (next.at !== this.#peek().at + 1) return undefined
      this.#i += 2
      if (!/^(?:[0-9a-fA-F]{2})*$/.test(next.text)) this.#fail("an even number of hex digits in X'…'", next)
      return { kind: 'literal', type: 'binary', value: Uint8Array.from(next.text.match(/../g) ?? [], (h) => parseInt(h, 16)) }
    }
    const type = upper === 'DATE' ? 'date' : upper === 'TIMESTAMP' ? 'timestamp' : upper === 'TIMESTAMP_NTZ' ? 'timestamp_ntz' : undefined
    if (type === undefined) return undefined
    this.#i += 2
    try {
      const v = parsePartitionValue(next.text, { type }, upper)
      if (v === null) this.#fail(`a ${upper} value`, next)
      return type === 'date' ? { kind: 'literal', type, value: v as number } : { kind: 'literal', type, value: v as bigint }
    } catch (err) {
      if (!(err instanceof InvalidPartitionValueError)) throw err
      throw new ExpressionError(`${upper} ${JSON.stringify(next.text)} at offset ${next.at}: ${partitionErrorReason(err)}`)
    }
  }

  #startsWith(): Expression {
    this.#i += 2
    const value = this.#value(this.#operand())
    this.#expectOp(',')
    const p = this.#next()
    if (p.kind !== 'string') this.#fail('a prefix string', p)
    this.#expectOp(')')
    return { kind: 'startsWith', value, prefix: p.text }
  }

  #column(): Column {
    const path: string[] = []
    do {
      const t = this.#next()
      if (t.kind !== 'word' && t.kind !== 'quoted') this.#fail('a column name', t)
      path.push(t.text)
    } while (this.#acceptOp('.'))
    return { kind: 'column', path }
  }
}

function numberLiteral(text: string): Literal {
  const suffix = text.at(-1)!.toUpperCase()
  const body = suffix === 'L' || suffix === 'D' ? text.slice(0, -1) : text
  if (suffix === 'D' || /[eE]/.test(body)) return { kind: 'literal', type: 'double', value: Number(body) }
  const d = parseDecimalText(body)!
  if (suffix === 'L') {
    if (d.scale > 0) throw new ExpressionError(`number ${text}: the L suffix needs an integer`)
    return { kind: 'literal', type: 'long', value: d.unscaled }
  }
  if (d.scale > 0 || body.includes('.')) {
    return { kind: 'literal', type: 'decimal', value: { unscaled: d.unscaled, scale: d.scale, precision: Math.max(digitCount(d.unscaled), d.scale) } }
  }
  if (d.unscaled >= -(2n ** 31n) && d.unscaled < 2n ** 31n) return { kind: 'literal', type: 'integer', value: Number(d.unscaled) }
  return { kind: 'literal', type: 'long', value: d.unscaled }
}
