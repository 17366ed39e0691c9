/**
 * Writing the files of one checkpoint: a classic `N.checkpoint.parquet`, or a V2-spec UUID-named
 * `N.checkpoint.<uuid>.{parquet,json}` whose file actions live in sidecars under
 * `_delta_log/_sidecars/`. Each file appears in one `put` (the engines make a put atomic), and a
 * V2 checkpoint is written only after all its sidecars, so no reader ever sees a partial one.
 *
 * @packageDocumentation
 */
import type { Engine } from '../engine/engine.js'
import { throwIfAborted } from '../errors.js'
import type { Sidecar } from '../protocol/actions.js'
import { actionCount, type CheckpointContent } from './checkpoint-content.js'
import { type CheckpointRow, checkpointBatches } from './checkpoint-rows.js'
import { type CheckpointLayoutOptions, checkpointWriteSchema, sidecarWriteSchema } from './checkpoint-write-schema.js'
import { classicCheckpointFileName, logDir, padVersion } from './log-files.js'

/** What was written for one checkpoint. */
export interface WrittenCheckpoint {
  /** The checkpoint file (the one a listing finds). */
  readonly location: string
  /** Sidecar files it references (V2 only), absolute locations. */
  readonly sidecars: readonly string[]
  /** Actions in the checkpoint, sidecar rows and file actions in sidecars included. */
  readonly size: number
  /** Bytes of the checkpoint file plus its sidecars. */
  readonly sizeInBytes: number
  readonly numOfAddFiles: number
}

/** How to write a V2-spec checkpoint. */
export interface V2CheckpointOptions {
  /** File format of the UUID-named checkpoint file. Default `parquet`. */
  readonly format?: 'parquet' | 'json'
  /** Put file actions in sidecars (default true) rather than in the checkpoint file. */
  readonly sidecars?: boolean
  /** File actions per sidecar file. Default 1,000,000. */
  readonly actionsPerSidecar?: number
}

/** A random RFC 4122 version 4 UUID, from the platform's `crypto` when it has one. */
export function randomUuid(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto
  if (c?.randomUUID) return c.randomUUID()
  const hex = Array.from({ length: 32 }, () => Math.floor(Math.random() * 16).toString(16))
  hex[12] = '4'
  hex[16] = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)
  const s = hex.join('')
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`
}

function nonFileRows(c: CheckpointContent): CheckpointRow[] {
  return [
    { protocol: c.protocol },
    { metaData: c.metadata },
    ...c.txns.map((txn) => ({ txn })),
    ...c.domains.map((domainMetadata) => ({ domainMetadata })),
  ]
}

function fileRows(c: CheckpointContent): CheckpointRow[] {
  return [...c.adds.map((add) => ({ add })), ...c.removes.map((remove) => ({ remove }))]
}

/** Writes a classic (V1-spec) single-file checkpoint. */
export async function writeClassicCheckpoint(
  engine: Engine,
  tableRoot: string,
  content: CheckpointContent,
  layout: CheckpointLayoutOptions,
  signal?: AbortSignal,
): Promise<WrittenCheckpoint> {
  const location = logDir(tableRoot) + classicCheckpointFileName(content.version)
  const schema = checkpointWriteSchema(layout)
  const rows = [...nonFileRows(content), ...fileRows(content)]
  const written = await engine.parquet.write(location, checkpointBatches(rows, schema), { schema, signal })
  return { location, sidecars: [], size: rows.length, sizeInBytes: written.size, numOfAddFiles: content.adds.length }
}

async function writeSidecars(
  engine: Engine,
  tableRoot: string,
  rows: readonly CheckpointRow[],
  layout: CheckpointLayoutOptions,
  perFile: number,
  signal?: AbortSignal,
): Promise<{ actions: Sidecar[]; locations: string[]; bytes: number }> {
  const dir = `${logDir(tableRoot)}_sidecars/`
  const schema = sidecarWriteSchema(layout)
  const actions: Sidecar[] = []
  const locations: string[] = []
  let bytes = 0
  for (let start = 0; start < rows.length; start += perFile) {
    throwIfAborted(signal)
    const name = `${randomUuid()}.parquet`
    const written = await engine.parquet.write(dir + name, checkpointBatches(rows.slice(start, start + perFile), schema), { schema, signal })
    const meta = await engine.fileSystem.head(written.location, { signal })
    // The spec encourages storing only the file name: sidecars always live in _sidecars/.
    actions.push({ path: name, sizeInBytes: written.size, modificationTime: meta.lastModified, tags: {} })
    locations.push(written.location)
    bytes += written.size
  }
  return { actions, locations, bytes }
}

/** NDJSON of checkpoint rows: each action object exactly as the log spells it. */
function rowsToJson(rows: readonly CheckpointRow[]): string {
  let out = ''
  for (const row of rows) out += `${JSON.stringify(row)}\n`
  return out
}

/** Writes a V2-spec UUID-named checkpoint (with sidecars unless turned off). */
export async function writeV2Checkpoint(
  engine: Engine,
  tableRoot: string,
  content: CheckpointContent,
  layout: CheckpointLayoutOptions,
  options: V2CheckpointOptions = {},
  signal?: AbortSignal,
): Promise<WrittenCheckpoint> {
  const format = options.format ?? 'parquet'
  const files = fileRows(content)
  const useSidecars = (options.sidecars ?? true) && files.length > 0
  const side = useSidecars
    ? await writeSidecars(engine, tableRoot, files, layout, Math.max(1, options.actionsPerSidecar ?? 1_000_000), signal)
    : { actions: [], locations: [], bytes: 0 }
  const rows: CheckpointRow[] = [
    { checkpointMetadata: { version: content.version, tags: {} } },
    ...nonFileRows(content),
    ...(useSidecars ? side.actions.map((sidecar) => ({ sidecar })) : files),
  ]
  const location = `${logDir(tableRoot)}${padVersion(content.version)}.checkpoint.${randomUuid()}.${format}`
  let bytes: number
  if (format === 'json') {
    const data = new TextEncoder().encode(rowsToJson(rows))
    await engine.fileSystem.put(location, data, { signal })
    bytes = data.length
  } else {
    const schema = checkpointWriteSchema({ ...layout, v2: true })
    bytes = (await engine.parquet.write(location, checkpointBatches(rows, schema), { schema, signal })).size
  }
  const size = actionCount(content) + 1 + (useSidecars ? side.actions.length : 0)
  return { location, sidecars: side.locations, size, sizeInBytes: bytes + side.bytes, numOfAddFiles: content.adds.length }
}
