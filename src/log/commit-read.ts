/**
 * Reading one JSON log file (a commit, a compaction file, a JSON V2 checkpoint) into validated
 * actions.
 *
 * @packageDocumentation
 */
import type { Engine } from '../engine/engine.js'
import { defaultJsonHandler } from '../engine/json.js'
import { AbortedError, FileNotFoundError, VersionNotFoundError } from '../errors.js'
import { type Action, parseActionLine } from '../protocol/actions.js'
import { commitFileName, logDir } from './log-files.js'

/** Parses and validates the actions of newline-delimited JSON log bytes. */
export function parseLogBytes(engine: Engine, bytes: Uint8Array, location: string): Action[] {
  const lines = (engine.json ?? defaultJsonHandler).parseLines(bytes, location)
  const out: Action[] = []
  for (let i = 0; i < lines.length; i++) {
    const acts = parseActionLine(lines[i], `${location} line ${i + 1}`)
    for (const a of acts) out.push(a)
  }
  return out
}

/** Reads a JSON log file at `location`. */
export async function readLogFile(engine: Engine, location: string, signal?: AbortSignal): Promise<Action[]> {
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
