/**
 * Optional JSON handler: lets an engine bring a faster newline-delimited JSON parser. The default
 * ({@link defaultJsonHandler}) uses `TextDecoder` and `JSON.parse`.
 *
 * @packageDocumentation
 */
import { InvalidLogError, LimitExceededError } from '../errors.js'

/** Options of {@link JsonHandler.parseLines}. */
export interface ParseLinesOptions {
  /**
   * A line longer than this many bytes (newline excluded) MUST raise `LimitExceededError` before
   * it is decoded or parsed, so one hostile line cannot exhaust memory.
   */
  readonly maxLineBytes?: number
}

/** Parses newline-delimited JSON. */
export interface JsonHandler {
  /**
   * Parses every non-empty line of `data` into a value, in order. Throws `InvalidLogError`
   * naming `location` and the line number on malformed input, `LimitExceededError` for a line
   * over `options.maxLineBytes`.
   */
  parseLines(data: Uint8Array, location: string, options?: ParseLinesOptions): unknown[]
}

/** Throws `LimitExceededError` if a line of `data` is longer than `max` bytes. One memchr-speed pass. */
export function checkLineLengths(data: Uint8Array, location: string, max: number): void {
  let start = 0
  let line = 0
  while (start <= data.length) {
    let end = data.indexOf(10, start)
    if (end < 0) end = data.length
    line++
    if (end - start > max) {
      throw new LimitExceededError(`${location}: line ${line} is ${end - start} bytes, over the limit of ${max} bytes per log line (maxLineBytes)`)
    }
    start = end + 1
  }
}

const decoder = new TextDecoder('utf-8', { fatal: true })

/** UTF-8 bytes of `text[start, end)` (only needed for lines that might be over the limit). */
function utf8Length(text: string, start: number, end: number): number {
  let n = 0
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i)
    if (c < 0x80) n += 1
    else if (c < 0x800) n += 2
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < end) {
      n += 4 // a surrogate pair: one 4-byte sequence
      i++
    } else n += 3
  }
  return n
}

/** The default JSON handler: one `JSON.parse` per line. */
export const defaultJsonHandler: JsonHandler = {
  parseLines(data, location, options = {}) {
    let text: string
    try {
      text = decoder.decode(data)
    } catch (cause) {
      if (options.maxLineBytes !== undefined) checkLineLengths(data, location, options.maxLineBytes)
      throw new InvalidLogError(`${location}: not valid UTF-8`, { cause })
    }
    // Line lengths are checked in the same pass, before each line is parsed: a line's UTF-8 length
    // is its length in UTF-16 units when the text is ASCII, and at most three times that otherwise.
    const max = options.maxLineBytes ?? Number.POSITIVE_INFINITY
    const ascii = text.length === data.length
    const out: unknown[] = []
    let start = 0
    let line = 0
    while (start <= text.length) {
      let end = text.indexOf('\n', start)
      if (end < 0) end = text.length
      line++
      const units = end - start
      if (units > max || (!ascii && units * 3 > max)) {
        const bytes = ascii ? units : utf8Length(text, start, end)
        if (bytes > max) {
          throw new LimitExceededError(`${location}: line ${line} is ${bytes} bytes, over the limit of ${max} bytes per log line (maxLineBytes)`)
        }
      }
      // Log lines start with '{'; anything else may be blank (skipped) or malformed (JSON.parse says so).
      if (units > 0 && (text.charCodeAt(start) === 123 || text.slice(start, end).trim() !== '')) {
        try {
          out.push(JSON.parse(text.slice(start, end)))
        } catch (cause) {
          throw new InvalidLogError(`${location}: line ${line} is not valid JSON: ${(cause as Error).message}`, { cause })
        }
      }
      start = end + 1
    }
    return out
  },
}
