/**
 * Reading one JSON log file (a commit, a compaction file, a JSON V2 checkpoint) into validated
 * actions.
 *
 * @packageDocumentation
 */
import type { Engine } from '../engine/engine.js'
import { defaultJsonHandler } from '../engine/json.js'
import { resolveLogLimits } from '../engine/limits.js'
import { AbortedError, FileNotFoundError, LimitExceededError, VersionNotFoundError } from '../errors.js'
import type { Action } from '../protocol/actions.js'
import { parseLogLineInto } from '../protocol/log-line.js'
import { commitFileName, logDir } from './log-files.js'
import { partitionInterner } from './partition-intern.js'

function tooLarge(location: string, size: number, max: number): LimitExceededError {
  return new LimitExceededError(`${location}: log file is ${size} bytes, over the limit of ${max} bytes (maxLogFileBytes)`)
}

/**
 * Parses and validates the actions of newline-delimited JSON log bytes, within `engine.limits`
 * (`LimitExceededError` beyond them).
 */
export function parseLogBytes(engine: Engine, bytes: Uint8Array, location: string): Action[] {
  const limits = resolveLogLimits(engine.limits)
  if (bytes.length > limits.maxLogFileBytes) throw tooLarge(location, bytes.length, limits.maxLogFileBytes)
  const lines = (engine.json ?? defaultJsonHandler).parseLines(bytes, location, { maxLineBytes: limits.maxLineBytes })
  const out: Action[] = []
  const intern = partitionInterner()
  for (let i = 0; i < lines.length; i++) {
    parseLogLineInto(lines[i], location, i + 1, out, intern)
    if (out.length > limits.maxActionsPerFile) {
      throw new LimitExceededError(`${location}: more than ${limits.maxActionsPerFile} actions in one log file (maxActionsPerFile)`)
    }
  }
  return out
}

/**
 * Reads a JSON log file at `location`. `size`, when the caller has it from a listing, lets an
 * over-limit file be refused before any of it is read.
 */
export async function readLogFile(engine: Engine, location: string, signal?: AbortSignal, size?: number): Promise<Action[]> {
  if (size !== undefined) {
    const max = resolveLogLimits(engine.limits).maxLogFileBytes
    if (size > max) throw tooLarge(location, size, max)
  }
  const bytes = await engine.fileSystem.read(location, { signal })
  return parseLogBytes(engine, bytes, location)
}

/** Reads the actions of commit `version`; throws `VersionNotFoundError` when `N.json` is missing. */
export async function readCommitActions(
  engine: Engine,
  tableRoot: string,
  version: number,
  options: { signal?: AbortSignal } = {},
): Promise<Action[]> {
  const location = logDir(tableRoot) + commitFileName(version)
  try {
    return await readLogFile(engine, location, options.signal)
  } catch (e) {
    if (e instanceof FileNotFoundError) {
      throw new VersionNotFoundError(`${tableRoot}: commit ${version} does not exist (${location})`, { cause: e })
    }
    if (e instanceof AbortedError) throw e
    throw e
  }
}
