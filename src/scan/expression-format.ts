/**
 * Expressions as SQL text, in the dialect `parseExpression` reads back (used in error messages,
 * the CLI and tests): identifiers are backtick-quoted when needed, strings single-quoted with `''`,
 * doubles carry an exponent (`1.5E0`) so they read back as doubles, binary is `X'0aff'`.
 *
 * @packageDocumentation
 */
import { formatDate, formatTimestampMicros } from '../protocol/civil-time.js'
import { formatDecimal } from '../protocol/partition-values.js'
import type { Expression, Literal } from './expression.js'

/** Words the parser treats as keywords, so identifiers spelled like them are quoted. */
export const KEYWORDS = new Set([
  'AND', 'OR', 'NOT', 'IN', 'IS', 'NULL', 'TRUE', 'FALSE', 'BETWEEN', 'LIKE', 'DATE', 'TIMESTAMP', 'TIMESTAMP_NTZ', 'STARTS_WITH',
])

/** An identifier, backtick-quoted unless it is a plain word that is not a keyword. */
export function formatIdentifier(name: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !KEYWORDS.has(name.toUpperCase())) return name
  return '`' + name.replaceAll('`', '``') + '`'
}

function quote(s: string): string {
  return `'${s.replaceAll("'", "''")}'`
}

function formatLiteral(l: Literal): string {
  switch (l.type) {
    case 'null':
      return 'NULL'
    case 'string':
      return quote(l.value)
    case 'boolean':
      return l.value ? 'TRUE' : 'FALSE'
    case 'long':
    case 'integer':
    case 'short':
    case 'byte':
      return String(l.value)
    case 'float':
    case 'double': {
      if (!Number.isFinite(l.value)) return quote(String(l.value))
      const text = String(l.value)
      return /e/i.test(text) ? text.toUpperCase() : `${text}E0`
    }
    case 'decimal':
      return formatDecimal(l.value.unscaled, l.value.scale)
    case 'date':
      return `DATE ${quote(formatDate(l.value))}`
    case 'timestamp':
      return `TIMESTAMP ${quote(formatTimestampMicros(l.value, ' '))}`
    case 'timestamp_ntz':
      return `TIMESTAMP_NTZ ${quote(formatTimestampMicros(l.value, ' '))}`
    case 'binary':
      return `X'${Array.from(l.value, (b) => b.toString(16).padStart(2, '0')).join('')}'`
  }
}

function grouped(e: Expression): string {
  return e.kind === 'and' || e.kind === 'or' ? `(${formatExpression(e)})` : formatExpression(e)
}

/** SQL text of an expression. */
export function formatExpression(e: Expression): string {
  switch (e.kind) {
    case 'column':
      return e.path.map(formatIdentifier).join('.')
    case 'literal':
      return formatLiteral(e)
    case 'comparison':
      return `${formatExpression(e.left)} ${e.op} ${formatExpression(e.right)}`
    case 'in':
      return `${formatExpression(e.value)} IN (${e.list.map(formatLiteral).join(', ')})`
    case 'isNull':
      return `${formatExpression(e.value)} IS ${e.negated ? 'NOT ' : ''}NULL`
    case 'startsWith':
      return `STARTS_WITH(${formatExpression(e.value)}, ${quote(e.prefix)})`
    case 'and':
    case 'or':
      return e.children.map(grouped).join(e.kind === 'and' ? ' AND ' : ' OR ')
    case 'not':
      return `NOT (${formatExpression(e.child)})`
  }
}
