/**
 * Which sidecar files a set of checkpoints references, read from the checkpoint files alone
 * (only their `sidecar` column), so cleanup can tell live sidecars from orphans.
 *
 * @packageDocumentation
 */
import type { Engine } from '../engine/engine.js'
import { throwIfAborted } from '../errors.js'
import type { DataType, StructType } from '../protocol/schema-types.js'
import { readLogFile } from './commit-read.js'
import { type LogFile, logDir } from './log-files.js'

const STRING: DataType = { type: 'string' }
const SIDECAR_PATH_ONLY: StructType = {
  type: 'struct',
  fields: [{ name: 'sidecar', nullable: true, metadata: {}, type: { type: 'struct', fields: [{ name: 'path', type: STRING, nullable: true, metadata: {} }] } }],
}

/** The absolute location of a sidecar path as a checkpoint stores it (usually just a file name). */
export function sidecarLocation(tableRoot: string, path: string): string {
  return /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(path) ? path : new URL(path, `${logDir(tableRoot)}_sidecars/`).href
}

/** Locations of every sidecar referenced by `checkpoints` (checkpoint files from a listing). */
export async function referencedSidecars(
  engine: Engine,
  tableRoot: string,
  checkpoints: readonly LogFile[],
  signal?: AbortSignal,
): Promise<Set<string>> {
  const out = new Set<string>()
  for (const file of checkpoints) {
    throwIfAborted(signal)
    if (file.kind.type !== 'checkpoint' || file.kind.layout === 'multipart') continue
    if (file.kind.layout === 'uuid' && file.kind.format === 'json') {
      for (const a of await readLogFile(engine, file.location, signal)) {
        if (a.kind === 'sidecar') out.add(sidecarLocation(tableRoot, a.sidecar.path))
      }
      continue
    }
    for await (const { batch } of engine.parquet.read(file, { schema: SIDECAR_PATH_ONLY, signal })) {
      const paths = batch.getChild('sidecar')?.getChild('path')
      if (!paths) continue
      for (let i = 0; i < batch.numRows; i++) {
        const p: unknown = paths.get(i)
        if (typeof p === 'string') out.add(sidecarLocation(tableRoot, p))
      }
    }
  }
  return out
}
