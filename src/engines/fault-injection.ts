/**
 * A fault-injecting {@link FileSystem} wrapper for reliability tests: wraps any file system and,
 * following a plan, fails or delays chosen calls, tears writes (leaves a prefix of the bytes),
 * holds writes back (acknowledged but not yet durable, so later writes can land first), lags
 * listings behind writes (eventually consistent stores), and simulates the process stopping at a
 * named point ({@link CrashError}). It also records every call, so a test can assert which
 * locations were touched.
 *
 * Crashes are injected at the storage level ("crash on the first put whose key matches
 * /checkpoint/"), so the kernel needs no test hooks. After a crash the wrapper is dead: every
 * further call rejects with the same `CrashError`, as a stopped process makes no more I/O. Tests
 * then reopen the table through the wrapped (inner) file system, which plays the disk.
 *
 * Runtime-neutral: no `node:*` imports.
 *
 * @packageDocumentation
 */
import type { FileMeta, FileSystem, IoOptions, ListOptions, PutIfAbsentResult } from '../engine/file-system.js'
import { FileNotFoundError, StorageError } from '../errors.js'
import { compareUtf8 } from './utf8-order.js'
import { abortableSleep } from '../sleep.js'

/** The operations of a {@link FileSystem}. */
export type FsOperation = 'list' | 'read' | 'readRange' | 'head' | 'putIfAbsent' | 'put' | 'delete'

/** Write operations: the ones a tear, a hold or a lost acknowledgement applies to. */
const WRITES: ReadonlySet<FsOperation> = new Set(['put', 'putIfAbsent'])

/**
 * The simulated process stopped. Deliberately not a `DeltaError`: kernel code that maps storage
 * failures to typed errors must not turn a crash into something a caller would handle and go on.
 */
export class CrashError extends Error {
  /** The name of the crash point, from the fault that fired. */
  readonly point: string
  constructor(point: string, message?: string) {
    super(message ?? `simulated crash at '${point}'`)
    this.name = 'CrashError'
    this.point = point
  }
}

/** What happens to a call a rule selects. */
export type Fault =
  /**
   * Throw a `StorageError`. `when: 'after'` (writes and deletes only) performs the operation first:
   * the store did it but the acknowledgement was lost.
   */
  | { readonly kind: 'fail'; readonly when?: 'before' | 'after'; readonly message?: string }
  /** Throw `FileNotFoundError` without calling the store (reads, heads). */
  | { readonly kind: 'notFound' }
  /** Wait `ms` before calling the store; the wait ends early with `AbortedError` if the call's signal fires. */
  | { readonly kind: 'delay'; readonly ms: number }
  /** Stop the process: `when: 'before'` (default) the call has no effect; `'after'` it lands, then the crash. */
  | { readonly kind: 'crash'; readonly point: string; readonly when?: 'before' | 'after' }
  /**
   * Writes only: store just the first `keep` bytes (default half), then crash (default, at
   * `point`) or fail with a `StorageError`. Models stores without atomic puts.
   */
  | { readonly kind: 'tear'; readonly keep?: number; readonly then?: 'crash' | 'fail'; readonly point?: string }
  /**
   * Writes only: acknowledge the write but keep it in a volatile cache (visible to this wrapper's
   * reads and listings, absent from the inner store) until {@link FaultController.releaseHeld}. A
   * crash loses held writes, so writes issued later can become durable first (reordering).
   */
  | { readonly kind: 'hold' }

/** Selects calls and the fault to inject into them. */
export interface FaultRule {
  /** A label for reports; default derived from the fault. */
  readonly name?: string
  /** Operations the rule applies to; default all. */
  readonly ops?: FsOperation | readonly FsOperation[]
  /** Locations the rule applies to (substring, pattern or predicate); default all. For `list`, the directory. */
  readonly match?: string | RegExp | ((location: string) => boolean)
  /** Fire on the `nth` matching call only (1-based, counted per rule). */
  readonly nth?: number
  /** Fire at most this many times; default once when `nth` is set, else unlimited. */
  readonly times?: number
  readonly fault: Fault
}

