/**
 * `delta-kernel/node`: the engines and helpers that need Node.js (`node:fs`, `node:path`).
 *
 * @packageDocumentation
 */
export { createLocalFileSystem, type LocalFileSystemOptions } from './engines/local-fs.js'
export { createMemoryFileSystem, type MemoryFileSystemOptions } from './engines/memory.js'
export { toTableUrl } from './engines/table-url.js'
export { createHyparquetHandler, type HyparquetHandlerOptions } from './engines/hyparquet/index.js'
export { createNodeEngine, type NodeEngineOptions } from './engines/node-engine.js'
