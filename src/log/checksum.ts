/**
 * Version checksum files, `_delta_log/N.crc` (PROTOCOL.md "Version Checksum File"): the table's
 * size, file count, metadata and protocol at version N, written after the commit, so a reader can
 * detect a log that was changed behind its back. Reading them never breaks a read: a missing or
 * malformed file only means there is nothing to validate against.
 *
 * @packageDocumentation
 */
import stableStringify from 'fast-json-stable-stringify'
import type { Engine } from '../engine/engine.js'
import { AbortedError } from '../errors.js'
import type { Action, Add, DomainMetadata, Metadata, Protocol, Txn } from '../protocol/actions.js'
import { parseMetadata, parseProtocol } from '../protocol/actions.js'
import { checksumFileName, logDir } from './log-files.js'
import { ReplayState, fileKey } from './replay.js'

/** The contents of a `.crc` file (required fields, plus the optional ones this kernel writes). */
export interface VersionChecksum {
  readonly txnId?: string
  readonly tableSizeBytes: number
  readonly numFiles: number
  readonly numMetadata: number
  readonly numProtocol: number
  readonly inCommitTimestampOpt?: number
  readonly setTransactions?: readonly Txn[]
  readonly domainMetadata?: readonly DomainMetadata[]
  readonly metadata: Metadata
  readonly protocol: Protocol
  readonly numDeletedRecordsOpt?: number
  readonly numDeletionVectorsOpt?: number
}

/** The snapshot state a checksum is computed from (a `Snapshot` satisfies it). */
export interface ChecksumSource {
  readonly tableRoot: string
  readonly engine: Engine
  readonly version: number
  readonly protocol: Protocol
  readonly metadata: Metadata
  readonly commitInfo?: Readonly<Record<string, unknown>>
  files(): readonly Add[]
  appTransactions(): readonly Txn[]
  domainMetadataEntries(): readonly DomainMetadata[]
}

/** The version checksum of a snapshot (pure). */
export function computeChecksum(s: ChecksumSource, options: { txnId?: string } = {}): VersionChecksum {
  let size = 0
  let dvs = 0
  let deleted = 0
  const files = s.files()
  for (const a of files) {
    size += a.size
    if (a.deletionVector) {
      dvs++
      deleted += a.deletionVector.cardinality
    }
  }
  const ict = s.commitInfo?.inCommitTimestamp
  const hasDvs = (s.protocol.readerFeatures ?? []).includes('deletionVectors')
  return {
    ...(options.txnId !== undefined ? { txnId: options.txnId } : {}),
    tableSizeBytes: size,
    numFiles: files.length,
    numMetadata: 1,
    numProtocol: 1,
    ...(s.metadata.configuration['delta.enableInCommitTimestamps'] === 'true' && typeof ict === 'number' ? { inCommitTimestampOpt: ict } : {}),
    setTransactions: s.appTransactions(),
    domainMetadata: s.domainMetadataEntries().filter((d) => !d.removed),
    metadata: s.metadata,
    protocol: s.protocol,
    ...(hasDvs ? { numDeletedRecordsOpt: deleted, numDeletionVectorsOpt: dvs } : {}),
  }
}

/**
 * Writes `N.crc` for a snapshot, never overwriting (the spec forbids it): returns false when the
 * file already exists. Call it only after commit N succeeded.
 */
export async function writeChecksum(s: ChecksumSource, options: { txnId?: string; signal?: AbortSignal } = {}): Promise<boolean> {
  const bytes = new TextEncoder().encode(JSON.stringify(computeChecksum(s, options)))
  const location = logDir(s.tableRoot) + checksumFileName(s.version)
  const r = await s.engine.fileSystem.putIfAbsent(location, bytes, { signal: options.signal })
  return r.status === 'created'
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/**
 * Parses `.crc` text; undefined when it is not JSON or lacks a required field. Only the fields
 * validation uses are checked.
 */
export function parseChecksum(text: string, where: string): VersionChecksum | undefined {
  let o: unknown
  try {
    o = JSON.parse(text)
  } catch {
    return undefined
  }
  if (!isObj(o)) return undefined
  const ints = ['tableSizeBytes', 'numFiles', 'numMetadata', 'numProtocol'] as const
  if (ints.some((k) => typeof o[k] !== 'number' || !Number.isSafeInteger(o[k]))) return undefined
  try {
    return { ...(o as object), metadata: parseMetadata(o.metadata, where), protocol: parseProtocol(o.protocol, where) } as VersionChecksum
  } catch {
    return undefined
  }
}

/** Reads `N.crc`; undefined when it is missing or malformed. Only an abort is thrown. */
export async function readChecksum(
  engine: Engine,
  tableRoot: string,
  version: number,
  options: { signal?: AbortSignal } = {},
): Promise<VersionChecksum | undefined> {
  const location = logDir(tableRoot) + checksumFileName(version)
  let bytes: Uint8Array
  try {
    bytes = await engine.fileSystem.read(location, { signal: options.signal })
  } catch (e) {
    if (e instanceof AbortedError) throw e
    return undefined
  }
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return undefined
  }
  return parseChecksum(text, location)
}