/** Newly written keys stay out of listings for `calls` list calls (eventual consistency). */
export interface ListLag {
  readonly calls: number
  /** Only keys matching this lag; default all. */
  readonly match?: string | RegExp | ((location: string) => boolean)
}

/** The plan a {@link withFaults} wrapper follows. */
export interface FaultPlan {
  readonly rules?: readonly FaultRule[]
  readonly listLag?: ListLag
  /** Called before every call, after the call is recorded (tests use it to abort mid-way). */
  readonly onCall?: (call: FsCall) => void
}

/** One recorded call. */
export interface FsCall {
  /** Position among all calls of this wrapper, from 1. */
  readonly seq: number
  readonly op: FsOperation
  /** The location (for `list`, the directory). */
  readonly location: string
}

/** One fault that fired. */
export interface InjectedFault {
  readonly rule: string
  readonly call: FsCall
  readonly fault: Fault['kind']
}

/** Inspects and steers a {@link withFaults} wrapper. */
export interface FaultController {
  /** Every call made, in order. */
  readonly calls: readonly FsCall[]
  /** Every fault that fired, in order. */
  readonly injected: readonly InjectedFault[]
  /** The crash, once one happened. */
  readonly crashed: CrashError | undefined
  /** Adds a rule (it applies to calls made from now on). */
  addRule(rule: FaultRule): void
  /** Removes every rule. */
  clearRules(): void
  /** Locations of held writes, oldest first. */
  held(): string[]
  /** Makes held writes durable in the inner store, oldest first (or newest first with `'lifo'`). */
  releaseHeld(order?: 'fifo' | 'lifo'): Promise<void>
  /** Stops the process now, as a crash fault would (held writes are lost). */
  crash(point: string): CrashError
}

/** A file system with faults injected, plus its controller. */
export interface FaultyFileSystem extends FileSystem {
  readonly faults: FaultController
  /** The wrapped file system (the durable store). */
  readonly inner: FileSystem
}

interface ActiveRule {
  readonly rule: FaultRule
  readonly name: string
  seen: number
  fired: number
}

function matches(m: FaultRule['match'], location: string): boolean {
  if (m === undefined) return true
  if (typeof m === 'string') return location.includes(m)
  if (m instanceof RegExp) {
    m.lastIndex = 0
    return m.test(location)
  }
  return m(location)
}

function opsOf(rule: FaultRule): readonly FsOperation[] | undefined {
  if (rule.ops === undefined) return undefined
  return typeof rule.ops === 'string' ? [rule.ops] : rule.ops
}

const sleep = abortableSleep

interface HeldWrite {
  readonly location: string
  readonly data: Uint8Array
  readonly ifAbsent: boolean
  readonly lastModified: number
}

/**
 * Wraps `fs` so that calls follow `plan`. Rules are checked in order; the first one that selects
 * a call decides its fault (a `delay` also lets later rules apply).
 */
