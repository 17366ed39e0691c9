/**
 * The engine bundle: everything the kernel needs from the outside world.
 *
 * @packageDocumentation
 */
import type { FileSystem } from './file-system.js'
import type { JsonHandler } from './json.js'
import type { LogLimits } from './limits.js'
import type { ParquetHandler } from './parquet.js'

/** The handlers a connector plugs in. */
export interface Engine {
  readonly fileSystem: FileSystem
  readonly parquet: ParquetHandler
  /** Optional faster JSON parser; defaults to `JSON.parse` per line. */
  readonly json?: JsonHandler
  /** Caps on reading the log (bytes per file and per line, actions per file); defaults when absent. */
  readonly limits?: LogLimits
}
