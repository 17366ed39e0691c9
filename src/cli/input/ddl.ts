/**
 * The `--schema` argument of `create`: either a Delta schema JSON string (starts with `{`) or a
 * small SQL-like DDL:
 *
 *     columns := column (',' column)*
 *     column  := name [':'] type [NOT NULL]
 *     type    := string | long | bigint | int | integer | short | smallint | byte | tinyint
 *              | float | real | double | boolean | bool | binary | date | timestamp | timestamp_ntz
 *              | void | variant | decimal | decimal(p, s)
 *              | array<type> | map<type, type> | struct<column, ...>
 *     name    := word | `back-quoted` (`` for a backtick)
 *
 * Type names are case-insensitive. Array elements and map values are nullable (Spark's DDL has no
 * syntax for anything else). Errors are {@link UsageError}s naming the offset and what was
 * expected, since the text is a command-line argument.
 *
 * @packageDocumentation
 */
import { DeltaError } from '../../errors.js'
import { decimalType, parseSchema, serializeSchema } from '../../protocol/schema.js'
import type { DataType, PrimitiveTypeName, StructField, StructType } from '../../protocol/schema-types.js'
import { UsageError } from '../context.js'

const ALIASES: Readonly<Record<string, PrimitiveTypeName>> = {
  string: 'string',
  long: 'long',
  bigint: 'long',
  int: 'integer',
  integer: 'integer',
  short: 'short',
  smallint: 'short',
  byte: 'byte',
  tinyint: 'byte',
  float: 'float',
  real: 'float',
  double: 'double',
  boolean: 'boolean',
  bool: 'boolean',
  binary: 'binary',
  date: 'date',
  timestamp: 'timestamp',
  timestamp_ntz: 'timestamp_ntz',
  void: 'void',
  variant: 'variant',
}

/**
 * Parses a `--schema` value: Delta schema JSON when it starts with `{`, otherwise the DDL above.
 * Throws {@link UsageError} with the reason (for JSON, the schema parser's message).
 */
export function parseSchemaArgument(text: string): StructType {
  if (text.trimStart().startsWith('{')) {
    try {
      return parseSchema(text)
    } catch (e) {
      if (e instanceof DeltaError && e.code === 'INVALID_SCHEMA') throw new UsageError(`--schema: ${e.message}`)
      throw e
    }
  }
  return parseDdl(text)
}

/** Parses the DDL (see the module documentation) into a struct. */
export function parseDdl(text: string): StructType {
  const p = new DdlParser(text)
  const schema = p.columns(true)
  p.end()
  try {
    // Reuse the schema validator (case-insensitive duplicate names, decimal bounds, ...).
    return parseSchema(serializeSchema(schema))
  } catch (e) {
    if (e instanceof DeltaError && e.code === 'INVALID_SCHEMA') throw new UsageError(`--schema: ${e.message}`)
    throw e
  }
}

