/**
 * `delta-kernel/node`: the engines and helpers that need Node.js (`node:fs`, `node:path`).
 *
 * @packageDocumentation
 */
export { createLocalFileSystem, type LocalFileSystemOptions } from './engines/local-fs.js'
export { createMemoryFileSystem, type MemoryFileSystemOptions } from './engines/memory.js'
export { toTableUrl } from './engines/table-url.js'
