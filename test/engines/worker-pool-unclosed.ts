/**
 * Child process for worker-pool.test.ts: reads a table through a pool it never closes, prints the
 * row count, and must then exit on its own (idle workers do not hold the process).
 */
import { createScanWorkerPool } from '../../src/engines/worker-pool/pool.js'
import { rowsOf, scanOf } from '../scan/parallel-fixtures.js'

async function main(): Promise<void> {
  const pool = createScanWorkerPool({ size: 2 })
  const scan = await scanOf('golden/dv-partitioned-with-checkpoint/delta')
  console.log((await rowsOf(scan.batches({ pool }))).length)
}
void main()
