/**
 * `delta-kernel/browser`: the runtime-neutral core plus the engines that run in a browser page:
 * the read-only HTTP engine, the in-memory engine and the hyparquet Parquet handler. Built as one
 * self-contained ES module (no `node:*`, dependencies bundled).
 *
 * ```ts
 * import { Table, Scan, createHttpEngine } from 'delta-kernel/browser'
 * const snapshot = await Table.open('https://example.com/tables/events/', createHttpEngine()).snapshot()
 * for await (const batch of new Scan(snapshot).batches()) console.log(batch.numRows)
 * ```
 *
 * @packageDocumentation
 */
import type { Engine } from './engine/engine.js'
import { createHyparquetHandler, type HyparquetHandlerOptions } from './engines/hyparquet/index.js'
import { createHttpFileSystem, type HttpFileSystemOptions } from './engines/http.js'

export * from './index.js'
export { createHyparquetHandler, type HyparquetHandlerOptions } from './engines/hyparquet/index.js'

/** Options of {@link createHttpEngine}: those of the HTTP file system and of the Parquet handler. */
export interface HttpEngineOptions extends HttpFileSystemOptions {
  readonly parquet?: HyparquetHandlerOptions
}

/** An engine that reads tables over HTTP(S): the HTTP file system and the hyparquet handler on it. */
export function createHttpEngine(options: HttpEngineOptions = {}): Engine {
  const fileSystem = createHttpFileSystem(options)
  return { fileSystem, parquet: createHyparquetHandler(fileSystem, options.parquet) }
}
