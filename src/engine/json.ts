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

/** The default JSON handler: one `JSON.parse` per line. */
export const defaultJsonHandler: JsonHandler = {
  parseLines(data, location, options = {}) {
    if (options.maxLineBytes !== undefined) checkLineLengths(data, location, options.maxLineBytes)
    let text: string
    try {
      text = decoder.decode(data)
    } catch (cause) {
      throw new InvalidLogError(`${location}: not valid UTF-8`, { cause })
    }
    const out: unknown[] = []
    let start = 0
    let line = 0
    while (start <= text.length) {
      let end = text.indexOf('\n', start)
      if (end < 0) end = text.length
      line++
      const raw = text.slice(start, end)
      if (raw.trim() !== '') {
        try {
          out.push(JSON.parse(raw))
        } catch (cause) {
          throw new InvalidLogError(`${location}: line ${line} is not valid JSON: ${(cause as Error).message}`, { cause })
        }
      }
      start = end + 1
    }
    return out
  },
}
