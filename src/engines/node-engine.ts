/**
 * The default engine on Node: the local file system and the hyparquet Parquet handler.
 *
 * @packageDocumentation
 */
import type { Engine } from '../engine/engine.js'
import type { FileSystem } from '../engine/file-system.js'
import { createHyparquetHandler } from './hyparquet/index.js'
import { createLocalFileSystem, type LocalFileSystemOptions } from './local-fs.js'

/** Options of {@link createNodeEngine}. */
export interface NodeEngineOptions extends LocalFileSystemOptions {
  /** Use this file system instead of the local one (e.g. an object store engine). */
  readonly fileSystem?: FileSystem
}

/** An engine for Node: local files (or the given file system) and the hyparquet Parquet handler. */
export function createNodeEngine(options: NodeEngineOptions = {}): Engine {
  const fileSystem = options.fileSystem ?? createLocalFileSystem(options)
  return { fileSystem, parquet: createHyparquetHandler(fileSystem) }
}
