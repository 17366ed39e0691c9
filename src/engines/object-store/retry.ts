/**
 * Retries of object-store requests: full-jitter exponential backoff on throttling and transient
 * server or network failures, so many clients backing off together spread out instead of
 * hammering the store again in lock step.
 *
 * Which failures are retried is the caller's decision (`retryable`): reads, listings, overwrites
 * and deletes are idempotent and retry every transient failure; a conditional create retries only
 * answers that guarantee nothing was written (see the engines), because a retry after a write
 * that landed would report "exists" for the caller's own object.
 *
 * Runtime-neutral: no `node:*` imports.
 *
 * @packageDocumentation
 */
import { InvalidArgumentError, throwIfAborted } from '../../errors.js'
import { abortableSleep } from '../../sleep.js'

/** How an object-store engine retries one request. All fields optional. */
export interface ObjectStoreRetryOptions {
  /** Attempts per request, the first included. Default 5; 1 turns retries off. */
  readonly maxAttempts?: number
  /** Upper bound of the first wait, in ms. Default 100. */
  readonly initialDelayMs?: number
  /** Cap of any wait, in ms. Default 5000. */
  readonly maxDelayMs?: number
  /** Uniform random number in [0, 1); default `Math.random` (injectable for tests). */
  readonly random?: () => number
  /** Waits `ms`; default `setTimeout`. Must reject with `AbortedError` when `signal` aborts. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
}

/** Runs requests with the retry options filled in. */
export type Retrier = <T>(run: () => Promise<T>, retryable: (e: unknown) => boolean, signal?: AbortSignal) => Promise<T>

/** Makes a {@link Retrier} from options, validating them once. */
export function makeRetrier(options: ObjectStoreRetryOptions = {}): Retrier {
  const maxAttempts = options.maxAttempts ?? 5
  const initial = options.initialDelayMs ?? 100
  const cap = options.maxDelayMs ?? 5000
  if (!Number.isSafeInteger(maxAttempts) || maxAttempts < 1) {
    throw new InvalidArgumentError(`retry.maxAttempts: expected a positive integer, got ${maxAttempts}`)
  }
  for (const [name, v] of [['initialDelayMs', initial], ['maxDelayMs', cap]] as const) {
    if (!Number.isFinite(v) || v < 0) throw new InvalidArgumentError(`retry.${name}: expected a non-negative number, got ${v}`)
  }
  const random = options.random ?? Math.random
  const sleep = options.sleep ?? abortableSleep
  return async (run, retryable, signal) => {
    for (let attempt = 1; ; attempt++) {
      throwIfAborted(signal)
      try {
        return await run()
      } catch (e) {
        if (attempt >= maxAttempts || signal?.aborted || !retryable(e)) throw e
      }
      await sleep(Math.floor(random() * Math.min(cap, initial * 2 ** (attempt - 1))), signal)
    }
  }
}

export { abortableSleep }
