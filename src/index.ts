/**
 * delta-kernel: a pure-TypeScript implementation of the Delta Lake transaction-log protocol.
 * This entry point is runtime-neutral (no `node:*` imports); Node engines live in `delta-kernel/node`.
 *
 * @packageDocumentation
 */
export * from './errors.js'
export type * from './engine/file-system.js'
export type * from './engine/parquet.js'
export type * from './engine/engine.js'
export { defaultJsonHandler, type JsonHandler } from './engine/json.js'
export type * from './protocol/schema-types.js'
export * from './protocol/actions.js'
