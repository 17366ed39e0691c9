/**
 * `delta-kernel vacuum <table> [--dry-run] [--retain-hours H] [--force] [--json]`: deletes data
 * files the table no longer references, once older than the retention (default the table's
 * `delta.deletedFileRetentionDuration`, 168 hours).
 *
 * @packageDocumentation
 */
import { parseArgs } from 'node:util'
import { vacuum } from '../txn/vacuum.js'
import { openTable, UsageError, writeOut } from './context.js'

const USAGE = 'usage: delta-kernel vacuum <table> [--dry-run] [--retain-hours H] [--force] [--json]'

/** Runs `vacuum`. */
export async function vacuumCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'dry-run': { type: 'boolean' },
      'retain-hours': { type: 'string' },
      force: { type: 'boolean' },
      json: { type: 'boolean' },
    },
  })
  if (positionals.length !== 1) throw new UsageError(USAGE)
  const hours = values['retain-hours']
  if (hours !== undefined && !/^\d+(\.\d+)?$/.test(hours)) throw new UsageError(`--retain-hours must be a non-negative number, got '${hours}'`)
  const r = await vacuum(openTable(positionals[0]!), {
    dryRun: values['dry-run'] === true,
    force: values.force === true,
    ...(hours !== undefined ? { retentionHours: Number(hours) } : {}),
  })
  if (values.json) {
    await writeOut(JSON.stringify({ ...r, cutoffTimestamp: new Date(r.cutoffTimestamp).toISOString() }, null, 2) + '\n')
    return
  }
  const verb = r.dryRun ? 'would delete' : 'deleted'
  await writeOut(`version ${r.version}: ${verb} ${r.deleted.length} files\n` + r.deleted.map((l) => `${l}\n`).join(''))
}
