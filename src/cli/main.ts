#!/usr/bin/env node
/**
 * The `delta-kernel` command line. Commands, flags, exit codes and the `--format ndjson` encoding
 * are contracts: change them only additively. Errors go to stderr with a non-zero exit code and
 * nothing on stdout.
 *
 * @packageDocumentation
 */
import { DeltaError } from '../errors.js'
import { appendCommand } from './append.js'
import { EXIT, UsageError, exitCodeOf } from './context.js'
import { createCommand } from './create.js'
import { deleteCommand } from './delete.js'
import { checkpointCommand } from './checkpoint.js'
import { changesCommand } from './changes.js'
import { demoCommand } from './demo.js'
import { demoWriterCommand } from './demo-writer.js'
import { cleanupCommand } from './cleanup.js'
import { historyCommand } from './history.js'
import { infoCommand } from './info.js'
import { scanCommand } from './scan.js'
import { vacuumCommand } from './vacuum.js'

const COMMANDS: Record<string, (argv: string[]) => Promise<void>> = {
  info: infoCommand,
  history: historyCommand,
  scan: scanCommand,
  checkpoint: checkpointCommand,
  cleanup: cleanupCommand,
  vacuum: vacuumCommand,
  create: createCommand,
  append: appendCommand,
  delete: deleteCommand,
  changes: changesCommand,
  demo: demoCommand,
  // Hidden: a writer process of `demo` (spawned by it, not listed in the usage).
  'demo-writer': demoWriterCommand,
}

const USAGE = `usage: delta-kernel <command> [options]

commands:
  info <table> [--version N | --timestamp ISO] [--json]
  history <table> [--limit N] [--json]
  scan <table> [--version N | --timestamp ISO] [--columns a,b] [--where PREDICATE] [--limit N]
       [--format ndjson|csv|table] [--explain]
  create <table> --schema <json or DDL> [--partition-by a,b] [--property k=v ...] [--json]
  append <table> --from <file> [--format parquet|ndjson|csv] [--json]
  delete <table> --where "<predicate>" [--json]
  checkpoint <table> [--version N] [--kind classic|v2] [--json]
  cleanup <table> [--retain-days D] [--dry-run] [--json]
  vacuum <table> [--dry-run] [--retain-hours H] [--force] [--json]
  changes <table> (--from N | --from-timestamp ISO) [--to M | --to-timestamp ISO] [--columns a,b] [--format ndjson|csv]
  demo [--writers N] [--seconds S] [--phones P] [--dir D] [--keep] [--json]

<table> is a directory path or a file:// URL.`

/** Runs the CLI; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE + '\n')
    return command ? EXIT.ok : EXIT.usage
  }
  const run = COMMANDS[command]
  if (!run) {
    process.stderr.write(`delta-kernel: unknown command '${command}'\n${USAGE}\n`)
    return EXIT.usage
  }
  try {
    await run(rest)
    return EXIT.ok
  } catch (e) {
    const code = e instanceof TypeError && (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') ? EXIT.usage : exitCodeOf(e)
    const label = e instanceof DeltaError ? `${e.name} [${e.code}]` : e instanceof UsageError ? 'usage' : 'error'
    process.stderr.write(`delta-kernel ${command}: ${label}: ${(e as Error).message}\n`)
    if (code === EXIT.internal && process.env.DELTA_KERNEL_DEBUG) process.stderr.write(`${(e as Error).stack}\n`)
    return code
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (e) => {
    process.stderr.write(`delta-kernel: ${(e as Error).stack ?? e}\n`)
    process.exitCode = EXIT.internal
  },
)
