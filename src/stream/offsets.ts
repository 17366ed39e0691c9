/**
 * Stream offsets: where a streaming read of a table stands, as a small JSON value a consumer
 * persists next to its own output and resumes from. Modelled on Spark's `DeltaSourceOffset`.
 *
 * An offset names the last delivered file, not the next one: everything up to and including file
 * `index` of `reservoirVersion` has been delivered. `index = -1` means nothing of that version yet.
 * - `isStartingVersion = true`: `reservoirVersion` is the snapshot the stream started from, and
 *   `index` counts its live files in (modificationTime, path) order.
 * - `isStartingVersion = false`: `index` counts the admitted `add` actions of commit
 *   `reservoirVersion` in log order (a commit file never changes, so the numbering is stable).
 * When a version is delivered completely the source moves the offset to `(version + 1, -1)`, so
 * resuming never needs a commit file the consumer has finished with (log cleanup may delete it).
 *
 * @packageDocumentation
 */
import { InvalidArgumentError } from '../errors.js'

/** Current format of {@link StreamOffset}; bumped only for incompatible changes. */
export const STREAM_OFFSET_FORMAT = 1

/** Position of a streaming read (see the module doc). Plain JSON: persist it as is. */
export interface StreamOffset {
  /** Format of this value ({@link STREAM_OFFSET_FORMAT}). */
  readonly sourceVersion: number
  /** `metaData.id` of the table, so an offset is never applied to another table. */
  readonly reservoirId?: string
  readonly reservoirVersion: number
  readonly index: number
  readonly isStartingVersion: boolean
}

/** An offset at the start of `version` (nothing of it delivered). */
export function offsetAt(version: number, isStartingVersion: boolean, reservoirId?: string): StreamOffset {
  return { sourceVersion: STREAM_OFFSET_FORMAT, ...(reservoirId !== undefined ? { reservoirId } : {}), reservoirVersion: version, index: -1, isStartingVersion }
}

function intField(o: Record<string, unknown>, key: string, min: number): number {
  const v = o[key]
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) {
    throw new InvalidArgumentError(`stream offset: '${key}' must be an integer >= ${min}, found ${JSON.stringify(v)}`)
  }
  return v
}

/** Validates a parsed offset (from JSON or a caller); throws `InvalidArgumentError` when malformed. */
export function checkOffset(value: unknown): StreamOffset {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidArgumentError(`stream offset: expected an object, found ${JSON.stringify(value)}`)
  }
  const o = value as Record<string, unknown>
  const sourceVersion = o.sourceVersion === undefined ? STREAM_OFFSET_FORMAT : intField(o, 'sourceVersion', 1)
  if (sourceVersion > STREAM_OFFSET_FORMAT) {
    throw new InvalidArgumentError(`stream offset: format ${sourceVersion} is newer than this kernel's (${STREAM_OFFSET_FORMAT}); upgrade to resume this stream`)
  }
  if (typeof o.isStartingVersion !== 'boolean') {
    throw new InvalidArgumentError(`stream offset: 'isStartingVersion' must be a boolean, found ${JSON.stringify(o.isStartingVersion)}`)
  }
  if (o.reservoirId !== undefined && typeof o.reservoirId !== 'string') {
    throw new InvalidArgumentError(`stream offset: 'reservoirId' must be a string, found ${JSON.stringify(o.reservoirId)}`)
  }
  return {
    sourceVersion,
    ...(typeof o.reservoirId === 'string' ? { reservoirId: o.reservoirId } : {}),
    reservoirVersion: intField(o, 'reservoirVersion', 0),
    index: intField(o, 'index', -1),
    isStartingVersion: o.isStartingVersion,
  }
}

/** The JSON text of an offset (stable key order). */
export function serializeOffset(offset: StreamOffset): string {
  const o = checkOffset(offset)
  return JSON.stringify({
    sourceVersion: o.sourceVersion,
    ...(o.reservoirId !== undefined ? { reservoirId: o.reservoirId } : {}),
    reservoirVersion: o.reservoirVersion,
    index: o.index,
    isStartingVersion: o.isStartingVersion,
  })
}

/** Parses the JSON text of an offset; throws `InvalidArgumentError` when it is not one. */
export function parseOffset(text: string): StreamOffset {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (e) {
    throw new InvalidArgumentError(`stream offset: not JSON: ${(e as Error).message}`)
  }
  return checkOffset(value)
}

/**
 * Orders two offsets of one stream: negative when `a` is before `b`. A starting-version offset at
 * version v sorts before every change offset at v + 1 or later (the snapshot's files come first).
 */
export function compareOffsets(a: StreamOffset, b: StreamOffset): number {
  const key = (o: StreamOffset) => (o.isStartingVersion ? o.reservoirVersion + 0.5 : o.reservoirVersion)
  // A snapshot at v holds commits <= v, so it sorts after change offsets at v and before v + 1.
  const d = key(a) - key(b)
  if (d !== 0) return d
  return a.index - b.index
}
