/**
 * `delta-kernel cleanup <table> [--retain-days D] [--dry-run] [--json]`: deletes log files older
 * than the log retention (`delta.logRetentionDuration`, default 30 days).
 *
 * @packageDocumentation
 */
import { parseArgs } from 'node:util'
import { cleanupLog } from '../log/cleanup.js'
import { DAY_MS } from '../log/retention.js'
import { openTable, UsageError, writeOut } from './context.js'

const USAGE = 'usage: delta-kernel cleanup <table> [--retain-days D] [--dry-run] [--json]'

/** Runs `cleanup`. */
export async function cleanupCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { 'retain-days': { type: 'string' }, 'dry-run': { type: 'boolean' }, json: { type: 'boolean' } },
  })
  if (positionals.length !== 1) throw new UsageError(USAGE)
  const days = values['retain-days']
  if (days !== undefined && !/^\d+(\.\d+)?$/.test(days)) throw new UsageError(`--retain-days must be a non-negative number, got '${days}'`)
  const r = await cleanupLog(openTable(positionals[0]!), {
    ...(days !== undefined ? { retention: Number(days) * DAY_MS } : {}),
    dryRun: values['dry-run'] === true,
  })
  if (values.json) {
    await writeOut(JSON.stringify({ ...r, cutoffTimestamp: new Date(r.cutoffTimestamp).toISOString(), dryRun: values['dry-run'] === true }, null, 2) + '\n')
    return
  }
  const verb = values['dry-run'] ? 'would delete' : 'deleted'
  const head =
    r.checkpointVersion === undefined
      ? `nothing to clean: no checkpoint at or before the cutoff ${new Date(r.cutoffTimestamp).toISOString()}\n`
      : `kept checkpoint ${r.checkpointVersion} (cutoff ${new Date(r.cutoffTimestamp).toISOString()}); ${verb} ${r.deleted.length} files\n`
  await writeOut(head + r.deleted.map((l) => `${l}\n`).join(''))
}
