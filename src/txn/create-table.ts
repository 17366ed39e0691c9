/**
 * Creating a table: version 0 with `protocol`, `metaData` and `commitInfo` (and optional domain
 * metadata), committed with put-if-absent, so of two racing creators exactly one wins.
 *
 * @packageDocumentation
 */
import type { Engine } from '../engine/engine.js'
import { InvalidArgumentError, TableExistsError, throwIfAborted } from '../errors.js'
import { logDir, parseLogFile } from '../log/log-files.js'
import type { Action, Metadata } from '../protocol/actions.js'
import { serializeActions } from '../protocol/actions.js'
import { checkWriteSupported } from '../protocol/features.js'
import { partitionSchema, serializeSchema } from '../protocol/schema.js'
import type { StructType } from '../protocol/schema-types.js'
import { ENGINE_INFO, buildCommitInfo } from './commit-info.js'
import { type CommitOutcome, commitWithRetry } from './commit.js'
import type { RetryPolicy } from './retry.js'
import { protocolForNewTable, requiredFeatures } from './table-protocol.js'

/** Options of {@link createTable}. */
export interface CreateTableOptions {
  /** Logical schema. */
  readonly schema: StructType
  /** Names of top-level columns to partition by, in directory order. Default none. */
  readonly partitionColumns?: readonly string[]
  /** Table properties (`metaData.configuration`), e.g. `delta.appendOnly`. */
  readonly properties?: Readonly<Record<string, string>>
  readonly name?: string
  readonly description?: string
  /** Extra table features to support from the start (e.g. `domainMetadata`). */
  readonly tableFeatures?: readonly string[]
  /** User metadata domains to create with the table. */
  readonly domainMetadata?: Readonly<Record<string, string>>
  /** Extra `commitInfo` fields. */
  readonly commitInfo?: Readonly<Record<string, unknown>>
  readonly engineInfo?: string
  readonly retry?: RetryPolicy
  /** Clock in ms since the epoch; default `Date.now`. */
  readonly now?: () => number
  readonly signal?: AbortSignal
}

function normaliseRoot(root: string): string {
  if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(root)) throw new InvalidArgumentError(`table location must be an absolute URL, got '${root}'`)
  return root.endsWith('/') ? root : `${root}/`
}

/**
 * Creates a Delta table at `tableRoot` with the smallest protocol its schema and properties need
 * (`(1, 2)` unless a feature asks for more; see `table-protocol.ts`). Throws `TableExistsError`
 * when `_delta_log` already holds commits or checkpoints (also when another creator wins the race
 * for version 0), and `UnsupportedFeatureError` for features this kernel cannot write.
 */
export async function createTable(tableRoot: string, engine: Engine, options: CreateTableOptions): Promise<CommitOutcome> {
  const root = normaliseRoot(tableRoot)
  const { signal } = options
  const now = options.now ?? Date.now
  const partitionColumns = [...(options.partitionColumns ?? [])]
  partitionSchema(options.schema, partitionColumns) // throws when a partition column is missing
  if (new Set(partitionColumns).size !== partitionColumns.length) throw new InvalidArgumentError(`duplicate partition columns: ${partitionColumns.join(', ')}`)
  const configuration = { ...(options.properties ?? {}) }
  const domains = Object.entries(options.domainMetadata ?? {})
  for (const [d] of domains) if (d.startsWith('delta.')) throw new InvalidArgumentError(`metadata domain '${d}' is system-controlled`)
  const extra = [...(options.tableFeatures ?? []), ...(domains.length > 0 ? ['domainMetadata'] : [])]
  const protocol = protocolForNewTable(requiredFeatures(options.schema, configuration, extra))
  const metadata: Metadata = {
    id: crypto.randomUUID(),
    ...(options.name !== undefined ? { name: options.name } : {}),
    ...(options.description !== undefined ? { description: options.description } : {}),
    format: { provider: 'parquet', options: {} },
    schemaString: serializeSchema(options.schema),
    partitionColumns,
    configuration,
    createdTime: now(),
  }
  checkWriteSupported(protocol, metadata, root)
  // A table whose early commits were cleaned up has no 0.json: put-if-absent alone would not see it.
  for await (const meta of engine.fileSystem.list(logDir(root), { signal })) {
    throwIfAborted(signal)
    const kind = parseLogFile(meta)?.kind.type
    if (kind !== undefined) throw new TableExistsError(`${root}: a Delta table already exists here (found ${meta.location})`)
  }
  const txnId = crypto.randomUUID()
  const ict = configuration['delta.enableInCommitTimestamps']?.toLowerCase() === 'true'
  const encode = (): Uint8Array => {
    const t = now()
    const commitInfo = buildCommitInfo({
      timestamp: t,
      ...(ict ? { inCommitTimestamp: t } : {}),
      operation: 'CREATE TABLE',
      operationParameters: { partitionBy: JSON.stringify(partitionColumns), properties: JSON.stringify(configuration) },
      isolationLevel: 'Serializable',
      isBlindAppend: true,
      engineInfo: options.engineInfo ?? ENGINE_INFO,
      txnId,
      ...(options.commitInfo ? { extra: options.commitInfo } : {}),
    })
    const actions: Action[] = [
      { kind: 'commitInfo', commitInfo },
      { kind: 'protocol', protocol },
      { kind: 'metaData', metaData: metadata },
      ...domains.map(([domain, c]): Action => ({ kind: 'domainMetadata', domainMetadata: { domain, configuration: c, removed: false } })),
    ]
    return new TextEncoder().encode(serializeActions(actions))
  }
  const rebase = (): never => {
    throw new TableExistsError(`${root}: another writer created the table first (version 0 exists)`)
  }
  return commitWithRetry(engine, root, 0, { txnId, encode, rebase }, {
    ...(options.retry ? { retry: options.retry } : {}),
    ...(signal ? { signal } : {}),
  })
}
