/**
 * `delta-kernel/testing`: the engine conformance suite. A connector author runs it against their
 * `FileSystem` to check every MUST rule of `src/engine/file-system.ts`, under their own test
 * runner:
 *
 * ```ts
 * // `test` is node's test runner's `test` (module node:test), or vitest's `it`
 * import { test } from 'vitest'
 * import { runFileSystemConformance } from 'delta-kernel/testing'
 *
 * runFileSystemConformance({
 *   name: 'my-store',
 *   test,
 *   makeFs: async () => ({ fs: createMyStore(), root: `my://bucket/${crypto.randomUUID()}/` }),
 * })
 * ```
 *
 * Runtime-neutral: it imports neither `node:*` nor a test framework.
 *
 * @packageDocumentation
 */
import { listingCases } from './listing-cases.js'
import { objectCases } from './object-cases.js'
import type { FileSystemCase, FileSystemFixture, RegisterTest } from './types.js'

export type { FileSystemCase, FileSystemFixture, RegisterTest } from './types.js'
export { ConformanceError } from './assert.js'

/** Options of {@link runFileSystemConformance}. */
export interface FileSystemConformanceOptions {
  /** Prefixes every test name, e.g. `local-fs`. */
  readonly name: string
  /** Makes a fresh store with an empty root; called once per case. */
  readonly makeFs: () => Promise<FileSystemFixture>
  /** The runner's test-registering function (node:test `test`, vitest `it`). */
  readonly test: RegisterTest
  /** Concurrent `putIfAbsent` calls racing for one location in the contention case. Default 32. */
  readonly contenders?: number
}

/** Every conformance case, for runners that want to drive them directly. */
export function fileSystemConformanceCases(options: { readonly contenders?: number } = {}): readonly FileSystemCase[] {
  return [...listingCases, ...objectCases(options)]
}

/** Registers one test per conformance case, each on a fresh fixture that is cleaned up after. */
export function runFileSystemConformance(options: FileSystemConformanceOptions): void {
  for (const c of fileSystemConformanceCases(options)) {
    options.test(`${options.name}: ${c.name}`, async () => {
      const fixture = await options.makeFs()
      try {
        await c.run(fixture)
      } finally {
        await fixture.cleanup?.()
      }
    })
  }
}
