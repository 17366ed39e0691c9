/**
 * Log compaction files (PROTOCOL.md "Log Compaction Files"): `x.y.compacted.json` holds the
 * reconciled actions of commits x..y, so a reader can apply one file instead of y - x + 1. Unlike a
 * checkpoint it is a delta on top of version x - 1: removes stay (they cancel files added before
 * x), and so do domain tombstones (`removed: true`), which suppress domains set before x.
 *
 * @packageDocumentation
 */
import { InvalidArgumentError, throwIfAborted } from '../errors.js'
import { dvUniqueId } from '../protocol/deletion-vector.js'
import type { Action } from '../protocol/actions.js'
import type { Table } from '../table.js'
import { readCommitActions } from './commit-read.js'
import { logDir, padVersion } from './log-files.js'

/** The reconciled actions of consecutive commits, in the order given (oldest first). */
export function compactActions(commits: readonly (readonly Action[])[]): Action[] {
  const files = new Map<string, Action>()
  const txns = new Map<string, Action>()
  const domains = new Map<string, Action>()
  let protocol: Action | undefined
  let metadata: Action | undefined
  for (const actions of commits) {
    for (const a of actions) {
      switch (a.kind) {
        case 'add':
        case 'remove': {
          const f = a.kind === 'add' ? a.add : a.remove
          const key = f.deletionVector ? `${f.path}\u0000${dvUniqueId(f.deletionVector)}` : f.path
          // Map order is insertion order: re-insert so the newest action's position wins too.
          files.delete(key)
          files.set(key, a)
          break
        }
        case 'txn':
          txns.set(a.txn.appId, a)
          break
        case 'domainMetadata':
          domains.set(a.domainMetadata.domain, a)
          break
        case 'protocol':
          protocol = a
          break
        case 'metaData':
          metadata = a
          break
        default:
          // commitInfo and cdc belong to single commits; checkpoint-only actions never occur here.
          break
      }
    }
  }
  return [...(protocol ? [protocol] : []), ...(metadata ? [metadata] : []), ...txns.values(), ...domains.values(), ...files.values()]
}

/**
 * Writes `start.end.compacted.json` for commits `start`..`end` of `table` (end > start, both
 * committed). Returns its location. The file is written in one put; a compaction of the same
 * range is deterministic, so a concurrent writer of the same file writes the same bytes.
 */
export async function writeCompaction(table: Table, start: number, end: number, options: { signal?: AbortSignal } = {}): Promise<string> {
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end <= start) {
    throw new InvalidArgumentError(`compaction range must have 0 <= start < end, got [${start}, ${end}]`)
  }
  const commits: Action[][] = []
  for (let v = start; v <= end; v++) {
    throwIfAborted(options.signal)
    commits.push(await readCommitActions(table.engine, table.root, v, options))
  }
  let text = ''
  for (const a of compactActions(commits)) text += `${JSON.stringify({ [a.kind]: (a as unknown as Record<string, unknown>)[a.kind] })}\n`
  const location = `${logDir(table.root)}${padVersion(start)}.${padVersion(end)}.compacted.json`
  await table.engine.fileSystem.put(location, new TextEncoder().encode(text), { signal: options.signal })
  return location
}
