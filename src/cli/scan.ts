/**
 * `delta-kernel scan <table> [--version N | --timestamp ISO] [--columns a,b] [--where PREDICATE]
 *  [--limit N] [--format ndjson|csv|table] [--explain]`
 *
 * `--format ndjson` is a contract (see the README): one JSON object per row, logical column names,
 * values encoded by `rowToJson`.
 *
 * @packageDocumentation
 */
import { parseArgs } from 'node:util'
import type { RecordBatch } from 'apache-arrow'
import { toArrowSchema } from '../protocol/arrow-types.js'
import { csvHeader, rowToCsv, rowToJson } from '../protocol/value-encoding.js'
import { Scan } from '../scan/scan.js'
import { openTable, parseCountFlag, parseVersionFlag, UsageError, writeOut } from './context.js'

const FORMATS = ['ndjson', 'csv', 'table'] as const
type Format = (typeof FORMATS)[number]

/** Runs `scan`. Output is produced only after the first batch is read, so errors leave stdout empty. */
export async function scanCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      version: { type: 'string' },
      timestamp: { type: 'string' },
      columns: { type: 'string' },
      limit: { type: 'string' },
      format: { type: 'string', default: 'ndjson' },
      where: { type: 'string' },
      explain: { type: 'boolean' },
    },
  })
  if (positionals.length !== 1) {
    throw new UsageError('usage: delta-kernel scan <table> [--version N | --timestamp ISO] [--columns a,b] [--where PREDICATE] [--limit N] [--format ndjson|csv|table] [--explain]')
  }
  const format = values.format as Format
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got '${values.format}'`)
  const columns = values.columns?.split(',').map((c) => c.trim()).filter((c) => c !== '')
  const table = openTable(positionals[0]!)
  const snapshot = await table.snapshot({ version: parseVersionFlag(values.version), timestamp: values.timestamp })
  const scan = new Scan(snapshot, { columns, limit: parseCountFlag('limit', values.limit), ...(values.where !== undefined ? { predicate: values.where } : {}) })
  if (values.explain) return explain(scan)
  if (format === 'table') return printTable(scan)
  // Output is held back until the scan has produced BUFFER_BYTES (or finished), so an error in an
  // early file leaves stdout empty; past that, rows stream (an error then ends a partial output).
  const out = new HeldOutput()
  let headerDone = format !== 'csv'
  for await (const batch of scan.batches()) {
    let text = ''
    if (!headerDone) {
      text += csvHeader(batch.schema) + '\n'
      headerDone = true
    }
    for (let i = 0; i < batch.numRows; i++) {
      text += format === 'csv' ? rowToCsv(batch, i) + '\n' : JSON.stringify(rowToJson(batch, i)) + '\n'
    }
    await out.write(text)
  }
  // An empty table still gets its header in CSV.
  if (!headerDone) await out.write(csvHeader(toArrowSchema(scan.state.readSchema)) + '\n')
  await out.end()
}

const BUFFER_BYTES = 64 * 1024 * 1024

/** Holds output back until it exceeds {@link BUFFER_BYTES}, then streams. */
class HeldOutput {
  #held: string[] = []
  #size = 0
  #streaming = false
  async write(text: string): Promise<void> {
    if (this.#streaming) return writeOut(text)
    this.#held.push(text)
    this.#size += text.length
    if (this.#size > BUFFER_BYTES) await this.end()
  }
  async end(): Promise<void> {
    this.#streaming = true
    const held = this.#held
    this.#held = []
    for (const t of held) await writeOut(t)
  }
}

/** `--explain`: runs the scan and prints what it read and skipped, as one JSON object (no rows). */
async function explain(scan: Scan): Promise<void> {
  let rows = 0
  for await (const b of scan.batches()) rows += b.numRows
  await writeOut(JSON.stringify({ ...scan.metrics, rows, predicate: scan.state.predicate ?? null }) + '\n')
}

/** A human-readable table (not a contract); reads everything first to size the columns. */
async function printTable(scan: Scan): Promise<void> {
  const names = scan.state.readSchema.fields.map((f) => f.name)
  const rows: string[][] = []
  const batches: RecordBatch[] = []
  for await (const b of scan.batches()) batches.push(b)
  for (const b of batches) {
    for (let i = 0; i < b.numRows; i++) {
      const r = rowToJson(b, i)
      rows.push(names.map((n) => (r[n] === null ? 'null' : typeof r[n] === 'string' ? (r[n] as string) : JSON.stringify(r[n]))))
    }
  }
  const widths = names.map((n, c) => Math.min(60, Math.max(n.length, ...rows.map((r) => r[c]!.length))))
  const fmt = (cells: string[]) => cells.map((s, c) => (s.length > widths[c]! ? s.slice(0, widths[c]! - 1) + '…' : s.padEnd(widths[c]!))).join(' | ')
  const lines = [fmt(names), widths.map((w) => '-'.repeat(w)).join('-+-'), ...rows.map(fmt), `(${rows.length} row${rows.length === 1 ? '' : 's'})`]
  await writeOut(lines.join('\n') + '\n')
}
