/**
 * CSV input: a header row of column names, then one record per row, values as the CLI's CSV
 * output writes them (`protocol/value-encoding.ts`): an empty unquoted field is null, scalars are
 * their JSON encoding without quotes (`12.30`, `2021-01-02T03:04:05.000000Z`, base64), structs,
 * arrays and maps are their JSON text.
 *
 * @packageDocumentation
 */
import type * as A from 'apache-arrow'
import { InvalidWriteError } from '../../errors.js'
import type { DataType, StructType } from '../../protocol/schema-types.js'
import { RecordBatchBuilder } from './batches.js'
import { CsvSyntaxError, parseCsv } from './csv-parse.js'
import { parseJsonLine } from './ndjson.js'
import { BadValue } from './scalars.js'

const FLOAT_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/

/**
 * The JSON-decoded value of a CSV field of Delta type `type` (the input of the column
 * builders): numbers and booleans are parsed, nested values are parsed as JSON, other scalars
 * stay text (their decoders read the same text as in NDJSON).
 */
export function csvFieldValue(type: DataType, text: string | null): unknown {
  if (text === null) return null
  switch (type.type) {
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : text
    case 'float':
    case 'double':
      return FLOAT_TEXT.test(text) ? Number(text) : text
    case 'struct':
    case 'array':
    case 'map':
    case 'variant':
      try {
        return parseJsonLine(text)
      } catch (e) {
        throw new BadValue(`expected JSON text for a ${type.type}, found ${JSON.stringify(text.slice(0, 60))} (${(e as Error).message})`)
      }
    default:
      return text
  }
}

/** Reads a CSV text (header row first) into record batches of `schema`; `source` names it in errors. */
export function readCsv(text: string, schema: StructType, source: string): A.RecordBatch[] {
  const rows = new RecordBatchBuilder(schema)
  try {
    const records = parseCsv(text)
    const first = records.next()
    if (first.done) return []
    const header = first.value.fields.map((name, i) => {
      const field = schema.fields.find((f) => f.name === name)
      if (!field) throw new InvalidWriteError(`${source}: line 1: header column ${i + 1} ${JSON.stringify(name ?? '')} is not a table column (table columns: ${schema.fields.map((f) => f.name).join(', ')})`)
      return field
    })
    const seen = new Set<string>()
    for (const f of header) {
      if (seen.has(f.name)) throw new InvalidWriteError(`${source}: line 1: column ${JSON.stringify(f.name)} appears twice in the header`)
      seen.add(f.name)
    }
    for (const record of records) {
      // An empty line is one null field: a row only when the table has a single column.
      if (header.length > 1 && record.fields.length === 1 && record.fields[0] === null) continue
      const where = () => `${source}: line ${record.line}`
      if (record.fields.length !== header.length) {
        throw new InvalidWriteError(`${where()}: expected ${header.length} fields (as in the header), found ${record.fields.length}`)
      }
      const row: Record<string, unknown> = {}
      header.forEach((f, i) => {
        try {
          row[f.name] = csvFieldValue(f.type, record.fields[i]!)
        } catch (e) {
          if (e instanceof BadValue) throw new InvalidWriteError(`${where()}, column ${f.name}: ${e.message}`)
          throw e
        }
      })
      rows.appendRow(row, where)
    }
  } catch (e) {
    if (e instanceof CsvSyntaxError) throw new InvalidWriteError(`${source}: ${e.message}`)
    throw e
  }
  return rows.finish()
}
