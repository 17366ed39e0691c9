/**
 * Delta log actions (PROTOCOL.md, "Actions") as readonly data, and their validation from parsed
 * JSON. Field names are the spec's, so an action serialises back to the log unchanged.
 *
 * @packageDocumentation
 */
import { InvalidLogError } from '../errors.js'

/** Partition values as stored in the log: column name to serialized value or null. */
export type PartitionValues = Readonly<Record<string, string | null>>

/** Deletion vector descriptor (PROTOCOL.md, "Deletion Vector Descriptor Schema"). */
export interface DeletionVectorDescriptor {
  /** `u` (UUID-relative path), `i` (inline) or `p` (absolute path). */
  readonly storageType: 'u' | 'i' | 'p'
  readonly pathOrInlineDv: string
  /** Byte offset of the DV in its file (absent for inline DVs). */
  readonly offset?: number
  readonly sizeInBytes: number
  /** Number of rows the DV deletes. */
  readonly cardinality: number
}

/** `add`: a data file that is part of the table. */
export interface Add {
  readonly path: string
  readonly partitionValues: PartitionValues
  readonly size: number
  readonly modificationTime: number
  readonly dataChange: boolean
  readonly stats?: string | null
  readonly tags?: Readonly<Record<string, string | null>> | null
  readonly deletionVector?: DeletionVectorDescriptor | null
  readonly baseRowId?: number | null
  readonly defaultRowCommitVersion?: number | null
  readonly clusteringProvider?: string | null
}

/** `remove`: a logical file deletion (a tombstone, kept for vacuum). */
export interface Remove {
  readonly path: string
  readonly deletionTimestamp?: number | null
  readonly dataChange: boolean
  readonly extendedFileMetadata?: boolean | null
  readonly partitionValues?: PartitionValues | null
  readonly size?: number | null
  readonly stats?: string | null
  readonly tags?: Readonly<Record<string, string | null>> | null
  readonly deletionVector?: DeletionVectorDescriptor | null
  readonly baseRowId?: number | null
  readonly defaultRowCommitVersion?: number | null
}

/** `cdc`: a change data file of one commit. */
export interface AddCdcFile {
  readonly path: string
  readonly partitionValues: PartitionValues
  readonly size: number
  readonly dataChange: boolean
  readonly tags?: Readonly<Record<string, string | null>> | null
}

/** `metaData`: table metadata. */
export interface Metadata {
  readonly id: string
  readonly name?: string | null
  readonly description?: string | null
  readonly format: { readonly provider: string; readonly options?: Readonly<Record<string, string>> }
  readonly schemaString: string
  readonly partitionColumns: readonly string[]
  readonly createdTime?: number | null
  readonly configuration: Readonly<Record<string, string>>
}

/** `protocol`: reader/writer versions and table features. */
export interface Protocol {
  readonly minReaderVersion: number
  readonly minWriterVersion: number
  readonly readerFeatures?: readonly string[]
  readonly writerFeatures?: readonly string[]
}

/** `txn`: the last version an application committed (idempotent writes). */
export interface Txn {
  readonly appId: string
  readonly version: number
  readonly lastUpdated?: number | null
}

/** `domainMetadata`: configuration of a named metadata domain. */
export interface DomainMetadata {
  readonly domain: string
  readonly configuration: string
  readonly removed: boolean
}

/** `commitInfo`: free-form provenance of a commit. */
export type CommitInfo = Readonly<Record<string, unknown>>

/** `checkpointMetadata`: the header of a V2 checkpoint. */
export interface CheckpointMetadata {
  readonly version: number
  readonly tags?: Readonly<Record<string, string>> | null
}

/** `sidecar`: a file of a V2 checkpoint holding add/remove actions. */
export interface Sidecar {
  readonly path: string
  readonly sizeInBytes: number
  readonly modificationTime: number
  readonly tags?: Readonly<Record<string, string>> | null
}

