/**
 * Small helpers the conformance cases share: building locations, making content, draining
 * listings, and a reference UTF-8 ordering written independently of the engines' own.
 *
 * @packageDocumentation
 */
import type { FileMeta, FileSystem, ListOptions } from '../engine/file-system.js'

/**
 * The location of `path` (segments separated by `/`) under `root`, each segment spelled as URL
 * serialisation spells it (non-ASCII as upper-case percent-encoded UTF-8). The cases only use
 * names whose `encodeURIComponent` spelling is that canonical one.
 */
export function at(root: string, path: string): string {
  return root + path.split('/').map(encodeURIComponent).join('/')
}

/** Text as UTF-8 bytes. */
export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text)
}

/** `length` deterministic pseudo-random bytes (xorshift32 from `seed`). */
export function noise(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length)
  let x = seed | 0 || 1
  for (let i = 0; i < length; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    out[i] = x & 0xff
  }
  return out
}

/** Every entry a listing yields, in yield order. */
export async function drain(fs: FileSystem, dir: string, options?: ListOptions): Promise<FileMeta[]> {
  const out: FileMeta[] = []
  for await (const meta of fs.list(dir, options)) out.push(meta)
  return out
}

/** Reference order: compares the encoded bytes themselves (deliberately not via code points). */
export function byUtf8Bytes(a: string, b: string): number {
  const x = new TextEncoder().encode(a)
  const y = new TextEncoder().encode(b)
  const n = Math.min(x.length, y.length)
  for (let i = 0; i < n; i++) {
    if (x[i] !== y[i]) return x[i]! - y[i]!
  }
  return x.length - y.length
}

/** Writes each `[path, content]` under `root` with `put`. */
export async function seed(fs: FileSystem, root: string, files: ReadonlyArray<readonly [string, string]>): Promise<void> {
  for (const [path, content] of files) await fs.put(at(root, path), utf8(content))
}
