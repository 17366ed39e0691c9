/**
 * Newline-delimited JSON input: one JSON object per line, keys are column names, values in the
 * `--format ndjson` encoding (see `columns.ts` and `scalars.ts`). Blank lines are skipped.
 * Integers too large for a JS number are read exactly (as bigint), never rounded.
 *
 * @packageDocumentation
 */
import type * as A from 'apache-arrow'
import { InvalidWriteError } from '../../errors.js'
import { ExactJsonSyntaxError, parseExactJson } from '../../protocol/exact-json.js'
import type { StructType } from '../../protocol/schema-types.js'
import { RecordBatchBuilder } from './batches.js'

// A run of 16+ digits may be an integer beyond 2^53: only such lines need the exact parser.
const LONG_DIGITS = /\d{16}/

/** Parses one line; `JSON.parse` unless it may hold an integer a double cannot represent. */
export function parseJsonLine(line: string): unknown {
  return LONG_DIGITS.test(line) ? parseExactJson(line) : JSON.parse(line)
}

/** Reads NDJSON lines into record batches of `schema`; `source` names the input in errors. */
export async function readNdjson(lines: AsyncIterable<string> | Iterable<string>, schema: StructType, source: string): Promise<A.RecordBatch[]> {
  const rows = new RecordBatchBuilder(schema)
  let n = 0
  for await (const line of lines) {
    n++
    if (line.trim() === '') continue
    const where = () => `${source}: line ${n}`
    let value: unknown
    try {
      value = parseJsonLine(line)
    } catch (e) {
      if (e instanceof SyntaxError || e instanceof ExactJsonSyntaxError) throw new InvalidWriteError(`${where()}: invalid JSON (${e.message})`)
      throw e
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new InvalidWriteError(`${where()}: expected a JSON object (one row), found ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}`)
    }
    rows.appendRow(value as Record<string, unknown>, where)
  }
  return rows.finish()
}
