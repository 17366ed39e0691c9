/**
 * JSON that keeps integers exact. Schema field metadata holds int64 values (identity columns'
 * `delta.identity.start`/`highWaterMark`); `JSON.parse` would round those past 2^53 and a
 * writer re-serialising the schema would silently corrupt them. Integers outside the safe range
 * become `bigint`; everything else is what `JSON.parse` returns.
 *
 * @packageDocumentation
 */

/** A syntax error, with the offset where parsing stopped. */
export class ExactJsonSyntaxError extends Error {
  readonly offset: number
  constructor(message: string, offset: number) {
    super(`${message} at offset ${offset}`)
    this.offset = offset
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y
const WS = /[ \t\n\r]*/y

/** Parses JSON text; integer literals outside the safe range become `bigint`. */
export function parseExactJson(text: string): unknown {
  let pos = 0
  const skip = (): void => {
    WS.lastIndex = pos
    WS.exec(text)
    pos = WS.lastIndex
  }
  const expect = (ch: string): void => {
    skip()
    if (text[pos] !== ch) throw new ExactJsonSyntaxError(`expected '${ch}', found ${describe(text, pos)}`, pos)
    pos++
  }
  const string = (): string => {
    STRING.lastIndex = pos
    const m = STRING.exec(text)
    if (m === null) throw new ExactJsonSyntaxError(`expected a string, found ${describe(text, pos)}`, pos)
    pos = STRING.lastIndex
    return JSON.parse(m[0]) as string
  }
  const value = (depth: number): unknown => {
    if (depth > 1000) throw new ExactJsonSyntaxError('nesting too deep', pos)
    skip()
    const ch = text[pos]
    if (ch === '{') {
      pos++
      const out: Record<string, unknown> = {}
      skip()
      if (text[pos] === '}') return pos++, out
      for (;;) {
        skip()
        const key = string()
        expect(':')
        const v = value(depth + 1)
        // defineProperty: a key named `__proto__` must become data, not a prototype swap.
        Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true })
        skip()
        if (text[pos] === ',') pos++
        else return expect('}'), out
      }
    }
    if (ch === '[') {
      pos++
      const out: unknown[] = []
      skip()
      if (text[pos] === ']') return pos++, out
      for (;;) {
        out.push(value(depth + 1))
        skip()
        if (text[pos] === ',') pos++
        else return expect(']'), out
      }
    }
    if (ch === '"') return string()
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, pos)) return (pos += word.length), v
    }
    NUMBER.lastIndex = pos
    const m = NUMBER.exec(text)
    if (m === null) throw new ExactJsonSyntaxError(`expected a JSON value, found ${describe(text, pos)}`, pos)
    pos = NUMBER.lastIndex
    const n = Number(m[0])
    if (/^-?\d+$/.test(m[0]) && !Number.isSafeInteger(n)) return BigInt(m[0])
    return n
  }
  const result = value(0)
  skip()
  if (pos !== text.length) throw new ExactJsonSyntaxError(`unexpected ${describe(text, pos)} after the JSON value`, pos)
  return result
}

function describe(text: string, pos: number): string {
  return pos >= text.length ? 'end of input' : JSON.stringify(text.slice(pos, pos + 12))
}

/**
 * `JSON.stringify` (compact, key order preserved) that writes `bigint` as a bare integer
 * literal. Throws on values JSON cannot hold (functions, symbols, non-finite numbers).
 */
export function stringifyExactJson(value: unknown): string {
  if (typeof value === 'bigint') return value.toString()
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value)
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`JSON cannot hold the number ${value}`)
    return JSON.stringify(value)
  }
  if (Array.isArray(value)) return `[${value.map((v: unknown) => stringifyExactJson(v === undefined ? null : v)).join(',')}]`
  if (typeof value === 'object') {
    const parts: string[] = []
    for (const [k, v] of Object.entries(value)) {
      if (v !== undefined) parts.push(`${JSON.stringify(k)}:${stringifyExactJson(v)}`)
    }
    return `{${parts.join(',')}}`
  }
  throw new TypeError(`JSON cannot hold a ${typeof value}`)
}
