/**
 * `_delta_log/_last_checkpoint` (PROTOCOL.md "Last Checkpoint File"). Readers treat it as a hint
 * only: a missing, corrupt or stale file makes the kernel list the log from the start instead,
 * never fail the read.
 *
 * @packageDocumentation
 */
import type { Engine } from '../engine/engine.js'
import { AbortedError, DeltaError } from '../errors.js'
import { logDir } from './log-files.js'

/** The fields of `_last_checkpoint` the reader uses. */
export interface LastCheckpointHint {
  readonly version: number
  readonly size?: number
  readonly parts?: number
  readonly sizeInBytes?: number
  readonly numOfAddFiles?: number
}

/** Reads the hint; undefined when it is absent or unusable (the caller then lists the whole log). */
export async function readLastCheckpoint(
  engine: Engine,
  tableRoot: string,
  signal?: AbortSignal,
): Promise<LastCheckpointHint | undefined> {
  let bytes: Uint8Array
  try {
    bytes = await engine.fileSystem.read(`${logDir(tableRoot)}_last_checkpoint`, { signal })
  } catch (e) {
    if (e instanceof AbortedError) throw e
    if (e instanceof DeltaError) return undefined
    throw e
  }
  try {
    const o: unknown = JSON.parse(new TextDecoder().decode(bytes))
    if (typeof o !== 'object' || o === null) return undefined
    const v = (o as Record<string, unknown>).version
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) return undefined
    const parts = (o as Record<string, unknown>).parts
    return {
      version: v,
      ...(typeof parts === 'number' && Number.isSafeInteger(parts) && parts > 0 ? { parts } : {}),
    }
  } catch {
    return undefined
  }
}
