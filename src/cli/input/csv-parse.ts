/**
 * An RFC 4180 CSV tokenizer that keeps the one distinction the CLI's CSV encoding relies on: an
 * unquoted empty field is null, a quoted empty field (`""`) is the empty string. Records end at
 * CRLF, LF or CR; the line terminator after the last record is optional. A quote inside an
 * unquoted field, text after a closing quote, or an unterminated quote is an error naming the line.
 *
 * @packageDocumentation
 */

/** One record: its fields (`null` for an unquoted empty field) and the line it starts on (1-based). */
export interface CsvRecord {
  readonly fields: (string | null)[]
  readonly line: number
}

/** A malformed CSV text; `line` is 1-based. */
export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    why: string,
  ) {
    super(`line ${line}: ${why}`)
  }
}

/** The records of a CSV text (a leading UTF-8 byte order mark is ignored). */
export function* parseCsv(text: string): Generator<CsvRecord> {
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0
  let line = 1
  const n = text.length
  while (pos < n) {
    const start = line
    const fields: (string | null)[] = []
    for (;;) {
      if (text[pos] === '"') {
        // Quoted field: "" is an escaped quote; line breaks inside count toward line numbers.
        let value = ''
        let from = ++pos
        for (;;) {
          const q = text.indexOf('"', pos)
          if (q < 0) throw new CsvSyntaxError(start, 'unterminated quoted field')
          if (text[q + 1] === '"') {
            value += text.slice(from, q + 1)
            pos = from = q + 2
            continue
          }
          value += text.slice(from, q)
          pos = q + 1
          break
        }
        line += countLineBreaks(value)
        fields.push(value)
        const c = text[pos]
        if (c !== ',' && c !== '\n' && c !== '\r' && c !== undefined) {
          throw new CsvSyntaxError(line, `expected ',' or the end of the line after a closing quote, found ${JSON.stringify(c)}`)
        }
      } else {
        let end = pos
        while (end < n && text[end] !== ',' && text[end] !== '\n' && text[end] !== '\r') end++
        const value = text.slice(pos, end)
        if (value.includes('"')) throw new CsvSyntaxError(line, `a quote inside an unquoted field (${JSON.stringify(value)}); quote the whole field and double the quote`)
        fields.push(value === '' ? null : value)
        pos = end
      }
      if (text[pos] === ',') {
        pos++
        continue
      }
      break
    }
    if (text[pos] === '\r') pos++
    if (text[pos] === '\n') pos++
    line++
    yield { fields, line: start }
  }
}

function countLineBreaks(s: string): number {
  let count = 0
  for (let i = 0; i < s.length; i++) {
    const c = s[i]
    if (c === '\n' || (c === '\r' && s[i + 1] !== '\n')) count++
  }
  return count
}
