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
export { createS3FileSystem, type S3FileSystemOptions, type S3Credentials, type S3ClientLike } from './engines/s3.js'
export { createAzureFileSystem, type AzureFileSystemOptions, type AzureServiceClientLike } from './engines/azure.js'
export { createHttpFileSystem, ReadOnlyStorageError, type HttpFileSystemOptions } from './engines/http.js'
export {
  createScanWorkerPool,
  type ScanWorkerPool,
  type ScanWorkerPoolOptions,
  type EngineFactorySpec,
} from './engines/worker-pool/pool.js'
