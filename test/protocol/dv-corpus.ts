/**
 * Test helper: every deletion-vector descriptor found in the JSON commits of the corpus tables,
 * with the file action that carries it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { DeletionVectorDescriptor } from '../../src/protocol/actions.js'

export const CORPORA = process.env.DELTA_CORPORA ?? join(import.meta.dirname, '../../../shared/corpora')

/** One DV descriptor of the corpus. */
export interface CorpusDv {
  /** Table root directory (local path). */
  readonly tableDir: string
  /** `<table>/<commit file>` for messages. */
  readonly where: string
  readonly action: 'add' | 'remove'
  /** Data file path as in the log. */
  readonly path: string
  readonly dv: DeletionVectorDescriptor
  /** `stats.numRecords` of the add, when present. */
  readonly numRecords?: number
}

/** Table root directories (golden tables keep theirs under `delta/`). */
export function corpusTables(): string[] {
  const out: string[] = []
  for (const group of ['golden', 'kernel-rs', 'delta-rs']) {
    const dir = join(CORPORA, group)
    if (!existsSync(dir)) continue
    for (const name of readdirSync(dir)) {
      const root = existsSync(join(dir, name, 'delta', '_delta_log')) ? join(dir, name, 'delta') : join(dir, name)
      if (existsSync(join(root, '_delta_log'))) out.push(root)
    }
  }
  return out
}

/** Every DV descriptor in the table's JSON commits, in commit order. */
export function tableDvs(tableDir: string): CorpusDv[] {
  const out: CorpusDv[] = []
  const log = join(tableDir, '_delta_log')
  for (const file of readdirSync(log).filter((f) => /^\d{20}\.json$/.test(f)).sort()) {
    for (const line of readFileSync(join(log, file), 'utf8').split('\n')) {
      if (!line.trim()) continue
      const action = JSON.parse(line) as Record<string, { path: string; stats?: string; deletionVector?: Record<string, unknown> | null }>
      for (const kind of ['add', 'remove'] as const) {
        const a = action[kind]
        if (!a?.deletionVector) continue
        const raw = a.deletionVector
        const dv: DeletionVectorDescriptor = {
          storageType: raw.storageType as 'u' | 'i' | 'p',
          pathOrInlineDv: raw.pathOrInlineDv as string,
          ...(raw.offset != null ? { offset: raw.offset as number } : {}),
          sizeInBytes: raw.sizeInBytes as number,
          cardinality: raw.cardinality as number,
        }
        const numRecords = a.stats ? (JSON.parse(a.stats) as { numRecords?: number }).numRecords : undefined
        out.push({ tableDir, where: `${tableDir.slice(CORPORA.length + 1)}/${file}`, action: kind, path: a.path, dv, ...(numRecords != null ? { numRecords } : {}) })
      }
    }
  }
  return out
}
