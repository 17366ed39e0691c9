/** Running the CLI as a user does: a child process, exit code and both streams. */
import { execFile } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

const MAIN = join(import.meta.dirname, '../../src/cli/main.ts')

/** Result of one CLI run. */
export interface CliResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** Runs `delta-kernel ...args`. */
export async function cli(...args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', MAIN, ...args], { maxBuffer: 64 * 1024 * 1024 })
    return { code: 0, stdout, stderr }
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string }
    return { code: x.code, stdout: x.stdout, stderr: x.stderr }
  }
}

/** Runs the CLI and expects exit code 0; returns stdout. */
export async function ok(...args: string[]): Promise<string> {
  const r = await cli(...args)
  if (r.code !== 0) throw new Error(`delta-kernel ${args.join(' ')} exited ${r.code}: ${r.stderr}`)
  return r.stdout
}

/** A fresh temporary directory. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'dk-cli-'))
}

/** NDJSON output lines, sorted (scan order across files is not part of the contract). */
export function sortedLines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '').sort()
}
