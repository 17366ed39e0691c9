/**
 * Which columns get per-file statistics (Delta Spark's `getIndexedColumns`):
 * `delta.dataSkippingStatsColumns` (a comma-separated list of possibly nested, backtick-quoted
 * column names, matched case-insensitively) when set, else the first
 * `delta.dataSkippingNumIndexedCols` (default 32; negative means all) leaf columns of the data
 * schema, where a struct counts its leaves and an array or map counts as one leaf.
 *
 * @packageDocumentation
 */
import { InvalidArgumentError } from '../errors.js'
import type { StructField, StructType } from '../protocol/schema-types.js'

/** Default `delta.dataSkippingNumIndexedCols`. */
export const DEFAULT_NUM_INDEXED_COLS = 32

/** Parses a list like ``a, b.c, `d.e`.f`` into name paths (lower-cased). Throws `InvalidArgumentError`. */
export function parseStatsColumns(text: string): string[][] {
  const out: string[][] = []
  let path: string[] = []
  let part = ''
  let quoted = false
  let sawQuote = false
  const endPart = () => {
    const name = sawQuote ? part : part.trim()
    if (name === '' && !sawQuote) throw new InvalidArgumentError(`delta.dataSkippingStatsColumns: empty column name in ${JSON.stringify(text)}`)
    path.push(name.toLowerCase())
    part = ''
    sawQuote = false
  }
  if (text.trim() === '') return out
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quoted) {
      if (c === '`' && text[i + 1] === '`') {
        part += '`'
        i++
      } else if (c === '`') quoted = false
      else part += c
    } else if (c === '`') {
      quoted = true
      sawQuote = true
      part = ''
    } else if (c === '.') endPart()
    else if (c === ',') {
      endPart()
      out.push(path)
      path = []
    } else if (!(sawQuote && /\s/.test(c))) part += c
  }
  if (quoted) throw new InvalidArgumentError(`delta.dataSkippingStatsColumns: unterminated backtick in ${JSON.stringify(text)}`)
  endPart()
  out.push(path)
  return out
}

function truncate(s: StructType, budget: number): [StructType, number] {
  let used = 0
  const fields: StructField[] = []
  for (const f of s.fields) {
    if (used >= budget) break
    if (f.type.type === 'struct') {
      const [inner, n] = truncate(f.type, budget - used)
      used += n
      fields.push({ ...f, type: inner })
    } else {
      used++
      fields.push(f)
    }
  }
  return [{ type: 'struct', fields }, used]
}

function filter(s: StructType, paths: readonly string[][]): StructType {
  const fields: StructField[] = []
  for (const f of s.fields) {
    const mine = paths.filter((p) => p[0] === f.name.toLowerCase()).map((p) => p.slice(1))
    if (mine.length === 0) continue
    if (mine.some((p) => p.length === 0)) fields.push(f)
    else if (f.type.type === 'struct') fields.push({ ...f, type: filter(f.type, mine) })
  }
  return { type: 'struct', fields }
}

/** The part of `dataSchema` (data columns, no partition columns) that gets statistics under `configuration`. */
export function statsSchema(dataSchema: StructType, configuration: Readonly<Record<string, string>>): StructType {
  const listed = configuration['delta.dataSkippingStatsColumns']
  if (listed !== undefined) return filter(dataSchema, parseStatsColumns(listed))
  const raw = configuration['delta.dataSkippingNumIndexedCols']
  const n = raw === undefined ? DEFAULT_NUM_INDEXED_COLS : Number(raw)
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`delta.dataSkippingNumIndexedCols must be an integer, got ${JSON.stringify(raw)}`)
  return n < 0 ? dataSchema : truncate(dataSchema, n)[0]
}