/** Any action, discriminated by the key it has in the log. */
export type Action =
  | { readonly kind: 'add'; readonly add: Add }
  | { readonly kind: 'remove'; readonly remove: Remove }
  | { readonly kind: 'cdc'; readonly cdc: AddCdcFile }
  | { readonly kind: 'metaData'; readonly metaData: Metadata }
  | { readonly kind: 'protocol'; readonly protocol: Protocol }
  | { readonly kind: 'txn'; readonly txn: Txn }
  | { readonly kind: 'domainMetadata'; readonly domainMetadata: DomainMetadata }
  | { readonly kind: 'commitInfo'; readonly commitInfo: CommitInfo }
  | { readonly kind: 'checkpointMetadata'; readonly checkpointMetadata: CheckpointMetadata }
  | { readonly kind: 'sidecar'; readonly sidecar: Sidecar }

/** The action keys this kernel knows. Other keys on a log line are ignored (forward compatibility). */
export const ACTION_KINDS = [
  'add',
  'remove',
  'cdc',
  'metaData',
  'protocol',
  'txn',
  'domainMetadata',
  'commitInfo',
  'checkpointMetadata',
  'sidecar',
] as const

type Obj = Record<string, unknown>

function fail(where: string, message: string): never {
  throw new InvalidLogError(`${where}: ${message}`)
}

/**
 * A found value for an error message: bounded in length, and safe for hostile values (a deeply
 * nested one makes `JSON.stringify` throw `RangeError`, a huge one would bloat the message).
 */
function shown(v: unknown): string {
  let text: string | undefined
  try {
    text = JSON.stringify(v)
  } catch {
    text = undefined
  }
  if (text === undefined) return Array.isArray(v) ? 'a deeply nested array' : typeof v === 'object' && v !== null ? 'a deeply nested object' : String(v)
  return text.length > 100 ? `${text.slice(0, 100)}...` : text
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function str(o: Obj, key: string, where: string): string {
  const v = o[key]
  if (typeof v !== 'string') fail(where, `field '${key}' must be a string, found ${shown(v)}`)
  return v
}

function optStr(o: Obj, key: string, where: string): string | null | undefined {
  const v = o[key]
  if (v === undefined || v === null) return v
  if (typeof v !== 'string') fail(where, `field '${key}' must be a string, found ${shown(v)}`)
  return v
}

/** Integers in the log are JSON numbers; anything beyond 2^53 cannot be trusted. */
function int(o: Obj, key: string, where: string): number {
  const v = o[key]
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) {
    fail(where, `field '${key}' must be an integer, found ${shown(v)}`)
  }
  return v
}

function nonNegInt(o: Obj, key: string, where: string): number {
  const v = int(o, key, where)
  if (v < 0) fail(where, `field '${key}' must not be negative, found ${v}`)
  return v
}

function optInt(o: Obj, key: string, where: string): number | null | undefined {
  const v = o[key]
  if (v === undefined || v === null) return v
  return int(o, key, where)
}

function bool(o: Obj, key: string, where: string): boolean {
  const v = o[key]
  if (typeof v !== 'boolean') fail(where, `field '${key}' must be a boolean, found ${shown(v)}`)
  return v
}

function optBool(o: Obj, key: string, where: string): boolean | null | undefined {
  const v = o[key]
  if (v === undefined || v === null) return v
  return bool(o, key, where)
}

function stringMap(v: unknown, key: string, where: string, nullable: boolean): Record<string, string | null> {
  if (!isObj(v)) fail(where, `field '${key}' must be an object, found ${shown(v)}`)
  for (const [k, x] of Object.entries(v)) {
    if (typeof x === 'string') continue
    if (x === null && nullable) continue
    fail(where, `field '${key}.${k}' must be a string${nullable ? ' or null' : ''}, found ${shown(x)}`)
  }
  return v as Record<string, string | null>
}

function optStringMap(o: Obj, key: string, where: string): Record<string, string | null> | null | undefined {
  const v = o[key]
  if (v === undefined || v === null) return v
  return stringMap(v, key, where, true)
}

function stringArray(v: unknown, key: string, where: string): string[] {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
    fail(where, `field '${key}' must be an array of strings, found ${shown(v)}`)
  }
  return v as string[]
}

