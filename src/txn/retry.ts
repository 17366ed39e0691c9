/**
 * The retry budget of a commit: how many times the kernel tries to put a commit file, and how
 * long it waits between tries (full-jitter exponential backoff, so racing writers spread out
 * instead of colliding again in lock step). Clock and randomness are injectable for tests.
 *
 * @packageDocumentation
 */
import { InvalidArgumentError } from '../errors.js'
import { abortableSleep } from '../sleep.js'

/** How a commit retries after a lost race or a storage failure. All fields optional. */
export interface RetryPolicy {
  /** Total put attempts, first one included. Default 10. */
  readonly maxAttempts?: number
  /** Upper bound of the first wait, in ms. Default 25. */
  readonly initialDelayMs?: number
  /** Cap of any wait, in ms. Default 2000. */
  readonly maxDelayMs?: number
  /** Waits `ms` milliseconds; default `setTimeout`. Must reject with `AbortedError` when `signal` aborts. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  /** Uniform random number in [0, 1); default `Math.random`. */
  readonly random?: () => number
}

/** A {@link RetryPolicy} with every default filled in. */
export interface ResolvedRetryPolicy {
  readonly maxAttempts: number
  readonly initialDelayMs: number
  readonly maxDelayMs: number
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>
  readonly random: () => number
}

/** Default number of put attempts of one commit: many small concurrent writers lose races often, and a lost race costs only a re-read. */
export const DEFAULT_MAX_COMMIT_ATTEMPTS = 100

/** Fills in defaults and validates the numbers. */
export function resolveRetryPolicy(policy: RetryPolicy = {}): ResolvedRetryPolicy {
  const maxAttempts = policy.maxAttempts ?? DEFAULT_MAX_COMMIT_ATTEMPTS
  const initialDelayMs = policy.initialDelayMs ?? 25
  const maxDelayMs = policy.maxDelayMs ?? 2000
  if (!Number.isSafeInteger(maxAttempts) || maxAttempts < 1) {
    throw new InvalidArgumentError(`retry.maxAttempts must be a positive integer, got ${maxAttempts}`)
  }
  for (const [name, v] of [['initialDelayMs', initialDelayMs], ['maxDelayMs', maxDelayMs]] as const) {
    if (!Number.isFinite(v) || v < 0) throw new InvalidArgumentError(`retry.${name} must be a non-negative number, got ${v}`)
  }
  return { maxAttempts, initialDelayMs, maxDelayMs, sleep: policy.sleep ?? defaultSleep, random: policy.random ?? Math.random }
}

/**
 * Wait before retry number `retry` (1 for the first retry): a uniform draw from
 * `[0, min(maxDelayMs, initialDelayMs * 2^(retry-1)))` ("full jitter").
 */
export function backoffDelay(retry: number, policy: ResolvedRetryPolicy): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, retry - 1))
  return Math.floor(policy.random() * ceiling)
}

/** `setTimeout` as a promise that rejects with `AbortedError` when `signal` aborts. */
export const defaultSleep = abortableSleep
