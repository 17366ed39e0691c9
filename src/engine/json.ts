/**
 * Optional JSON handler: lets an engine bring a faster newline-delimited JSON parser. The default
 * ({@link defaultJsonHandler}) uses `TextDecoder` and `JSON.parse`.
 *
 * @packageDocumentation
 */
import { InvalidLogError } from '../errors.js'

/** Parses newline-delimited JSON. */
export interface JsonHandler {
  /**
   * Parses every non-empty line of `data` into a value, in order. Throws `InvalidLogError`
   * naming `location` and the line number on malformed input.
   */
  parseLines(data: Uint8Array, location: string): unknown[]
}

const decoder = new TextDecoder('utf-8', { fatal: true })

/** The default JSON handler: one `JSON.parse` per line. */
export const defaultJsonHandler: JsonHandler = {
  parseLines(data, location) {
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