function parseDv(v: unknown, where: string): DeletionVectorDescriptor | null | undefined {
  if (v === undefined || v === null) return v
  if (!isObj(v)) fail(where, `deletionVector must be an object`)
  const w = `${where} deletionVector`
  const storageType = str(v, 'storageType', w)
  if (storageType !== 'u' && storageType !== 'i' && storageType !== 'p') {
    fail(w, `unknown storageType '${storageType}' (expected u, i or p)`)
  }
  const offset = optInt(v, 'offset', w)
  if (offset != null && offset < 0) fail(w, `offset must not be negative, found ${offset}`)
  return {
    storageType,
    pathOrInlineDv: str(v, 'pathOrInlineDv', w),
    ...(offset != null ? { offset } : {}),
    sizeInBytes: nonNegInt(v, 'sizeInBytes', w),
    cardinality: nonNegInt(v, 'cardinality', w),
  }
}

/**
 * Validates an `add` action object in place and returns it typed. No copy is made: replay of a
 * large log validates hundreds of thousands of these, and unknown fields must survive anyway.
 */
export function parseAdd(o: unknown, where: string): Add {
  if (!isObj(o)) fail(where, 'add must be an object')
  const w = `${where} add`
  str(o, 'path', w)
  if (o.partitionValues === undefined || o.partitionValues === null) o.partitionValues = {}
  else stringMap(o.partitionValues, 'partitionValues', w, true)
  nonNegInt(o, 'size', w)
  int(o, 'modificationTime', w)
  bool(o, 'dataChange', w)
  optStr(o, 'stats', w)
  optStringMap(o, 'tags', w)
  if (o.deletionVector != null) o.deletionVector = parseDv(o.deletionVector, w)
  optInt(o, 'baseRowId', w)
  optInt(o, 'defaultRowCommitVersion', w)
  return o as unknown as Add
}

/** Validates a `remove` action object in place and returns it typed. */
export function parseRemove(o: unknown, where: string): Remove {
  if (!isObj(o)) fail(where, 'remove must be an object')
  const w = `${where} remove`
  str(o, 'path', w)
  optInt(o, 'deletionTimestamp', w)
  bool(o, 'dataChange', w)
  optBool(o, 'extendedFileMetadata', w)
  optStringMap(o, 'partitionValues', w)
  const size = optInt(o, 'size', w)
  if (size != null && size < 0) fail(w, `field 'size' must not be negative, found ${size}`)
  optStr(o, 'stats', w)
  if (o.deletionVector != null) o.deletionVector = parseDv(o.deletionVector, w)
  return o as unknown as Remove
}

function parseCdc(o: unknown, where: string): AddCdcFile {
  if (!isObj(o)) fail(where, 'cdc must be an object')
  const w = `${where} cdc`
  return {
    ...(o as object),
    path: str(o, 'path', w),
    partitionValues: stringMap(o.partitionValues ?? {}, 'partitionValues', w, true),
    size: nonNegInt(o, 'size', w),
    dataChange: bool(o, 'dataChange', w),
  }
}

/** Validates a `metaData` action object. */
export function parseMetadata(o: unknown, where: string): Metadata {
  if (!isObj(o)) fail(where, 'metaData must be an object')
  const w = `${where} metaData`
  const format = isObj(o.format) ? o.format : { provider: 'parquet' }
  return {
    ...(o as object),
    id: str(o, 'id', w),
    name: optStr(o, 'name', w),
    description: optStr(o, 'description', w),
    format: {
      provider: typeof format.provider === 'string' ? format.provider : 'parquet',
      options: (isObj(format.options) ? format.options : {}) as Record<string, string>,
    },
    // Some writers (old Spark golden tables, Databricks DLT) emitted metaData without a schema;
    // only the winning metaData needs one, and the snapshot checks that.
    schemaString: o.schemaString === undefined || o.schemaString === null ? '' : str(o, 'schemaString', w),
    partitionColumns: stringArray(o.partitionColumns ?? [], 'partitionColumns', w),
    createdTime: optInt(o, 'createdTime', w),
    // Writers have emitted null configuration values; they mean "not set".
    configuration: Object.fromEntries(
      Object.entries(stringMap(o.configuration ?? {}, 'configuration', w, true)).filter(
        (e): e is [string, string] => e[1] !== null,
      ),
    ),
  }
}

