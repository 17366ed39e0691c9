/**
 * A one-time check that a store's put-if-absent really refuses to overwrite: S3-compatible
 * servers that ignore `If-None-Match: *` (older MinIO and Ceph releases, s3rver, some gateways)
 * answer a conditional PUT of an existing key with success and overwrite it, which would let two
 * writers both "win" the same table version.
 *
 * The probe writes `_delta_log/.put-if-absent-probe-<uuid>` twice with put-if-absent (the second
 * must report `exists` and leave the first content) and deletes it. Log listing ignores the name
 * (it is no Delta log file name), so a probe that a crash leaves behind is harmless.
 *
 * Runtime-neutral: no `node:*` imports.
 *
 * @packageDocumentation
 */
import { throwIfAborted } from '../errors.js'
import type { FileSystem, FileSystemCapabilities } from './file-system.js'

/**
 * Capabilities of a store whose put-if-absent relies on the server honouring conditional
 * writes. `verifyPutIfAbsent: true` asks the commit path to run {@link verifyPutIfAbsent} once
 * before the first commit. Default false (the local and in-memory engines make their own
 * guarantee).
 */
export interface VerifiableCapabilities extends FileSystemCapabilities {
  readonly verifyPutIfAbsent?: boolean
}

/** File name prefix of probe objects in `_delta_log/`. */
export const probeLocationPrefix = '.put-if-absent-probe-'

// Per store object: a store is one bucket or account, whatever table it holds.
const verdicts = new WeakMap<FileSystem, Promise<boolean>>()

/** Options of {@link verifyPutIfAbsent}. */
export interface VerifyPutIfAbsentOptions {
  readonly signal?: AbortSignal
  /** Probe again even if this store was checked before. */
  readonly force?: boolean
}

/**
 * Whether `fs.putIfAbsent` refuses to overwrite, probed once under `tableRoot` (a URL ending in
 * `/`) and cached per `fs` object. I/O: two puts, one read, one delete, the first time only.
 * Storage failures propagate (and are not cached), so an unreachable store is never reported as
 * one without conditional writes.
 */
export function verifyPutIfAbsent(fs: FileSystem, tableRoot: string, options: VerifyPutIfAbsentOptions = {}): Promise<boolean> {
  const cached = options.force ? undefined : verdicts.get(fs)
  if (cached) return cached
  const verdict = probe(fs, tableRoot, options.signal)
  verdicts.set(fs, verdict)
  verdict.catch(() => {
    if (verdicts.get(fs) === verdict) verdicts.delete(fs)
  })
  return verdict
}

async function probe(fs: FileSystem, tableRoot: string, signal: AbortSignal | undefined): Promise<boolean> {
  throwIfAborted(signal)
  // tableRoot ends in '/'; '_delta_log/' is where commits go, so that is where the probe must work.
  const location = `${tableRoot}_delta_log/${probeLocationPrefix}${randomId()}`
  const first = new TextEncoder().encode(`put-if-absent probe ${location} (first)`)
  const second = new TextEncoder().encode(`put-if-absent probe ${location} (second, must be refused)`)
  const created = await fs.putIfAbsent(location, first, { signal })
  try {
    // A fresh random name reported as existing: the store's answers cannot be trusted either way.
    if (created.status !== 'created') return false
    if ((await fs.putIfAbsent(location, second, { signal })).status !== 'exists') return false
    return sameBytes(await fs.read(location, { signal }), first)
  } finally {
    await fs.delete(location).catch(() => undefined)
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}

function randomId(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto
  if (c?.randomUUID) return c.randomUUID()
  return Array.from({ length: 4 }, () => Math.floor(Math.random() * 2 ** 32).toString(16).padStart(8, '0')).join('')
}
