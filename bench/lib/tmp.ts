/** Scratch directories under the OS temp dir, removed when the benchmark is done with them. */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

/** A temp directory and its `file://` URL (ending in `/`). */
export interface TempDir {
  readonly path: string
  readonly url: string
  remove(): Promise<void>
}

/** Creates a fresh temp directory named after `label`. */
export async function tempDir(label: string): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), `dk-bench-${label}-`))
  return {
    path,
    url: pathToFileURL(path).href + '/',
    remove: () => rm(path, { recursive: true, force: true }),
  }
}

/** `file://` URL (ending in `/`) of a directory path. */
export function dirUrl(path: string): string {
  const href = pathToFileURL(path).href
  return href.endsWith('/') ? href : href + '/'
}