/** Validates a `protocol` action object. */
export function parseProtocol(o: unknown, where: string): Protocol {
  if (!isObj(o)) fail(where, 'protocol must be an object')
  const w = `${where} protocol`
  const p: Protocol = {
    minReaderVersion: nonNegInt(o, 'minReaderVersion', w),
    minWriterVersion: nonNegInt(o, 'minWriterVersion', w),
    ...(o.readerFeatures != null ? { readerFeatures: stringArray(o.readerFeatures, 'readerFeatures', w) } : {}),
    ...(o.writerFeatures != null ? { writerFeatures: stringArray(o.writerFeatures, 'writerFeatures', w) } : {}),
  }
  return p
}

function parseTxn(o: unknown, where: string): Txn {
  if (!isObj(o)) fail(where, 'txn must be an object')
  const w = `${where} txn`
  return { appId: str(o, 'appId', w), version: int(o, 'version', w), lastUpdated: optInt(o, 'lastUpdated', w) }
}

function parseDomainMetadata(o: unknown, where: string): DomainMetadata {
  if (!isObj(o)) fail(where, 'domainMetadata must be an object')
  const w = `${where} domainMetadata`
  return { domain: str(o, 'domain', w), configuration: str(o, 'configuration', w), removed: bool(o, 'removed', w) }
}

function parseCheckpointMetadata(o: unknown, where: string): CheckpointMetadata {
  if (!isObj(o)) fail(where, 'checkpointMetadata must be an object')
  const w = `${where} checkpointMetadata`
  return { version: nonNegInt(o, 'version', w), tags: optStringMap(o, 'tags', w) as Record<string, string> | null }
}

function parseSidecar(o: unknown, where: string): Sidecar {
  if (!isObj(o)) fail(where, 'sidecar must be an object')
  const w = `${where} sidecar`
  return {
    path: str(o, 'path', w),
    sizeInBytes: nonNegInt(o, 'sizeInBytes', w),
    modificationTime: int(o, 'modificationTime', w),
    tags: optStringMap(o, 'tags', w) as Record<string, string> | null,
  }
}

/**
 * Validates one parsed log line and returns the actions it holds (normally one). Keys that are
 * not actions this kernel knows are ignored: new actions arrive with table features, which the
 * protocol gate has already checked.
 */
export function parseActionLine(line: unknown, where: string): Action[] {
  if (!isObj(line)) fail(where, `a log line must be a JSON object, found ${shown(line)}`)
  const out: Action[] = []
  for (const key in line) {
    const v = line[key]
    switch (key) {
      case 'add':
        out.push({ kind: 'add', add: parseAdd(v, where) })
        break
      case 'remove':
        out.push({ kind: 'remove', remove: parseRemove(v, where) })
        break
      case 'cdc':
        out.push({ kind: 'cdc', cdc: parseCdc(v, where) })
        break
      case 'metaData':
        out.push({ kind: 'metaData', metaData: parseMetadata(v, where) })
        break
      case 'protocol':
        out.push({ kind: 'protocol', protocol: parseProtocol(v, where) })
        break
      case 'txn':
        out.push({ kind: 'txn', txn: parseTxn(v, where) })
        break
      case 'domainMetadata':
        out.push({ kind: 'domainMetadata', domainMetadata: parseDomainMetadata(v, where) })
        break
      case 'commitInfo':
        if (!isObj(v)) fail(where, 'commitInfo must be an object')
        out.push({ kind: 'commitInfo', commitInfo: v })
        break
      case 'checkpointMetadata':
        out.push({ kind: 'checkpointMetadata', checkpointMetadata: parseCheckpointMetadata(v, where) })
        break
      case 'sidecar':
        out.push({ kind: 'sidecar', sidecar: parseSidecar(v, where) })
        break
      default:
        break
    }
  }
  return out
}

/** Serialises actions as the newline-delimited JSON of a commit file. */
export function serializeActions(actions: readonly Action[]): string {
  let out = ''
  for (const a of actions) {
    out += JSON.stringify({ [a.kind]: (a as unknown as Record<string, unknown>)[a.kind] }) + '\n'
  }
  return out
}