/** Outcome of {@link validateChecksum}. */
export type ChecksumValidation =
  | { readonly status: 'missing' }
  | { readonly status: 'malformed' }
  | { readonly status: 'valid' }
  | { readonly status: 'mismatch'; readonly mismatches: readonly string[] }

function normMetadata(m: Metadata): string {
  return stableStringify({
    id: m.id,
    name: m.name ?? null,
    description: m.description ?? null,
    provider: m.format.provider,
    options: m.format.options ?? {},
    schemaString: m.schemaString,
    partitionColumns: m.partitionColumns,
    configuration: m.configuration,
    createdTime: m.createdTime ?? null,
  })
}

function normProtocol(p: Protocol): string {
  return stableStringify({
    r: p.minReaderVersion,
    w: p.minWriterVersion,
    rf: [...(p.readerFeatures ?? [])].sort(),
    wf: [...(p.writerFeatures ?? [])].sort(),
  })
}

/** Compares a parsed checksum with the snapshot it should describe; returns what differs. */
export function compareChecksum(crc: VersionChecksum, s: ChecksumSource): string[] {
  const mine = computeChecksum(s)
  const out: string[] = []
  const cmp = (what: string, found: unknown, expected: unknown) => {
    if (found !== expected) out.push(`${what}: .crc says ${String(found)}, the log gives ${String(expected)}`)
  }
  cmp('numFiles', crc.numFiles, mine.numFiles)
  cmp('tableSizeBytes', crc.tableSizeBytes, mine.tableSizeBytes)
  cmp('numMetadata', crc.numMetadata, 1)
  cmp('numProtocol', crc.numProtocol, 1)
  if (normMetadata(crc.metadata) !== normMetadata(mine.metadata)) out.push('metadata differs from the log')
  if (normProtocol(crc.protocol) !== normProtocol(mine.protocol)) out.push('protocol differs from the log')
  if (Array.isArray(crc.setTransactions)) {
    const key = (ts: readonly Txn[]) => stableStringify(ts.map((t) => [t.appId, t.version]).sort())
    if (key(crc.setTransactions) !== key(mine.setTransactions ?? [])) out.push('setTransactions differ from the log')
  }
  if (Array.isArray(crc.domainMetadata)) {
    const key = (ds: readonly DomainMetadata[]) => stableStringify(ds.map((d) => [d.domain, d.configuration]).sort())
    if (key(crc.domainMetadata) !== key(mine.domainMetadata ?? [])) out.push('domainMetadata differs from the log')
  }
  return out
}

/**
 * Validates a snapshot against its `N.crc`, when there is one (PROTOCOL.md "State Validation").
 * Never throws for a missing or malformed file (only for an abort): validation is advisory, and a
 * reader must keep working without checksums.
 */
export async function validateChecksum(s: ChecksumSource, options: { signal?: AbortSignal } = {}): Promise<ChecksumValidation> {
  const location = logDir(s.tableRoot) + checksumFileName(s.version)
  let bytes: Uint8Array
  try {
    bytes = await s.engine.fileSystem.read(location, { signal: options.signal })
  } catch (e) {
    if (e instanceof AbortedError) throw e
    return { status: 'missing' }
  }
  let crc: VersionChecksum | undefined
  try {
    crc = parseChecksum(new TextDecoder('utf-8', { fatal: true }).decode(bytes), location)
  } catch {
    crc = undefined
  }
  if (!crc) return { status: 'malformed' }
  const mismatches = compareChecksum(crc, s)
  return mismatches.length === 0 ? { status: 'valid' } : { status: 'mismatch', mismatches }
}

/**
 * The state after committing `actions` as `version` on top of `previous` (the snapshot the
 * transaction read), without reading the log: what a writer needs to write `version.crc` right
 * after its commit. Costs one pass over the previous files.
 */
export function checksumSourceAfterCommit(previous: ChecksumSource, actions: readonly Action[], version: number): ChecksumSource {
  const state = new ReplayState()
  state.protocol = previous.protocol
  state.metadata = previous.metadata
  for (const a of previous.files()) state.adds.set(fileKey(a.path, a.deletionVector), a)
  for (const t of previous.appTransactions()) state.txns.set(t.appId, t)
  for (const d of previous.domainMetadataEntries()) state.domains.set(d.domain, d)
  state.apply(actions, version)
  const commitInfo = actions.find((a) => a.kind === 'commitInfo')
  return {
    tableRoot: previous.tableRoot,
    engine: previous.engine,
    version,
    protocol: state.protocol,
    metadata: state.metadata,
    commitInfo: commitInfo?.kind === 'commitInfo' ? commitInfo.commitInfo : undefined,
    files: () => [...state.adds.values()],
    appTransactions: () => [...state.txns.values()],
    domainMetadataEntries: () => [...state.domains.values()],
  }
}
