/**
 * A write transaction on a snapshot: stage data files, removals, metadata, domain metadata and
 * application transaction ids, then `commit()` them as one atomic version (PROTOCOL.md
 * "Requirements for Writers"). Conflicts with concurrent commits follow `conflicts.ts`; the
 * put-if-absent and retry loop is `commit.ts`.
 *
 * A transaction is single-use: after `commit()` (successful or not) it accepts nothing more.
 * Data files written for a transaction that never commits are left behind for VACUUM.
 *
 * @packageDocumentation
 */
import type * as A from 'apache-arrow'
import { ConcurrentTransactionError, InvalidArgumentError, InvalidWriteError } from '../errors.js'
import type { Add, AddCdcFile, DomainMetadata, Metadata, Protocol, Remove, Txn } from '../protocol/actions.js'
import { checkWriteSupported } from '../protocol/features.js'
import { parseSchema, partitionSchema, serializeSchema } from '../protocol/schema.js'
import type { StructType } from '../protocol/schema-types.js'
import type { Snapshot } from '../snapshot.js'
import { ENGINE_INFO } from './commit-info.js'
import { type CommitOutcome, commitWithRetry } from './commit.js'
import { maybeCheckpoint } from '../log/checkpoint-hook.js'
import { Table } from '../table.js'
import type { ConflictScope, IsolationLevel } from './conflicts.js'
import { type DeleteResult, type DeleteTarget, deleteFromFiles } from './delete-files.js'
import { checkAdd, checkUniquePaths, removeFor } from './file-actions.js'
import { pendingCommit } from './pending-commit.js'
import { type PartitionPredicate, partitionRowOf } from './predicate.js'
import type { RetryPolicy } from './retry.js'
import { requiredFeatures, upgradeProtocol } from './table-protocol.js'
import { type WriteDataOptions, writeDataFiles } from './write-data.js'

/** Options of a transaction. */
export interface TransactionOptions {
  /** `commitInfo.operation`; default chosen from what the transaction does (`WRITE`, `DELETE`, ...). */
  readonly operation?: string
  /** `commitInfo.operationParameters`; default describes the operation. */
  readonly operationParameters?: Readonly<Record<string, unknown>>
  /** Default: the table property `delta.isolationLevel`, else `WriteSerializable`. */
  readonly isolationLevel?: IsolationLevel
  /** `commitInfo.engineInfo`; default `delta-kernel/<version>`. */
  readonly engineInfo?: string
  /** Extra `commitInfo` fields (user, job, ...). */
  readonly commitInfo?: Readonly<Record<string, unknown>>
  readonly retry?: RetryPolicy
  /** Clock in ms since the epoch (commit timestamps, modification times); default `Date.now`. */
  readonly now?: () => number
}

/** What a transaction declares it read (for conflict detection). */
export interface ReadDeclaration {
  /** The whole table was read. */
  readonly wholeTable?: boolean
  /** Files were selected by this partition predicate. */
  readonly predicate?: PartitionPredicate
  /** These files (paths as in the log) were read. */
  readonly files?: readonly string[]
}

/** Metadata changes a transaction can stage. */
export interface MetadataUpdate {
  readonly schema?: StructType
  readonly partitionColumns?: readonly string[]
  /** Properties to set; `null` removes a property. Merged into the current configuration. */
  readonly properties?: Readonly<Record<string, string | null>>
  readonly name?: string | null
  readonly description?: string | null
}

/** Result of {@link Transaction.delete}. */
export type { DeleteResult } from './delete-files.js'

/** Row-level part of a delete: given a batch of the table (logical columns), a mask of rows to delete (1 = delete). */
export type RowPredicate = (batch: A.RecordBatch) => Uint8Array | Promise<Uint8Array>

/** Rows to delete: in partitions selected by `partitions` (default all), those selected by `rows` (default all). */
export interface DeletePredicate {
  readonly partitions?: PartitionPredicate
  readonly rows?: RowPredicate
}

