/**
 * The entry point for reading a scan file somewhere else than where the scan was planned: the
 * scan state and the scan file arrive as JSON text (a worker message, a serverless request body, a
 * cluster task) and come back as logical Arrow batches.
 *
 * @packageDocumentation
 */
import type { RecordBatch } from 'apache-arrow'
import type { Engine } from '../engine/engine.js'
import { InvalidArgumentError } from '../errors.js'
import { type ReadScanFileOptions, readScanFile } from './read-file.js'
import type { ScanFile, ScanState } from './scan-file.js'

function parseObject(what: string, json: string): Record<string, unknown> {
  let value: unknown
  try {
    value = JSON.parse(json)
  } catch (e) {
    throw new InvalidArgumentError(`${what}: expected JSON text, found invalid JSON (${(e as Error).message})`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidArgumentError(`${what}: expected a JSON object, found ${Array.isArray(value) ? 'an array' : String(value)}`)
  }
  return value as Record<string, unknown>
}

function expectField(what: string, obj: Record<string, unknown>, key: string, type: 'string' | 'number' | 'object'): void {
  const v = obj[key]
  if (typeof v !== type || v === null) throw new InvalidArgumentError(`${what}: expected '${key}' to be a ${type}, found ${JSON.stringify(v) ?? 'nothing'}`)
}

/** Parses and shape-checks a serialised {@link ScanState} (`JSON.stringify(scan.state)`). */
export function parseScanState(json: string): ScanState {
  const o = parseObject('scan state', json)
  expectField('scan state', o, 'tableRoot', 'string')
  expectField('scan state', o, 'version', 'number')
  expectField('scan state', o, 'readSchema', 'object')
  expectField('scan state', o, 'physicalSchema', 'object')
  expectField('scan state', o, 'tableSchema', 'object')
  expectField('scan state', o, 'columnMappingMode', 'string')
  if (!Array.isArray(o.partitionColumns)) throw new InvalidArgumentError(`scan state: expected 'partitionColumns' to be an array`)
  if (o.predicate !== undefined) expectField('scan state', o, 'predicate', 'string')
  return o as unknown as ScanState
}

/** Parses and shape-checks a serialised {@link ScanFile} (`JSON.stringify(file)`). */
export function parseScanFile(json: string): ScanFile {
  const o = parseObject('scan file', json)
  expectField('scan file', o, 'path', 'string')
  expectField('scan file', o, 'size', 'number')
  expectField('scan file', o, 'modificationTime', 'number')
  expectField('scan file', o, 'partitionValues', 'object')
  return o as unknown as ScanFile
}

/**
 * Reads one scan file from its serialised form: `stateJson` is `JSON.stringify(scan.state)`,
 * `fileJson` is `JSON.stringify(file)` for a file of `scan.scanFiles()`. Both are plain JSON (no
 * bigint; the predicate travels as expression text), so they can cross any process boundary.
 * Yields the same batches as `readScanFile` on the original values.
 */
export async function* readScanFileFromJson(
  engine: Engine,
  stateJson: string,
  fileJson: string,
  options: ReadScanFileOptions = {},
): AsyncGenerator<RecordBatch> {
  yield* readScanFile(engine, parseScanState(stateJson), parseScanFile(fileJson), options)
}
