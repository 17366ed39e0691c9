/**
 * `delta-kernel info <table> [--version N | --timestamp ISO] [--json]`
 *
 * @packageDocumentation
 */
import { parseArgs } from 'node:util'
import type { Snapshot } from '../snapshot.js'
import { openTable, parseVersionFlag, UsageError, writeOut } from './context.js'

/** The JSON document `info --json` prints (a contract: fields are only ever added). */
export function snapshotInfo(snapshot: Snapshot): Record<string, unknown> {
  let sizeInBytes = 0
  for (const f of snapshot.files()) sizeInBytes += f.size
  const m = snapshot.metadata
  return {
    table: snapshot.tableRoot,
    version: snapshot.version,
    timestamp: new Date(snapshot.timestamp).toISOString(),
    numFiles: snapshot.numFiles,
    sizeInBytes,
    protocol: snapshot.protocol,
    metadata: {
      id: m.id,
      name: m.name ?? null,
      description: m.description ?? null,
      partitionColumns: m.partitionColumns,
      configuration: m.configuration,
      createdTime: m.createdTime ?? null,
    },
    schema: snapshot.schema,
  }
}

/** Runs `info`. */
export async function infoCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { version: { type: 'string' }, timestamp: { type: 'string' }, json: { type: 'boolean' } },
  })
  if (positionals.length !== 1) throw new UsageError('usage: delta-kernel info <table> [--version N | --timestamp ISO] [--json]')
  const table = openTable(positionals[0]!)
  const snapshot = await table.snapshot({ version: parseVersionFlag(values.version), timestamp: values.timestamp })
  const info = snapshotInfo(snapshot)
  if (values.json) {
    await writeOut(JSON.stringify(info, null, 2) + '\n')
    return
  }
  const p = snapshot.protocol
  const lines = [
    `table:      ${info.table}`,
    `version:    ${snapshot.version}`,
    `timestamp:  ${info.timestamp}`,
    `files:      ${snapshot.numFiles}`,
    `size:       ${info.sizeInBytes} bytes`,
    `protocol:   reader ${p.minReaderVersion}, writer ${p.minWriterVersion}` +
      (p.readerFeatures ? `, reader features [${p.readerFeatures.join(', ')}]` : '') +
      (p.writerFeatures ? `, writer features [${p.writerFeatures.join(', ')}]` : ''),
    `partitions: ${snapshot.partitionColumns.join(', ') || '(none)'}`,
    `schema:`,
    ...snapshot.schema.fields.map((f) => `  ${f.name}: ${typeName(f.type)}${f.nullable ? '' : ' NOT NULL'}`),
  ]
  const props = Object.entries(snapshot.metadata.configuration)
  if (props.length) lines.push('properties:', ...props.map(([k, v]) => `  ${k} = ${v}`))
  await writeOut(lines.join('\n') + '\n')
}

function typeName(t: Snapshot['schema']['fields'][number]['type']): string {
  switch (t.type) {
    case 'decimal':
      return `decimal(${t.precision},${t.scale})`
    case 'struct':
      return `struct<${t.fields.map((f) => `${f.name}: ${typeName(f.type)}`).join(', ')}>`
    case 'array':
      return `array<${typeName(t.elementType)}>`
    case 'map':
      return `map<${typeName(t.keyType)}, ${typeName(t.valueType)}>`
    default:
      return t.type
  }
}
