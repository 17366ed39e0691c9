/**
 * Table properties that govern log maintenance (checkpoint interval, log and tombstone
 * retention), parsed the way Spark writes them: intervals are strings like `interval 30 days`.
 *
 * @packageDocumentation
 */
import { InvalidArgumentError } from '../errors.js'
import type { Metadata } from '../protocol/actions.js'

const MS: Readonly<Record<string, number>> = {
  microsecond: 0.001,
  millisecond: 1,
  second: 1000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
  week: 7 * 86_400_000,
}

const UNIT_ALIASES: Readonly<Record<string, string>> = {
  us: 'microsecond',
  ms: 'millisecond',
  s: 'second',
  sec: 'second',
  secs: 'second',
  min: 'minute',
  mins: 'minute',
  h: 'hour',
  d: 'day',
}

/** One day in milliseconds. */
export const DAY_MS = MS.day!

/** Default `delta.logRetentionDuration`: 30 days. */
export const DEFAULT_LOG_RETENTION_MS = 30 * DAY_MS
/** Default `delta.deletedFileRetentionDuration`: 1 week. */
export const DEFAULT_DELETED_FILE_RETENTION_MS = 7 * DAY_MS
/** Default `delta.checkpointInterval`. */
export const DEFAULT_CHECKPOINT_INTERVAL = 10

/**
 * Parses a Spark calendar-interval string (`interval 30 days`, `1 week`, `interval 2 hours 30
 * minutes`) into milliseconds. Months and years are refused: their length in time is not fixed,
 * and Spark refuses them for these properties too. Throws `InvalidArgumentError` naming `what`.
 */
export function parseIntervalMs(text: string, what = 'interval'): number {
  const words = text.trim().toLowerCase().split(/\s+/)
  if (words[0] === 'interval') words.shift()
  if (words.length === 0 || words.length % 2 !== 0) {
    throw new InvalidArgumentError(`${what}: expected an interval like 'interval 30 days', found '${text}'`)
  }
  let total = 0
  for (let i = 0; i < words.length; i += 2) {
    const n = Number(words[i])
    const raw = words[i + 1]!
    const singular = raw.endsWith('s') && raw.length > 1 && !(raw in UNIT_ALIASES) ? raw.slice(0, -1) : raw
    const unit = UNIT_ALIASES[raw] ?? UNIT_ALIASES[singular] ?? singular
    const ms = MS[unit]
    if (!Number.isFinite(n) || n < 0 || ms === undefined) {
      throw new InvalidArgumentError(
        `${what}: cannot parse '${words[i]} ${raw}' in '${text}' (expected a non-negative number and one of week, day, hour, minute, second, millisecond, microsecond)`,
      )
    }
    total += n * ms
  }
  return Math.floor(total)
}

function durationProperty(metadata: Metadata, key: string, fallback: number): number {
  const v = metadata.configuration[key]
  return v === undefined ? fallback : parseIntervalMs(v, `table property ${key}`)
}

/** `delta.logRetentionDuration` in ms (default 30 days): how long commits stay time-travelable. */
export function logRetentionMs(metadata: Metadata): number {
  return durationProperty(metadata, 'delta.logRetentionDuration', DEFAULT_LOG_RETENTION_MS)
}

/** `delta.deletedFileRetentionDuration` in ms (default 1 week): how long tombstones protect files. */
export function deletedFileRetentionMs(metadata: Metadata): number {
  return durationProperty(metadata, 'delta.deletedFileRetentionDuration', DEFAULT_DELETED_FILE_RETENTION_MS)
}

/** `delta.setTransactionRetentionDuration` in ms, or undefined (the default: txns never expire). */
export function setTransactionRetentionMs(metadata: Metadata): number | undefined {
  const v = metadata.configuration['delta.setTransactionRetentionDuration']
  return v === undefined ? undefined : parseIntervalMs(v, 'table property delta.setTransactionRetentionDuration')
}

/** `delta.checkpointInterval` (default 10): commits between automatic checkpoints. */
export function checkpointInterval(metadata: Metadata): number {
  const v = metadata.configuration['delta.checkpointInterval']
  if (v === undefined) return DEFAULT_CHECKPOINT_INTERVAL
  const n = Number(v)
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError(`table property delta.checkpointInterval: expected a positive integer, found '${v}'`)
  }
  return n
}
