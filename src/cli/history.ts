/**
 * `delta-kernel history <table> [--limit N] [--json]`
 *
 * @packageDocumentation
 */
import { parseArgs } from 'node:util'
import { openTable, parseCountFlag, UsageError, writeOut } from './context.js'

/** Runs `history`: newest commit first; `--json` prints one JSON object per line. */
export async function historyCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { limit: { type: 'string' }, json: { type: 'boolean' } },
  })
  if (positionals.length !== 1) throw new UsageError('usage: delta-kernel history <table> [--limit N] [--json]')
  const table = openTable(positionals[0]!)
  const entries = await table.history({ limit: parseCountFlag('limit', values.limit) })
  let out = ''
  for (const e of entries) {
    const ts = new Date(e.timestamp).toISOString()
    if (values.json) {
      out += JSON.stringify({ version: e.version, timestamp: ts, operation: e.operation ?? null, commitInfo: e.commitInfo ?? null }) + '\n'
    } else {
      out += `${String(e.version).padStart(6)}  ${ts}  ${e.operation ?? ''}\n`
    }
  }
  await writeOut(out)
}
