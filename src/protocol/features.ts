/**
 * The table-feature registry (PROTOCOL.md, "Table Features" and "Valid Feature Names in Table
 * Features"): one record per feature, and the reader/writer gates built on it. A feature this
 * kernel does not list, or lists as unsupported, makes the gate throw `UnsupportedFeatureError`:
 * reading a table whose semantics we do not implement would return wrong rows.
 *
 * @packageDocumentation
 */
import { UnsupportedFeatureError } from '../errors.js'
import type { Metadata, Protocol } from './actions.js'

/** One table feature. */
export interface TableFeature {
  /** Name as it appears in `readerFeatures` / `writerFeatures`. */
  readonly name: string
  /** `readerWriter` features appear in both lists; `writer` features only in `writerFeatures`. */
  readonly kind: 'readerWriter' | 'writer'
  /** Whether this kernel reads tables that have the feature correctly. */
  readonly readSupported: boolean
  /** Whether this kernel writes tables that have the feature without breaking its rules. */
  readonly writeSupported: boolean
  /** Legacy protocol versions that imply the feature (tables written before table features). */
  readonly legacyReaderVersion?: number
  readonly legacyWriterVersion?: number
}

const FEATURES: readonly TableFeature[] = [
  { name: 'appendOnly', kind: 'writer', readSupported: true, writeSupported: true, legacyWriterVersion: 2 },
  { name: 'invariants', kind: 'writer', readSupported: true, writeSupported: false, legacyWriterVersion: 2 },
  { name: 'checkConstraints', kind: 'writer', readSupported: true, writeSupported: false, legacyWriterVersion: 3 },
  // Writable: row-level deletes write change data files (src/stream/cdf-write.ts); appends, whole-file deletes and overwrites need none.
  { name: 'changeDataFeed', kind: 'writer', readSupported: true, writeSupported: true, legacyWriterVersion: 4 },
  { name: 'generatedColumns', kind: 'writer', readSupported: true, writeSupported: false, legacyWriterVersion: 4 },
  {
    name: 'columnMapping',
    kind: 'readerWriter',
    readSupported: true,
    writeSupported: false,
    legacyReaderVersion: 2,
    legacyWriterVersion: 5,
  },
  { name: 'identityColumns', kind: 'writer', readSupported: true, writeSupported: false, legacyWriterVersion: 6 },
  // Writable: row-level deletes write DVs when enabled (src/txn/deletion-vector-write.ts); every write path honours existing ones.
  { name: 'deletionVectors', kind: 'readerWriter', readSupported: true, writeSupported: true },
  { name: 'rowTracking', kind: 'writer', readSupported: true, writeSupported: false },
  { name: 'timestampNtz', kind: 'readerWriter', readSupported: true, writeSupported: true },
  { name: 'domainMetadata', kind: 'writer', readSupported: true, writeSupported: true },
  { name: 'v2Checkpoint', kind: 'readerWriter', readSupported: true, writeSupported: true },
  { name: 'icebergCompatV1', kind: 'writer', readSupported: true, writeSupported: false },
  { name: 'icebergCompatV2', kind: 'writer', readSupported: true, writeSupported: false },
  { name: 'clustering', kind: 'writer', readSupported: true, writeSupported: false },
  { name: 'vacuumProtocolCheck', kind: 'readerWriter', readSupported: true, writeSupported: true },
  { name: 'inCommitTimestamp', kind: 'writer', readSupported: true, writeSupported: true },
  { name: 'typeWidening', kind: 'readerWriter', readSupported: true, writeSupported: false },
  { name: 'typeWidening-preview', kind: 'readerWriter', readSupported: true, writeSupported: false },
  { name: 'variantType', kind: 'readerWriter', readSupported: true, writeSupported: false },
  { name: 'variantType-preview', kind: 'readerWriter', readSupported: true, writeSupported: false },
  { name: 'allowColumnDefaults', kind: 'writer', readSupported: true, writeSupported: false },
]

const BY_NAME = new Map(FEATURES.map((f) => [f.name, f]))

/** Every feature this kernel knows, in spec order. */
export function knownTableFeatures(): readonly TableFeature[] {
  return FEATURES
}

/** The record of a feature, or undefined when this kernel does not know it. */
export function tableFeature(name: string): TableFeature | undefined {
  return BY_NAME.get(name)
}

/** Highest reader protocol version this kernel implements. */
export const MAX_READER_VERSION = 3
/** Highest writer protocol version this kernel implements. */
export const MAX_WRITER_VERSION = 7

