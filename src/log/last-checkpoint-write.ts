/**
 * Writing `_delta_log/_last_checkpoint` (PROTOCOL.md "Last Checkpoint File Schema") with the
 * spec's JSON `checksum`, after a checkpoint is complete. The file is only a hint, so a writer that
 * loses a race never fails; it just must not move the hint backwards.
 *
 * @packageDocumentation
 */
import type { Engine } from '../engine/engine.js'
import { jsonChecksum } from './json-checksum.js'
import { readLastCheckpoint } from './last-checkpoint.js'
import { logDir } from './log-files.js'

/** The fields this kernel writes to `_last_checkpoint`. */
export interface LastCheckpointInfo {
  /** Version of the checkpoint. */
  readonly version: number
  /** Number of actions in the checkpoint (sidecar rows included). */
  readonly size: number
  /** Number of parts of a multi-part checkpoint; absent otherwise. */
  readonly parts?: number
  /** Bytes of the checkpoint (its files and sidecars together). */
  readonly sizeInBytes: number
  /** Number of `add` actions in the checkpoint. */
  readonly numOfAddFiles: number
  readonly tags?: Readonly<Record<string, string>>
}

/** The JSON text of `_last_checkpoint` for `info`, `checksum` included. */
export function lastCheckpointJson(info: LastCheckpointInfo): string {
  const body: Record<string, unknown> = {
    version: info.version,
    size: info.size,
    ...(info.parts !== undefined ? { parts: info.parts } : {}),
    sizeInBytes: info.sizeInBytes,
    numOfAddFiles: info.numOfAddFiles,
    ...(info.tags !== undefined ? { tags: info.tags } : {}),
  }
  return JSON.stringify({ ...body, checksum: jsonChecksum(body) })
}

/**
 * Points `_last_checkpoint` at `info.version`, unless it already points at a newer checkpoint
 * (a concurrent writer got further; overwriting would send readers to an older start).
 * Returns whether the file was written.
 */
export async function writeLastCheckpoint(
  engine: Engine,
  tableRoot: string,
  info: LastCheckpointInfo,
  options: { signal?: AbortSignal } = {},
): Promise<boolean> {
  const current = await readLastCheckpoint(engine, tableRoot, options.signal)
  if (current && current.version > info.version) return false
  const bytes = new TextEncoder().encode(lastCheckpointJson(info))
  await engine.fileSystem.put(`${logDir(tableRoot)}_last_checkpoint`, bytes, { signal: options.signal })
  return true
}
