/**
 * `delta-kernel append <table> --from <file> [--format parquet|ndjson|csv] [--json]`
 *
 * Appends the rows of a file as one commit (a blind append). The format comes from `--format`,
 * else from the extension (`.parquet`, `.ndjson`/`.jsonl`/`.json`, `.csv`). NDJSON and CSV values
 * use the encoding `scan` prints (README "--format ndjson"), so `scan` output appends back
 * unchanged. The whole file is decoded and checked before any data file is written: a bad value
 * (exit code 10, naming the line and column) leaves the table untouched.
 *
 * @packageDocumentation
 */
import { parseArgs } from 'node:util'
import { Transaction } from '../txn/transaction.js'
import { openTable, UsageError, writeOut } from './context.js'
import { INPUT_FORMATS, inputFormatOf, readInput } from './input/read-input.js'

const USAGE = `usage: delta-kernel append <table> --from <file> [--format ${INPUT_FORMATS.join('|')}] [--json]`

/** Runs `append`. */
export async function appendCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { from: { type: 'string' }, format: { type: 'string' }, json: { type: 'boolean' } },
  })
  if (positionals.length !== 1 || values.from === undefined) throw new UsageError(USAGE)
  const format = inputFormatOf(values.from, values.format)
  const table = openTable(positionals[0]!)
  const snapshot = await table.snapshot()
  const txn = new Transaction(snapshot) // refuses tables this kernel may not write, before reading input
  const batches = await readInput(values.from, format, snapshot.schema, table.engine)
  const rows = batches.reduce((n, b) => n + b.numRows, 0)
  const adds = await txn.append(batches)
  const outcome = await txn.commit()
  const summary = { version: outcome.version, rowsAppended: rows, filesAdded: adds.length }
  await writeOut(values.json ? JSON.stringify(summary) + '\n' : `committed version ${outcome.version}: appended ${rows} row${rows === 1 ? '' : 's'} in ${adds.length} file${adds.length === 1 ? '' : 's'}\n`)
}