const TOKEN = /\s*(?:([A-Za-z_][A-Za-z0-9_]*)|(`(?:[^`]|``)*`)|(\d+)|([<>(),:]))/y

interface Token {
  readonly kind: 'word' | 'quoted' | 'number' | 'punct' | 'end'
  readonly text: string
  readonly at: number
}

class DdlParser {
  readonly #text: string
  readonly #tokens: Token[] = []
  #i = 0

  constructor(text: string) {
    this.#text = text
    let pos = 0
    for (;;) {
      const rest = text.slice(pos)
      if (rest.trim() === '') break
      TOKEN.lastIndex = pos
      const m = TOKEN.exec(text)
      const at = pos + (rest.length - rest.trimStart().length)
      if (m === null) this.#fail(at, `unexpected character ${JSON.stringify(text[at])}`)
      if (m[1] !== undefined) this.#tokens.push({ kind: 'word', text: m[1], at })
      else if (m[2] !== undefined) this.#tokens.push({ kind: 'quoted', text: m[2].slice(1, -1).replaceAll('``', '`'), at })
      else if (m[3] !== undefined) this.#tokens.push({ kind: 'number', text: m[3], at })
      else this.#tokens.push({ kind: 'punct', text: m[4]!, at })
      pos = TOKEN.lastIndex
    }
    this.#tokens.push({ kind: 'end', text: '', at: text.length })
  }

  #fail(at: number, why: string): never {
    throw new UsageError(`--schema: ${why} at offset ${at} of ${JSON.stringify(this.#text)}`)
  }

  #peek(): Token {
    return this.#tokens[this.#i]!
  }

  #next(): Token {
    return this.#tokens[this.#i++]!
  }

  #describe(t: Token): string {
    return t.kind === 'end' ? 'the end of the text' : JSON.stringify(t.text)
  }

  #expect(punct: string): void {
    const t = this.#next()
    if (t.kind !== 'punct' || t.text !== punct) this.#fail(t.at, `expected '${punct}', found ${this.#describe(t)}`)
  }

  #isPunct(text: string): boolean {
    const t = this.#peek()
    return t.kind === 'punct' && t.text === text
  }

  #isWord(word: string): boolean {
    const t = this.#peek()
    return t.kind === 'word' && t.text.toLowerCase() === word
  }

  end(): void {
    const t = this.#peek()
    if (t.kind !== 'end') this.#fail(t.at, `expected ',' or the end of the schema, found ${this.#describe(t)}`)
  }

  /** Columns up to the end (top level) or up to the closing '>' of a struct. */
  columns(topLevel: boolean): StructType {
    const fields: StructField[] = []
    for (;;) {
      fields.push(this.#column())
      if (!this.#isPunct(',')) break
      this.#next()
    }
    if (!topLevel && !this.#isPunct('>')) {
      const t = this.#peek()
      this.#fail(t.at, `expected ',' or '>' in struct<...>, found ${this.#describe(t)}`)
    }
    return { type: 'struct', fields }
  }

  #column(): StructField {
    const t = this.#next()
    if (t.kind !== 'word' && t.kind !== 'quoted') this.#fail(t.at, `expected a column name, found ${this.#describe(t)}`)
    if (this.#isPunct(':')) this.#next()
    const type = this.#type()
    let nullable = true
    if (this.#isWord('not')) {
      const at = this.#next().at
      if (!this.#isWord('null')) this.#fail(at, `expected NOT NULL`)
      this.#next()
      nullable = false
    }
    return { name: t.text, type, nullable, metadata: {} }
  }

  #type(): DataType {
    const t = this.#next()
    if (t.kind !== 'word') this.#fail(t.at, `expected a type name, found ${this.#describe(t)}`)
    const name = t.text.toLowerCase()
    switch (name) {
      case 'decimal':
      case 'numeric':
      case 'dec':
        return this.#decimal(t.at)
      case 'array': {
        this.#expect('<')
        const elementType = this.#type()
        this.#expect('>')
        return { type: 'array', elementType, containsNull: true }
      }
      case 'map': {
        this.#expect('<')
        const keyType = this.#type()
        this.#expect(',')
        const valueType = this.#type()
        this.#expect('>')
        return { type: 'map', keyType, valueType, valueContainsNull: true }
      }
      case 'struct': {
        this.#expect('<')
        const s = this.#isPunct('>') ? { type: 'struct' as const, fields: [] } : this.columns(false)
        this.#expect('>')
        return s
      }
      default: {
        const primitive = ALIASES[name]
        if (primitive === undefined) {
          this.#fail(t.at, `unknown type ${JSON.stringify(t.text)} (expected one of ${Object.keys(ALIASES).join(', ')}, decimal(p,s), array<…>, map<…,…>, struct<…>)`)
        }
        return { type: primitive }
      }
    }
  }

  #decimal(at: number): DataType {
    if (!this.#isPunct('(')) return { type: 'decimal', precision: 10, scale: 0 } // Spark's default
    this.#next()
    const p = this.#next()
    if (p.kind !== 'number') this.#fail(p.at, `expected a decimal precision, found ${this.#describe(p)}`)
    let scale = 0
    if (this.#isPunct(',')) {
      this.#next()
      const s = this.#next()
      if (s.kind !== 'number') this.#fail(s.at, `expected a decimal scale, found ${this.#describe(s)}`)
      scale = Number(s.text)
    }
    this.#expect(')')
    try {
      return decimalType(Number(p.text), scale, `decimal(${p.text},${scale})`)
    } catch (e) {
      if (e instanceof DeltaError) this.#fail(at, e.message.replace(/^schema field /, ''))
      throw e
    }
  }
}