function readSupported(name: string): boolean {
  return BY_NAME.get(name)?.readSupported ?? false
}

/** The reader features a protocol makes active, including those implied by legacy versions. */
export function activeReaderFeatures(protocol: Protocol, metadata?: Metadata): string[] {
  if (protocol.minReaderVersion >= 3) return [...(protocol.readerFeatures ?? [])]
  const out: string[] = []
  // Reader version 2 means "respect column mapping" whenever the table configures a mode.
  if (protocol.minReaderVersion === 2) {
    const mode = metadata?.configuration['delta.columnMapping.mode']
    if (mode !== undefined && mode !== 'none') out.push('columnMapping')
  }
  return out
}

/**
 * Throws `UnsupportedFeatureError` unless this kernel can read a table with this protocol.
 * `where` names the table (and version) for the message.
 */
export function checkReadSupported(protocol: Protocol, where: string, metadata?: Metadata): void {
  if (protocol.minReaderVersion > MAX_READER_VERSION) {
    throw new UnsupportedFeatureError(
      `readerVersion ${protocol.minReaderVersion}`,
      `${where}: table requires reader version ${protocol.minReaderVersion}; this kernel supports up to ${MAX_READER_VERSION}`,
    )
  }
  if (protocol.minReaderVersion === 3 && protocol.readerFeatures === undefined) {
    throw new UnsupportedFeatureError(
      'readerFeatures',
      `${where}: protocol has reader version 3 but no readerFeatures list (invalid protocol)`,
    )
  }
  for (const name of activeReaderFeatures(protocol, metadata)) {
    if (!readSupported(name)) {
      const known = BY_NAME.has(name)
      throw new UnsupportedFeatureError(
        name,
        `${where}: table requires reader feature '${name}', which this kernel ${known ? 'does not support yet' : 'does not know'}`,
      )
    }
  }
}

/** The writer features a protocol makes active, including those implied by legacy versions. */
export function activeWriterFeatures(protocol: Protocol, metadata?: Metadata): string[] {
  if (protocol.minWriterVersion >= 7) return [...(protocol.writerFeatures ?? [])]
  const out: string[] = []
  for (const f of FEATURES) {
    if (f.legacyWriterVersion === undefined || protocol.minWriterVersion < f.legacyWriterVersion) continue
    // Legacy features only bind when the table actually uses them (spec: "Writer Version Requirements").
    if (featureInUse(f.name, metadata)) out.push(f.name)
  }
  return out
}

/**
 * Whether a "respect X when present" writer feature has anything to respect. Spark lists such
 * features (e.g. `invariants`) in `writerFeatures` of every upgraded table; a writer that cannot
 * enforce them may still write while the table has no invariant, constraint, generated column...
 */
export function featureInUse(name: string, metadata: Metadata | undefined): boolean {
  if (!metadata) return true
  const s = metadata.schemaString
  const conf = metadata.configuration
  switch (name) {
    case 'invariants':
      return s.includes('delta.invariants')
    case 'checkConstraints':
      return Object.keys(conf).some((k) => k.startsWith('delta.constraints.'))
    case 'generatedColumns':
      return s.includes('delta.generationExpression')
    case 'identityColumns':
      return s.includes('delta.identity.')
    case 'changeDataFeed':
      return conf['delta.enableChangeDataFeed'] === 'true'
    case 'appendOnly':
      return conf['delta.appendOnly'] === 'true'
    case 'columnMapping':
      return (conf['delta.columnMapping.mode'] ?? 'none') !== 'none'
    default:
      return true
  }
}

/** Throws `UnsupportedFeatureError` unless this kernel may write a table with this protocol. */
export function checkWriteSupported(protocol: Protocol, metadata: Metadata | undefined, where: string): void {
  checkReadSupported(protocol, where, metadata)
  if (protocol.minWriterVersion > MAX_WRITER_VERSION) {
    throw new UnsupportedFeatureError(
      `writerVersion ${protocol.minWriterVersion}`,
      `${where}: table requires writer version ${protocol.minWriterVersion}; this kernel supports up to ${MAX_WRITER_VERSION}`,
    )
  }
  for (const name of activeWriterFeatures(protocol, metadata)) {
    const f = BY_NAME.get(name)
    if (!f?.writeSupported && !(f && !featureInUse(name, metadata))) {
      throw new UnsupportedFeatureError(
        name,
        `${where}: table requires writer feature '${name}', which this kernel ${f ? 'cannot write yet' : 'does not know'}`,
      )
    }
  }
}
