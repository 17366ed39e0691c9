/**
 * `delta-kernel changes <table> (--from N | --from-timestamp ISO) [--to M | --to-timestamp ISO]
 * [--columns a,b] [--format ndjson|csv]`: the change data feed between two versions, one row per
 * change with `_change_type`, `_commit_version` and `_commit_timestamp` after the table's columns.
 * The whole feed is planned (and its range checked) before the first row is printed.
 *
 * @packageDocumentation
 */
import { parseArgs } from 'node:util'
import { toArrowSchema } from '../protocol/arrow-types.js'
import { csvHeader, rowToCsv, rowToJson } from '../protocol/value-encoding.js'
import { planChangeDataFeed, readPlannedChangeDataFeed } from '../stream/cdf.js'
import { openTable, parseVersionFlag, UsageError, writeOut } from './context.js'

const USAGE = 'usage: delta-kernel changes <table> (--from N | --from-timestamp ISO) [--to M | --to-timestamp ISO] [--columns a,b] [--format ndjson|csv]'

/** Runs `changes`. */
export async function changesCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      'from-timestamp': { type: 'string' },
      'to-timestamp': { type: 'string' },
      columns: { type: 'string' },
      format: { type: 'string', default: 'ndjson' },
    },
  })
  if (positionals.length !== 1) throw new UsageError(USAGE)
  if ((values.from === undefined) === (values['from-timestamp'] === undefined)) throw new UsageError(`give exactly one of --from and --from-timestamp\n${USAGE}`)
  const format = values.format
  if (format !== 'ndjson' && format !== 'csv') throw new UsageError(`--format must be ndjson or csv, got '${format}'`)
  const table = openTable(positionals[0]!)
  const options = {
    ...(values.from !== undefined ? { startVersion: parseVersionFlag(values.from)! } : { startTimestamp: values['from-timestamp']! }),
    ...(values.to !== undefined ? { endVersion: parseVersionFlag(values.to)! } : {}),
    ...(values['to-timestamp'] !== undefined ? { endTimestamp: values['to-timestamp'] } : {}),
    ...(values.columns ? { columns: values.columns.split(',').map((c) => c.trim()) } : {}),
  }
  // Plan first: a range error (CDF disabled, schema change, cleaned-up commits) prints nothing.
  const plan = await planChangeDataFeed(table, options)
  if (format === 'csv') await writeOut(csvHeader(toArrowSchema(plan.schema)) + '\n')
  for await (const batch of readPlannedChangeDataFeed(table, plan, options)) {
    let text = ''
    for (let i = 0; i < batch.numRows; i++) text += (format === 'csv' ? rowToCsv(batch, i) : JSON.stringify(rowToJson(batch, i))) + '\n'
    await writeOut(text)
  }
}
