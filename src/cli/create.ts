/**
 * `delta-kernel create <table> --schema <schema> [--partition-by a,b] [--property k=v ...] [--json]`
 *
 * Creates a Delta table (version 0) with the smallest protocol its schema and properties need.
 * `<schema>` is a Delta schema JSON string or the DDL of `input/ddl.ts`
 * (`id long, name string NOT NULL, price decimal(10,2), tags array<string>`). Prints the version;
 * an existing table is refused with exit code 9.
 *
 * @packageDocumentation
 */
import { parseArgs } from 'node:util'
import { createNodeEngine, toTableUrl } from '../node.js'
import { createTable } from '../txn/create-table.js'
import { UsageError, writeOut } from './context.js'
import { parseSchemaArgument } from './input/ddl.js'

const USAGE = 'usage: delta-kernel create <table> --schema <schema> [--partition-by a,b] [--property k=v ...] [--json]'

/** Parses repeated `--property k=v` flags (the value may contain `=`). */
export function parseProperties(flags: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const p of flags) {
    const eq = p.indexOf('=')
    if (eq <= 0) throw new UsageError(`--property expects key=value, got '${p}'`)
    const key = p.slice(0, eq).trim()
    if (key in out) throw new UsageError(`--property ${key} is given twice`)
    out[key] = p.slice(eq + 1)
  }
  return out
}

/** Runs `create`. */
export async function createCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      schema: { type: 'string' },
      'partition-by': { type: 'string' },
      property: { type: 'string', multiple: true },
      json: { type: 'boolean' },
    },
  })
  if (positionals.length !== 1 || values.schema === undefined) throw new UsageError(USAGE)
  const schema = parseSchemaArgument(values.schema)
  const partitionColumns = (values['partition-by'] ?? '')
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '')
  for (const c of partitionColumns) {
    const f = schema.fields.find((x) => x.name === c)
    if (!f) throw new UsageError(`--partition-by: ${JSON.stringify(c)} is not a top-level column (columns: ${schema.fields.map((x) => x.name).join(', ')})`)
    if (f.type.type === 'struct' || f.type.type === 'array' || f.type.type === 'map' || f.type.type === 'variant') {
      throw new UsageError(`--partition-by: column ${JSON.stringify(c)} has type ${f.type.type}; partition columns must have a primitive type`)
    }
  }
  const properties = parseProperties(values.property ?? [])
  const root = toTableUrl(positionals[0]!)
  const outcome = await createTable(root, createNodeEngine(), { schema, partitionColumns, properties })
  await writeOut(values.json ? JSON.stringify({ table: root, version: outcome.version }) + '\n' : `created ${root} at version ${outcome.version}\n`)
}
