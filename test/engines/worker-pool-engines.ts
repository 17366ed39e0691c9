/**
 * Engine factories the worker-pool tests name by module path: each runs inside a scan worker.
 */
import type { Engine } from '../../src/engine/engine.js'
import { ParquetError, UnsupportedFeatureError } from '../../src/errors.js'
import { createNodeEngine } from '../../src/node.js'

function failingRead(fail: () => never): Engine {
  const engine = createNodeEngine()
  return {
    ...engine,
    parquet: {
      ...engine.parquet,
      read: async function* () {
        fail()
      },
    },
  }
}

/** Every Parquet read fails with a ParquetError naming this engine. */
export function parquetFailingEngine(): Engine {
  return failingRead(() => {
    throw new ParquetError('test engine: every read fails')
  })
}

/** Every Parquet read needs a feature this engine lacks. */
export function unsupportedEngine(): Engine {
  return failingRead(() => {
    throw new UnsupportedFeatureError('testFeature', 'test engine: reads need testFeature')
  })
}

/** The worker thread exits in the middle of a read. */
export function exitingEngine(): Engine {
  return failingRead(() => process.exit(3))
}

/** The plain Node engine, built from options passed across the thread boundary. */
export function optionsEngine(options: { marker?: string }): Engine {
  if (options.marker !== 'from-main') throw new Error(`expected options.marker 'from-main', got ${String(options.marker)}`)
  return createNodeEngine()
}

export const notAFunction = 42