function isolationOf(configuration: Readonly<Record<string, string>>, explicit: IsolationLevel | undefined): IsolationLevel {
  if (explicit) return explicit
  const v = configuration['delta.isolationLevel']
  if (v === undefined || v === 'WriteSerializable') return 'WriteSerializable'
  if (v === 'Serializable') return 'Serializable'
  throw new InvalidArgumentError(`table property delta.isolationLevel: expected Serializable or WriteSerializable, found '${v}'`)
}

/** A pending write to the table of `snapshot`. */
export class Transaction {
  readonly snapshot: Snapshot
  /** Unique id, written as `commitInfo.txnId` (lets a retry recognise its own landed commit). */
  readonly txnId: string
  readonly #options: TransactionOptions
  readonly #now: () => number
  readonly #where: string
  #adds: Add[] = []
  #removes = new Map<string, Remove>()
  #metadata: Metadata | undefined
  #domains = new Map<string, DomainMetadata>()
  #txns = new Map<string, Txn>()
  #readWholeTable = false
  #readPredicates: PartitionPredicate[] = []
  #readFiles = new Set<string>()
  // --- Change data feed (src/stream/cdf-write.ts): change data files of row-level deletes, and
  // the file actions those deletes made (a commit with cdc files may hold nothing else).
  #cdc: AddCdcFile[] = []
  #cdcCovered = new Set<string>()
  // --- end change data feed
  #operation: { name: string; parameters: Record<string, unknown> } | undefined
  #closed = false