export function withFaults(fs: FileSystem, plan: FaultPlan = {}): FaultyFileSystem {
  const rules: ActiveRule[] = []
  const calls: FsCall[] = []
  const injected: InjectedFault[] = []
  const heldWrites = new Map<string, HeldWrite>()
  /** Location to the list call count from which it is visible (list lag). */
  const visibleFrom = new Map<string, number>()
  let listCalls = 0
  let crashed: CrashError | undefined

  const addRule = (rule: FaultRule) => {
    rules.push({ rule, name: rule.name ?? `${rule.fault.kind}${rule.match !== undefined ? ` ${String(rule.match)}` : ''}`, seen: 0, fired: 0 })
  }
  for (const r of plan.rules ?? []) addRule(r)

  const crash = (point: string): CrashError => {
    crashed ??= new CrashError(point)
    heldWrites.clear()
    return crashed
  }

  /** Records the call and returns the faults that fire for it (delays first, at most one other). */
  const begin = (op: FsOperation, location: string): { call: FsCall; faults: Fault[] } => {
    if (crashed) throw crashed
    const call: FsCall = { seq: calls.length + 1, op, location }
    calls.push(call)
    plan.onCall?.(call)
    const faults: Fault[] = []
    for (const r of rules) {
      const ops = opsOf(r.rule)
      if (ops && !ops.includes(op)) continue
      if (!matches(r.rule.match, location)) continue
      r.seen++
      if (r.rule.nth !== undefined && r.seen !== r.rule.nth) continue
      const limit = r.rule.times ?? (r.rule.nth !== undefined ? 1 : Number.POSITIVE_INFINITY)
      if (r.fired >= limit) continue
      const kind = r.rule.fault.kind
      if ((kind === 'tear' || kind === 'hold') && !WRITES.has(op)) continue
      r.fired++
      injected.push({ rule: r.name, call, fault: kind })
      faults.push(r.rule.fault)
      if (kind !== 'delay') break
    }
    return { call, faults }
  }

  /** Applies the faults that act before the store is called; returns the one deciding the outcome. */
  const before = async (op: FsOperation, location: string, signal: AbortSignal | undefined): Promise<Fault | undefined> => {
    const { faults } = begin(op, location)
    let decisive: Fault | undefined
    for (const f of faults) {
      if (f.kind === 'delay') await sleep(f.ms, signal)
      else decisive = f
    }
    if (crashed) throw crashed
    if (!decisive) return undefined
    const when = 'when' in decisive ? decisive.when : undefined
    if (decisive.kind === 'fail' && (when !== 'after' || op === 'list' || op === 'read' || op === 'readRange' || op === 'head')) {
      throw new StorageError(decisive.message ?? `injected failure: ${op} ${location}`)
    }
    if (decisive.kind === 'notFound') throw new FileNotFoundError(location)
    if (decisive.kind === 'crash' && when !== 'after') throw crash(decisive.point)
    return decisive
  }

  /** Applies the faults that act after the store was called. */
  const after = (op: FsOperation, location: string, fault: Fault | undefined): void => {
    if (!fault) return
    if (fault.kind === 'fail') throw new StorageError(fault.message ?? `injected failure after ${op} ${location} took effect`)
    if (fault.kind === 'crash') throw crash(fault.point)
  }

  const noteWrite = (location: string) => {
    if (plan.listLag && matches(plan.listLag.match, location)) visibleFrom.set(location, listCalls + plan.listLag.calls + 1)
  }

  const tear = async (op: FsOperation, location: string, data: Uint8Array, fault: Extract<Fault, { kind: 'tear' }>, signal?: AbortSignal) => {
    const keep = Math.max(0, Math.min(data.length, fault.keep ?? Math.floor(data.length / 2)))
    const prefix = data.subarray(0, keep)
    if (op === 'putIfAbsent') await fs.putIfAbsent(location, prefix, { signal })
    else await fs.put(location, prefix, { signal })
    if (fault.then === 'fail') throw new StorageError(`injected torn write: ${op} ${location} stored ${keep} of ${data.length} bytes`)
    throw crash(fault.point ?? `torn ${op} ${location}`)
  }

  const heldMeta = (h: HeldWrite): FileMeta => ({ location: h.location, size: h.data.length, lastModified: h.lastModified })

  const wrapper: FaultyFileSystem = {
    capabilities: fs.capabilities,
    inner: fs,

    async *list(dir: string, options: ListOptions = {}): AsyncIterable<FileMeta> {
      await before('list', dir, options.signal)
      listCalls++
      const fromStore: FileMeta[] = []
      for await (const m of fs.list(dir, options)) {
        if (crashed) throw crashed
        const from = visibleFrom.get(m.location)
        if (from !== undefined && listCalls < from) continue
        if (heldWrites.has(m.location)) continue
        fromStore.push(m)
      }
      const extra = [...heldWrites.values()]
        .filter((h) => h.location.startsWith(dir) && h.location.length > dir.length)
        .filter((h) => options.recursive || !h.location.slice(dir.length).includes('/'))
        .filter((h) => options.startAfter === undefined || compareUtf8(h.location, options.startAfter) > 0)
        .filter((h) => {
          const from = visibleFrom.get(h.location)
          return from === undefined || listCalls >= from
        })
        .map(heldMeta)
      const all = extra.length ? [...fromStore, ...extra].sort((a, b) => compareUtf8(a.location, b.location)) : fromStore
      for (const m of all) {
        if (crashed) throw crashed
        yield m
      }
    },

    async read(location: string, options: IoOptions = {}): Promise<Uint8Array> {
      await before('read', location, options.signal)
      const h = heldWrites.get(location)
      return h ? h.data.slice() : fs.read(location, options)
    },

    async readRange(location: string, start: number, end: number, options: IoOptions = {}): Promise<Uint8Array> {
      await before('readRange', location, options.signal)
      const h = heldWrites.get(location)
      if (h) {
        if (end > h.data.length) throw new StorageError(`range [${start}, ${end}) is past the end of ${location} (${h.data.length} bytes)`)
        return h.data.slice(start, end)
      }
      return fs.readRange(location, start, end, options)
    },

    async head(location: string, options: IoOptions = {}): Promise<FileMeta> {
      await before('head', location, options.signal)
      const h = heldWrites.get(location)
      return h ? heldMeta(h) : fs.head(location, options)
    },

    async putIfAbsent(location: string, data: Uint8Array, options: IoOptions = {}): Promise<PutIfAbsentResult> {
      const fault = await before('putIfAbsent', location, options.signal)
      if (fault?.kind === 'tear') return tear('putIfAbsent', location, data, fault, options.signal)
      if (fault?.kind === 'hold') {
        if (heldWrites.has(location)) return { status: 'exists' }
        try {
          await fs.head(location, options)
          return { status: 'exists' }
        } catch (e) {
          if (!(e instanceof FileNotFoundError)) throw e
        }
        heldWrites.set(location, { location, data: data.slice(), ifAbsent: true, lastModified: Date.now() })
        noteWrite(location)
        return { status: 'created' }
      }
      if (heldWrites.has(location)) {
        after('putIfAbsent', location, fault)
        return { status: 'exists' }
      }
      const result = await fs.putIfAbsent(location, data, options)
      if (result.status === 'created') noteWrite(location)
      after('putIfAbsent', location, fault)
      return result
    },

    async put(location: string, data: Uint8Array, options: IoOptions = {}): Promise<void> {
      const fault = await before('put', location, options.signal)
      if (fault?.kind === 'tear') return tear('put', location, data, fault, options.signal)
      if (fault?.kind === 'hold') {
        heldWrites.delete(location)
        heldWrites.set(location, { location, data: data.slice(), ifAbsent: false, lastModified: Date.now() })
        noteWrite(location)
        return
      }
      heldWrites.delete(location)
      await fs.put(location, data, options)
      noteWrite(location)
      after('put', location, fault)
    },

    async delete(location: string, options: IoOptions = {}): Promise<void> {
      const fault = await before('delete', location, options.signal)
      heldWrites.delete(location)
      await fs.delete(location, options)
      visibleFrom.delete(location)
      after('delete', location, fault)
    },

    faults: {
      get calls() {
        return calls
      },
      get injected() {
        return injected
      },
      get crashed() {
        return crashed
      },
      addRule,
      clearRules: () => void rules.splice(0),
      held: () => [...heldWrites.keys()],
      async releaseHeld(order = 'fifo') {
        if (crashed) throw crashed
        const list = [...heldWrites.values()]
        if (order === 'lifo') list.reverse()
        for (const h of list) {
          heldWrites.delete(h.location)
          if (h.ifAbsent) await fs.putIfAbsent(h.location, h.data)
          else await fs.put(h.location, h.data)
        }
      },
      crash,
    },
  }
  return wrapper
}
