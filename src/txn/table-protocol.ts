/**
 * The protocol a table needs for the features its schema, properties and actions use
 * (PROTOCOL.md "Table Features", "Writer Version Requirements"): the smallest one for a new
 * table, and the upgrade (if any) an existing table needs when a transaction starts using a
 * feature.
 *
 * Features this kernel cannot write (column mapping, row tracking, invariants, constraints,
 * generated and identity columns, ...) are refused with
 * `UnsupportedFeatureError` rather than silently left unenforced.
 *
 * @packageDocumentation
 */
import { UnsupportedFeatureError } from '../errors.js'
import type { Protocol } from '../protocol/actions.js'
import { tableFeature } from '../protocol/features.js'
import type { DataType, StructType } from '../protocol/schema-types.js'

function typeUses(t: DataType, name: string): boolean {
  switch (t.type) {
    case 'struct':
      return t.fields.some((f) => typeUses(f.type, name))
    case 'array':
      return typeUses(t.elementType, name)
    case 'map':
      return typeUses(t.keyType, name) || typeUses(t.valueType, name)
    default:
      return t.type === name
  }
}

function metadataUses(s: StructType, prefix: string): boolean {
  const visit = (t: DataType): boolean => {
    if (t.type === 'struct') return t.fields.some((f) => Object.keys(f.metadata).some((k) => k.startsWith(prefix)) || visit(f.type))
    if (t.type === 'array') return visit(t.elementType)
    if (t.type === 'map') return visit(t.keyType) || visit(t.valueType)
    return false
  }
  return visit(s)
}

const TRUE = (v: string | undefined) => v?.toLowerCase() === 'true'

/**
 * Names of the table features a table with this schema and configuration needs, plus
 * `extra` (explicitly requested features, e.g. `domainMetadata`). Throws
 * `UnsupportedFeatureError` for a needed feature this kernel cannot write.
 */
export function requiredFeatures(schema: StructType, configuration: Readonly<Record<string, string>>, extra: readonly string[] = []): string[] {
  const out = new Set<string>(extra)
  if (typeUses(schema, 'timestamp_ntz')) out.add('timestampNtz')
  if (typeUses(schema, 'variant')) out.add('variantType')
  if (TRUE(configuration['delta.appendOnly'])) out.add('appendOnly')
  if (TRUE(configuration['delta.enableInCommitTimestamps'])) out.add('inCommitTimestamp')
  if (TRUE(configuration['delta.enableChangeDataFeed'])) out.add('changeDataFeed')
  if (TRUE(configuration['delta.enableDeletionVectors'])) out.add('deletionVectors')
  if (TRUE(configuration['delta.enableRowTracking'])) out.add('rowTracking')
  if (TRUE(configuration['delta.enableTypeWidening'])) out.add('typeWidening')
  const mode = configuration['delta.columnMapping.mode']
  if (mode !== undefined && mode.toLowerCase() !== 'none') out.add('columnMapping')
  if (Object.keys(configuration).some((k) => k.startsWith('delta.constraints.'))) out.add('checkConstraints')
  if (metadataUses(schema, 'delta.invariants')) out.add('invariants')
  if (metadataUses(schema, 'delta.generationExpression')) out.add('generatedColumns')
  if (metadataUses(schema, 'delta.identity.')) out.add('identityColumns')
  if (metadataUses(schema, 'CURRENT_DEFAULT')) out.add('allowColumnDefaults')
  for (const name of out) {
    const f = tableFeature(name)
    if (!f?.writeSupported) {
      throw new UnsupportedFeatureError(name, `table feature '${name}' is needed by the schema or properties, but this kernel ${f ? 'cannot write it yet' : 'does not know it'}`)
    }
  }
  return [...out].sort()
}

/** Features expressible with legacy protocol versions, and the writer version that implies them. */
function legacyWriterVersion(name: string): number | undefined {
  const f = tableFeature(name)
  return f?.kind === 'writer' ? f.legacyWriterVersion : undefined
}

/**
 * The smallest protocol for a new table using `features`: `(1, 2)` when every feature is
 * implied by a legacy writer version (the Delta default), `(1, 7)` with `writerFeatures` when
 * only writer features are needed, `(3, 7)` with both lists when a reader-writer feature is.
 */
export function protocolForNewTable(features: readonly string[]): Protocol {
  const legacy = features.every((n) => (legacyWriterVersion(n) ?? 99) <= 2)
  if (legacy) return { minReaderVersion: 1, minWriterVersion: 2 }
  const readerFeatures = features.filter((n) => tableFeature(n)?.kind === 'readerWriter')
  const writerFeatures = [...features]
  if (readerFeatures.length === 0) return { minReaderVersion: 1, minWriterVersion: 7, writerFeatures }
  return { minReaderVersion: 3, minWriterVersion: 7, readerFeatures, writerFeatures }
}

/** Whether `protocol` supports feature `name` (listed, or implied by a legacy version). */
export function protocolSupports(protocol: Protocol, name: string): boolean {
  const f = tableFeature(name)
  if (!f) return false
  const writerOk =
    protocol.minWriterVersion >= 7
      ? (protocol.writerFeatures ?? []).includes(name)
      : f.legacyWriterVersion !== undefined && protocol.minWriterVersion >= f.legacyWriterVersion
  if (!writerOk || f.kind === 'writer') return writerOk
  if (protocol.minReaderVersion >= 3) return (protocol.readerFeatures ?? []).includes(name)
  return f.legacyReaderVersion !== undefined && protocol.minReaderVersion >= f.legacyReaderVersion
}

/**
 * The protocol an existing table needs so that it supports every feature in `features`, or
 * undefined when `current` already does. Features are added to a table-features protocol's
 * lists; a legacy protocol is only raised to writer version 2 (for `appendOnly`). Moving a
 * legacy table to table features means proving which legacy features its history used, which
 * this kernel does not attempt: that case throws `UnsupportedFeatureError`.
 */
export function upgradeProtocol(current: Protocol, features: readonly string[], where: string): Protocol | undefined {
  const missing = features.filter((n) => !protocolSupports(current, n))
  if (missing.length === 0) return undefined
  if (current.minWriterVersion < 7) {
    if (missing.every((n) => legacyWriterVersion(n) === 2)) return { ...current, minWriterVersion: 2 }
    throw new UnsupportedFeatureError(
      missing[0]!,
      `${where}: enabling ${missing.join(', ')} needs an upgrade from protocol (${current.minReaderVersion}, ${current.minWriterVersion}) to table features, which this kernel does not perform`,
    )
  }
  const readerWriter = missing.filter((n) => tableFeature(n)?.kind === 'readerWriter')
  if (readerWriter.length > 0 && current.minReaderVersion < 3) {
    throw new UnsupportedFeatureError(
      readerWriter[0]!,
      `${where}: enabling ${readerWriter.join(', ')} needs reader version 3; the table has reader version ${current.minReaderVersion}`,
    )
  }
  const writerFeatures = [...(current.writerFeatures ?? []), ...missing]
  if (current.minReaderVersion < 3) return { ...current, writerFeatures }
  return { ...current, readerFeatures: [...(current.readerFeatures ?? []), ...readerWriter], writerFeatures }
}