  /** Starts a transaction; throws `UnsupportedFeatureError` when this kernel may not write the table. */
  constructor(snapshot: Snapshot, options: TransactionOptions = {}) {
    this.snapshot = snapshot
    this.#options = options
    this.#now = options.now ?? Date.now
    this.#where = `${snapshot.tableRoot} (version ${snapshot.version})`
    checkWriteSupported(snapshot.protocol, snapshot.metadata, this.#where)
    this.txnId = crypto.randomUUID()
  }

  /** The metadata this transaction will commit (the snapshot's, plus staged changes). */
  get metadata(): Metadata {
    return this.#metadata ?? this.snapshot.metadata
  }

  /** The logical schema this transaction writes with. */
  get schema(): StructType {
    return this.#metadata ? parseSchema(this.#metadata.schemaString) : this.snapshot.schema
  }

  #open(): void {
    if (this.#closed) throw new InvalidArgumentError(`${this.#where}: transaction ${this.txnId} is already committed or failed; start a new one`)
  }

  #op(name: string, parameters: Record<string, unknown>): void {
    if (!this.#operation) this.#operation = { name, parameters }
  }

  /** Declares reads made outside the transaction's own methods (connectors planning their own scans). */
  recordRead(read: ReadDeclaration): void {
    this.#open()
    if (read.wholeTable) this.#readWholeTable = true
    if (read.predicate) this.#readPredicates.push(read.predicate)
    for (const f of read.files ?? []) this.#readFiles.add(f)
  }

  /** Writes `data` as new files and stages their `add` actions (a blind append unless something was read). */
  async append(data: A.Table | readonly A.RecordBatch[], options: WriteDataOptions & { signal?: AbortSignal } = {}): Promise<readonly Add[]> {
    this.#open()
    this.#op('WRITE', { mode: 'Append', partitionBy: JSON.stringify(this.metadata.partitionColumns) })
    const adds = await writeDataFiles(data, this.#writeContext(options.signal), options)
    this.#adds.push(...adds)
    return adds
  }

  #writeContext(signal: AbortSignal | undefined) {
    return {
      engine: this.snapshot.engine,
      tableRoot: this.snapshot.tableRoot,
      schema: this.schema,
      partitionColumns: this.metadata.partitionColumns,
      configuration: this.metadata.configuration,
      now: this.#now,
      ...(signal ? { signal } : {}),
    }
  }

  /** Stages `add` actions for files a connector wrote itself (paths relative to the table root, URI-encoded). */
  addFiles(adds: readonly Add[]): void {
    this.#open()
    this.#op('WRITE', { mode: 'Append', partitionBy: JSON.stringify(this.metadata.partitionColumns) })
    const keys = partitionSchema(this.schema, this.metadata.partitionColumns).fields.map((f) => f.name)
    for (const a of adds) checkAdd(a, keys, this.#where)
    this.#adds.push(...adds)
  }

  /**
   * Stages `remove` actions for live files (given as their `add` actions, or paths as in the
   * log). The removed files count as read (a concurrent removal of one of them conflicts).
   * Throws `InvalidArgumentError` for a path that is not a live file of the snapshot.
   */
  removeFiles(files: readonly (Add | string)[], options: { dataChange?: boolean } = {}): void {
    this.#open()
    this.#op('DELETE', { predicate: '[]' })
    const dataChange = options.dataChange ?? true
    let live: Map<string, Add> | undefined
    for (const f of files) {
      let add: Add | undefined
      if (typeof f === 'string') {
        live ??= new Map(this.snapshot.files().map((a) => [a.path, a]))
        add = live.get(f)
        if (!add) throw new InvalidArgumentError(`${this.#where}: cannot remove ${f}: it is not a live file of this snapshot`)
      } else add = f
      // A file this transaction already re-added with a new DV goes too: unstage that add.
      const restaged = this.#removes.has(add.path) ? this.#adds.findIndex((a) => a.path === add.path) : -1
      if (restaged >= 0) this.#adds.splice(restaged, 1)
      this.#removes.set(add.path, removeFor(add, this.#now(), dataChange))
      this.#readFiles.add(add.path)
    }
  }

  /**
   * Files whose partition values satisfy `predicate` (all when undefined), as this transaction
   * sees the table: the snapshot's files it has not removed, then the files it staged.
   */
  #select(predicate: PartitionPredicate | undefined): Add[] {
    const files = [...this.snapshot.files().filter((a) => !this.#removes.has(a.path)), ...this.#adds]
    if (!predicate) return files
    const schema = partitionSchema(this.snapshot.schema, this.snapshot.partitionColumns)
    return files.filter((a) => predicate(partitionRowOf(a.partitionValues, schema)))
  }

  /**
   * Replaces the whole table (no `partitions`) or the partitions selected by `partitions` with
   * `data`: removes the selected files and writes `data`. With `partitions`, every row of `data`
   * must fall in a selected partition (`InvalidWriteError` otherwise).
   */
  async overwrite(data: A.Table | readonly A.RecordBatch[], options: { partitions?: PartitionPredicate; signal?: AbortSignal } = {}): Promise<void> {
    this.#open()
    const where = options.partitions
    this.#op('WRITE', { mode: 'Overwrite', partitionBy: JSON.stringify(this.metadata.partitionColumns), ...(where ? { predicate: '<partition predicate>' } : {}) })
    if (where) this.#readPredicates.push(where)
    else this.#readWholeTable = true
    const victims = this.#select(where)
    const adds = await writeDataFiles(data, this.#writeContext(options.signal))
    if (where) {
      const schema = partitionSchema(this.schema, this.metadata.partitionColumns)
      for (const a of adds) {
        if (!where(partitionRowOf(a.partitionValues, schema))) {
          throw new InvalidWriteError(`${this.#where}: overwrite data has rows in partition ${JSON.stringify(a.partitionValues)}, which the overwrite predicate does not select`)
        }
      }
    }
    for (const v of victims) {
      this.#retire(v)
      this.#readFiles.add(v.path)
    }
    this.#adds.push(...adds)
  }

  /**
   * Deletes rows from the table as this transaction sees it (the snapshot's files, minus those it
   * removed, plus those it added). Files whose partition `predicate.partitions` selects are
   * removed whole when there is no row predicate; otherwise each is read (its deletion vector
   * applied) and, when some live rows are selected: with deletion vectors enabled (see
   * `deletion-vector-write.ts`) the file is re-added with a DV that also marks those rows;
   * otherwise it is removed and its remaining rows written to a new file. A file left with no
   * live row is removed either way.
   */
  async delete(predicate: DeletePredicate, options: { signal?: AbortSignal } = {}): Promise<DeleteResult> {
    this.#open()
    this.#op('DELETE', { predicate: predicate.partitions || predicate.rows ? '<predicate>' : '[]' })
    if (predicate.partitions) this.#readPredicates.push(predicate.partitions)
    else this.#readWholeTable = true
    const target: DeleteTarget = {
      snapshot: this.snapshot,
      metadata: this.metadata,
      context: this.#writeContext(options.signal),
      read: (add) => this.#readFiles.add(add.path),
      retire: (add) => this.#retire(add),
      stage: (add) => this.#adds.push(add),
      cover: (path) => this.#cdcCovered.add(path),
      stageCdc: (cdc) => this.#cdc.push(...cdc),
    }
    return deleteFromFiles(target, this.#select(predicate.partitions), predicate.rows)
  }

  /**
   * Takes a file out of the table this transaction builds: a snapshot file gets a `remove` (with
   * its DV: the log keys files by path and DV); a file this transaction staged is unstaged, and
   * the `remove` of the snapshot file it replaced (same path, older DV), if any, stays.
   */
  #retire(add: Add): void {
    const staged = this.#adds.indexOf(add)
    if (staged >= 0) this.#adds.splice(staged, 1)
    else this.#removes.set(add.path, removeFor(add, this.#now(), true))
  }

  /** Stages a metadata change (schema, partitioning, properties, name, description). */
  setMetadata(update: MetadataUpdate): void {
    this.#open()
    this.#op('CHANGE METADATA', {})
    const base = this.metadata
    const configuration: Record<string, string> = { ...base.configuration }
    for (const [k, v] of Object.entries(update.properties ?? {})) {
      if (v === null) delete configuration[k]
      else if (typeof v !== 'string') throw new InvalidArgumentError(`property ${k}: value must be a string or null`)
      else configuration[k] = v
    }
    const schema = update.schema ?? this.schema
    const partitionColumns = update.partitionColumns ?? base.partitionColumns
    partitionSchema(schema, partitionColumns) // throws when a partition column is missing
    this.#metadata = {
      ...base,
      schemaString: update.schema ? serializeSchema(update.schema) : base.schemaString,
      partitionColumns: [...partitionColumns],
      configuration,
      ...(update.name !== undefined ? { name: update.name } : {}),
      ...(update.description !== undefined ? { description: update.description } : {}),
    }
  }

  /** Sets (string) or removes (`null`) table properties. */
  setProperties(properties: Readonly<Record<string, string | null>>): void {
    this.#op('SET TBLPROPERTIES', { properties: JSON.stringify(properties) })
    this.setMetadata({ properties })
  }

  /**
   * Sets the configuration of a user-controlled metadata domain, or removes it (`null`).
   * Domains starting with `delta.` are system-controlled and refused (PROTOCOL.md "Domain Metadata").
   */
  setDomainMetadata(domain: string, configuration: string | null): void {
    this.#open()
    if (domain.startsWith('delta.')) throw new InvalidArgumentError(`metadata domain '${domain}' is system-controlled; only user domains may be set`)
    if (configuration === null) {
      const current = this.snapshot.domainMetadata(domain)
      if (current === undefined) throw new InvalidArgumentError(`${this.#where}: cannot remove metadata domain '${domain}': it does not exist`)
      this.#domains.set(domain, { domain, configuration: current, removed: true })
    } else this.#domains.set(domain, { domain, configuration, removed: false })
  }

  /**
   * Records that application `appId` committed its batch `version` in this transaction
   * (idempotent writes). Throws `ConcurrentTransactionError` (with `committedAppVersion`) when
   * the snapshot already holds `appId` at `version` or later: that batch is already in the table.
   */
  setAppTransaction(appId: string, version: number): void {
    this.#open()
    if (!Number.isSafeInteger(version)) throw new InvalidArgumentError(`app transaction version must be an integer, got ${version}`)
    const committed = this.snapshot.appTransactionVersion(appId)
    if (committed !== undefined && committed >= version) {
      throw new ConcurrentTransactionError(
        `${this.#where}: application '${appId}' already committed version ${committed}, at or after the requested ${version}; this batch is already in the table`,
        { appId, committedAppVersion: committed },
      )
    }
    this.#txns.set(appId, { appId, version, lastUpdated: this.#now() })
  }

  /** Commits everything staged as one new table version. */
  async commit(options: { signal?: AbortSignal } = {}): Promise<CommitOutcome> {
    this.#open()
    this.#closed = true
    const snapshot = this.snapshot
    const removes = [...this.#removes.values()]
    checkUniquePaths(this.#adds, removes, this.#where)
    if (this.#cdc.length > 0) {
      // Readers take a commit with cdc files from those files alone: any other data change would vanish from the feed.
      const uncovered = [...this.#adds.filter((a) => a.dataChange), ...removes.filter((r) => r.dataChange)].find((f) => !this.#cdcCovered.has(f.path))
      if (uncovered) {
        throw new InvalidWriteError(`${this.#where}: on a table with the change data feed enabled, a row-level delete cannot share a commit with other data changes (found ${uncovered.path}); commit them separately`)
      }
    }
    const readMeta = snapshot.metadata
    if (readMeta.configuration['delta.appendOnly']?.toLowerCase() === 'true' && removes.some((r) => r.dataChange)) {
      throw new InvalidWriteError(`${this.#where}: the table is append-only (delta.appendOnly=true); removing data is not allowed`)
    }
    const metadata = this.#metadata
    let protocol: Protocol | undefined
    if (metadata || this.#domains.size > 0) {
      const meta = metadata ?? readMeta
      const extra = this.#domains.size > 0 ? ['domainMetadata'] : []
      protocol = upgradeProtocol(snapshot.protocol, requiredFeatures(parseSchema(meta.schemaString), meta.configuration, extra), this.#where)
      checkWriteSupported(protocol ?? snapshot.protocol, meta, this.#where)
    }
    const effective = metadata ?? readMeta
    const isolationLevel = isolationOf(effective.configuration, this.#options.isolationLevel)
    const isBlindAppend = removes.length === 0 && this.#adds.every((a) => a.dataChange) && !this.#readWholeTable && this.#readPredicates.length === 0 && this.#readFiles.size === 0
    const scope: ConflictScope = {
      isolationLevel,
      isBlindAppend,
      metadataChanged: metadata !== undefined,
      readWholeTable: this.#readWholeTable,
      readPredicates: this.#readPredicates,
      readFiles: this.#readFiles,
      appIds: new Set(this.#txns.keys()),
      removedFiles: new Set(removes.map((r) => r.path)),
      domains: new Set(this.#domains.keys()),
      partitionSchema: partitionSchema(snapshot.schema, snapshot.partitionColumns),
    }
    const op = this.#operation ?? { name: 'WRITE', parameters: { mode: 'Append', partitionBy: JSON.stringify(effective.partitionColumns) } }
    const source = pendingCommit({
      tableRoot: snapshot.tableRoot,
      txnId: this.txnId,
      readVersion: snapshot.version,
      readMetadata: readMeta,
      readTimestamp: snapshot.timestamp,
      protocol,
      metadata,
      domains: [...this.#domains.values()],
      txns: [...this.#txns.values()],
      removes,
      adds: this.#adds,
      cdc: this.#cdc,
      scope,
      operation: this.#options.operation ?? op.name,
      operationParameters: this.#options.operationParameters ?? op.parameters,
      engineInfo: this.#options.engineInfo ?? ENGINE_INFO,
      extraCommitInfo: this.#options.commitInfo,
      now: this.#now,
    })
    const outcome = await commitWithRetry(snapshot.engine, snapshot.tableRoot, snapshot.version + 1, source, {
      ...(this.#options.retry ? { retry: this.#options.retry } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    })
    // Post-commit hook: checkpoints every delta.checkpointInterval versions; never throws.
    await maybeCheckpoint(Table.open(snapshot.tableRoot, snapshot.engine), outcome.version, { metadata: effective, from: snapshot, signal: options.signal })
    return outcome
  }
}

/** Starts a transaction on `snapshot` (same as `new Transaction(snapshot, options)`). */
export function startTransaction(snapshot: Snapshot, options: TransactionOptions = {}): Transaction {
  return new Transaction(snapshot, options)
}
