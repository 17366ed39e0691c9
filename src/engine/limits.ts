/**
 * Resource limits on reading the log, so a hostile or broken table cannot make the kernel
 * exhaust memory: caps on the bytes of one JSON log file (commit, compaction file or JSON
 * checkpoint), on the bytes of one line, and on the actions in one file. Exceeding one raises
 * `LimitExceededError`, naming the file and the limit. Set them on the engine
 * (`{ ...engine, limits: { maxLineBytes: 1 << 20 } }`); unset fields keep their defaults.
 *
 * @packageDocumentation
 */
import { InvalidArgumentError } from '../errors.js'

/** Caps applied while reading JSON log files. */
export interface LogLimits {
  /**
   * Bytes of one JSON log file. Default 500 MiB, just under the longest string V8 can hold (a
   * larger file could not be decoded anyway). Checked against the listed size before reading
   * when the size is known.
   */
  readonly maxLogFileBytes?: number
  /** Bytes of one line (one action). Default 64 MiB. */
  readonly maxLineBytes?: number
  /** Actions in one JSON log file. Default 10,000,000. */
  readonly maxActionsPerFile?: number
}

/** The defaults of {@link LogLimits}. */
export const DEFAULT_LOG_LIMITS: Readonly<Required<LogLimits>> = Object.freeze({
  maxLogFileBytes: 500 * 1024 * 1024,
  maxLineBytes: 64 * 1024 * 1024,
  maxActionsPerFile: 10_000_000,
})

/** `limits` with defaults filled in; throws `InvalidArgumentError` for a limit that is not a positive integer. */
export function resolveLogLimits(limits: LogLimits | undefined): Readonly<Required<LogLimits>> {
  if (!limits) return DEFAULT_LOG_LIMITS
  const out = { ...DEFAULT_LOG_LIMITS }
  for (const key of Object.keys(DEFAULT_LOG_LIMITS) as (keyof LogLimits)[]) {
    const v = limits[key]
    if (v === undefined) continue
    if (!Number.isSafeInteger(v) || v <= 0) {
      throw new InvalidArgumentError(`log limits: ${key} must be a positive integer, got ${String(v)}`)
    }
    out[key] = v
  }
  return out
}
