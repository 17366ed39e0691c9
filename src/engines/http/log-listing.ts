/**
 * Listing `_delta_log/` where the server cannot list (static hosting, a CDN, object-store
 * website endpoints): the file names are derived instead of listed.
 *
 * 1. Read `_delta_log/_last_checkpoint`. With a hint, its checkpoint is checked with HEAD and
 *    yielded: the V2 file the hint names (`v2Checkpoint.path`), else the `parts` files of a
 *    multi-part checkpoint, else the classic `N.checkpoint.parquet`.
 * 2. Probe commits `N.json` forward with HEAD, a few at a time, from the version `startAfter`
 *    names (else from the hinted checkpoint, else from 0), until the first one that is missing.
 *
 * Limits (what a real listing would find and this does not):
 * - no UUID-named V2 checkpoint without a hint naming it, and no checkpoint other than the hinted
 *   one: a stale `_last_checkpoint` means replay from the hinted checkpoint plus the commits after it;
 * - without `startAfter`, nothing before the hinted checkpoint: history and time travel to older
 *   versions over HTTP need a table whose commits start at the checkpoint or at 0 without one;
 * - a table without `_last_checkpoint` whose early commits were cleaned up looks empty;
 * - no `.crc`, log compaction or sidecar files (sidecars are read by name from the checkpoint);
 * - a commit being written while the probe runs may be missed; the next listing finds it.
 * Cost: one GET for the hint, one HEAD per checkpoint file, one HEAD per commit plus up to
 * `concurrency` HEADs past the last one.
 *
 * Runtime-neutral: no `node:*` imports.
 *
 * @packageDocumentation
 */
import type { FileMeta } from '../../engine/file-system.js'
import { FileNotFoundError, throwIfAborted } from '../../errors.js'
import { compareUtf8 } from '../utf8-order.js'

/** What the listing needs from the engine. */
export interface LogProbe {
  /** `head` of a location; `FileNotFoundError` when missing. */
  head(location: string, signal?: AbortSignal): Promise<FileMeta>
  /** The bytes of `_last_checkpoint`, or undefined if it is missing. */
  readHint(location: string, signal?: AbortSignal): Promise<Uint8Array | undefined>
}

interface Hint {
  readonly version: number
  readonly parts?: number
  readonly v2Path?: string
}

const pad = (n: number, width: number) => String(n).padStart(width, '0')

/** The `_delta_log/` listing of `dir` (ending in `/_delta_log/`), unsorted and unfiltered. */
export async function listLogByProbing(
  dir: string,
  probe: LogProbe,
  options: { startAfter?: string; signal?: AbortSignal; concurrency: number },
): Promise<FileMeta[]> {
  const { signal } = options
  const hint = parseHint(await probe.readHint(dir + '_last_checkpoint', signal))
  const after = versionNamed(dir, options.startAfter)
  if (after === 'none') return []
  const start = after ?? hint?.version ?? 0
  const found: FileMeta[] = []
  if (hint && hint.version >= start) found.push(...(await checkpointFiles(dir, hint, probe, signal)))
  // The hinted version existed (a checkpoint was written for it) even if its own commit has been
  // cleaned up since: probe past that one gap, so later commits are still found.
  const skipMissingFirst = hint !== undefined && start === hint.version
  found.push(...(await probeCommits(dir, start, skipMissingFirst, probe, options.concurrency, signal)))
  return found
}

/** The version whose files can follow `startAfter`: undefined for "from the start", 'none' for "nothing". */
function versionNamed(dir: string, startAfter: string | undefined): number | undefined | 'none' {
  if (startAfter === undefined) return undefined
  if (!startAfter.startsWith(dir)) return compareUtf8(startAfter, dir) < 0 ? undefined : 'none'
  const digits = /^\d{20}/.exec(startAfter.slice(dir.length))?.[0]
  if (digits === undefined) return startAfter.length === dir.length ? undefined : 'none'
  return Number(digits)
}

async function checkpointFiles(dir: string, hint: Hint, probe: LogProbe, signal?: AbortSignal): Promise<FileMeta[]> {
  const v = pad(hint.version, 20)
  const names =
    hint.v2Path !== undefined
      ? [hint.v2Path]
      : hint.parts !== undefined && hint.parts > 1
        ? Array.from({ length: hint.parts }, (_, i) => `${v}.checkpoint.${pad(i + 1, 10)}.${pad(hint.parts!, 10)}.parquet`)
        : [`${v}.checkpoint.parquet`]
  const metas = await Promise.all(names.map((n) => headOrUndefined(probe, dir + encodeURIComponent(n), signal)))
  // A partial set is no checkpoint: leave it out, as a real listing would leave the kernel to choose.
  return metas.every((m) => m !== undefined) ? (metas as FileMeta[]) : []
}

async function probeCommits(
  dir: string,
  start: number,
  skipMissingFirst: boolean,
  probe: LogProbe,
  concurrency: number,
  signal?: AbortSignal,
): Promise<FileMeta[]> {
  const out: FileMeta[] = []
  for (let v = start; ; v += concurrency) {
    throwIfAborted(signal)
    const window = Array.from({ length: concurrency }, (_, i) => v + i)
    const metas = await Promise.all(window.map((n) => headOrUndefined(probe, `${dir}${pad(n, 20)}.json`, signal)))
    for (let i = 0; i < metas.length; i++) {
      const m = metas[i]
      if (m === undefined) {
        if (skipMissingFirst && window[i] === start) continue
        return out
      }
      out.push(m)
    }
  }
}

async function headOrUndefined(probe: LogProbe, location: string, signal?: AbortSignal): Promise<FileMeta | undefined> {
  try {
    return await probe.head(location, signal)
  } catch (e) {
    if (e instanceof FileNotFoundError) return undefined
    throw e
  }
}

/** The hint's version, parts and V2 file name; undefined when it is unusable (as the kernel treats it). */
function parseHint(bytes: Uint8Array | undefined): Hint | undefined {
  if (bytes === undefined) return undefined
  let o: unknown
  try {
    o = JSON.parse(new TextDecoder().decode(bytes))
  } catch {
    return undefined
  }
  if (typeof o !== 'object' || o === null) return undefined
  const r = o as Record<string, unknown>
  if (typeof r.version !== 'number' || !Number.isSafeInteger(r.version) || r.version < 0) return undefined
  const parts = typeof r.parts === 'number' && Number.isSafeInteger(r.parts) && r.parts > 0 ? r.parts : undefined
  const v2 = r.v2Checkpoint as { path?: unknown } | undefined
  // Only a bare file name in _delta_log: a hint must not send the reader elsewhere.
  const v2Path = typeof v2?.path === 'string' && /^[^/\\]+$/.test(v2.path) ? v2.path : undefined
  return { version: r.version, ...(parts !== undefined ? { parts } : {}), ...(v2Path !== undefined ? { v2Path } : {}) }
}
