/**
 * Types of the engine conformance suite.
 *
 * @packageDocumentation
 */
import type { FileSystem } from '../engine/file-system.js'

/** A fresh, empty store to run one case against. */
export interface FileSystemFixture {
  /** The engine under test. */
  readonly fs: FileSystem
  /** An empty directory location ending in `/`, private to this case. */
  readonly root: string
  /** Called after the case, pass or fail (remove temp directories, buckets, ...). */
  readonly cleanup?: () => Promise<void>
}

/** One conformance case: a named check of one MUST rule of `FileSystem`. */
export interface FileSystemCase {
  readonly name: string
  readonly run: (fixture: FileSystemFixture) => Promise<void>
}

/**
 * A test-registering function: node:test's `test`, vitest's `it` or `test`, jest's `test`.
 * Only the `(name, fn)` form is used.
 */
export type RegisterTest = (name: string, fn: () => Promise<void>) => unknown
