/**
 * A minimal FileSystem over node:fs for these tests (file:// URLs), counting ranged reads so
 * tests can assert the I/O budget.
 */
import { mkdir, open, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { FileMeta, FileSystem } from '../../../src/engine/file-system.js'
import { FileNotFoundError } from '../../../src/errors.js'

/** The test file system plus its request log. */
export interface TestFileSystem extends FileSystem {
  readonly ranges: [string, number, number][]
}

/** file:// URL of a local path. */
export function fileUrl(path: string): string {
  return pathToFileURL(path).href
}

/** A FileSystem over local files. */
export function testFileSystem(): TestFileSystem {
  const ranges: [string, number, number][] = []
  const p = (loc: string) => fileURLToPath(loc)
  const missing = (loc: string, e: unknown): never => {
    if ((e as { code?: string }).code === 'ENOENT') throw new FileNotFoundError(loc, { cause: e })
    throw e
  }
  return {
    ranges,
    capabilities: { atomicPutIfAbsent: false },
    async *list() {},
    async read(loc) {
      return new Uint8Array(await readFile(p(loc)).catch((e) => missing(loc, e)))
    },
    async readRange(loc, start, end) {
      ranges.push([loc, start, end])
      const fh = await open(p(loc), 'r').catch((e) => missing(loc, e))
      try {
        const out = new Uint8Array(end - start)
        let done = 0
        while (done < out.length) {
          const { bytesRead } = await fh.read(out, done, out.length - done, start + done)
          if (bytesRead === 0) break
          done += bytesRead
        }
        return out
      } finally {
        await fh.close()
      }
    },
    async head(loc): Promise<FileMeta> {
      const s = await stat(p(loc)).catch((e) => missing(loc, e))
      return { location: loc, size: s.size, lastModified: s.mtimeMs }
    },
    async putIfAbsent() {
      throw new Error('not supported in tests')
    },
    async put(loc, data) {
      await mkdir(dirname(p(loc)), { recursive: true })
      await writeFile(p(loc), data)
    },
    async delete(loc) {
      await rm(p(loc), { force: true })
    },
  }
}
