/**
 * `delta-kernel checkpoint <table> [--version N] [--kind classic|v2] [--json]`: writes a checkpoint
 * and points `_last_checkpoint` at it.
 *
 * @packageDocumentation
 */
import { parseArgs } from 'node:util'
import { checkpoint } from '../log/checkpoint-write.js'
import { openTable, parseVersionFlag, UsageError, writeOut } from './context.js'

const USAGE = 'usage: delta-kernel checkpoint <table> [--version N] [--kind classic|v2] [--json]'

/** Runs `checkpoint`. */
export async function checkpointCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { version: { type: 'string' }, kind: { type: 'string' }, json: { type: 'boolean' } },
  })
  if (positionals.length !== 1) throw new UsageError(USAGE)
  const kind = values.kind
  if (kind !== undefined && kind !== 'classic' && kind !== 'v2') throw new UsageError(`--kind must be classic or v2, got '${kind}'`)
  const r = await checkpoint(openTable(positionals[0]!), { version: parseVersionFlag(values.version), ...(kind ? { kind } : {}) })
  if (values.json) {
    await writeOut(JSON.stringify(r, null, 2) + '\n')
    return
  }
  const what = r.existed ? 'already existed' : `written (${r.kind}, ${r.size} actions, ${r.sizeInBytes} bytes, ${r.sidecars.length} sidecars)`
  await writeOut(`checkpoint of version ${r.version} ${what}: ${r.location}\n`)
}
