/**
 * The scan worker pool: rows equal a sequential scan (and Spark's expected rows) on corpus tables
 * with deletion vectors, column mapping, partitions and predicates, for pool sizes 1 and 3,
 * ordered and unordered; ordered output keeps scan-file order; worker errors come back typed;
 * abort, worker exits and close leave the pool (and the process) in a clean state.
 */
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { open } from 'node:fs/promises'
import { promisify } from 'node:util'
import { join } from 'node:path'
import { AbortedError, DeltaError, InvalidArgumentError, ParquetError, StorageError, UnsupportedFeatureError } from '../../src/errors.js'
import { createScanWorkerPool, type ScanWorkerPool } from '../../src/engines/worker-pool/pool.js'
import { rowToJson } from '../../src/index.js'
import { createNodeEngine } from '../../src/node.js'
import { readScanFile } from '../../src/scan/read-file.js'
import { CASES, copyTable, generatedTable, rowsOf, scanOf } from '../scan/parallel-fixtures.js'
import { canonicalRows, expectedGoldenRows } from './golden-rows.js'

const ENGINES = join(import.meta.dirname, 'worker-pool-engines.ts')
const pools: ScanWorkerPool[] = []
function pool(options: Parameters<typeof createScanWorkerPool>[0]): ScanWorkerPool {
  const p = createScanWorkerPool(options)
  pools.push(p)
  return p
}
after(() => Promise.all(pools.map((p) => p.close())))

const small = pool({ size: 1 })
const three = pool({ size: 3 })

test('rows via the pool equal a sequential scan: sizes 1 and 3, ordered and unordered', async () => {
  for (const c of CASES) {
    const want = await rowsOf((await scanOf(c.table, c.options)).batches())
    for (const p of [small, three]) {
      const ordered = await scanOf(c.table, c.options)
      assert.deepEqual(await rowsOf(ordered.batches({ pool: p })), want, `${c.table} size ${p.size} ordered`)
      if (c.options?.limit !== undefined) continue
      const sequential = await scanOf(c.table, c.options)
      await rowsOf(sequential.batches())
      assert.deepEqual(ordered.metrics, sequential.metrics, `${c.table}: same counters as a sequential scan`)
      const unordered = await scanOf(c.table, c.options)
      const got = await rowsOf(unordered.batches({ pool: p, ordered: false }))
      assert.deepEqual(got.sort(), [...want].sort(), `${c.table} size ${p.size} unordered`)
    }
  }
})

test('rows via the pool equal the golden expected rows', async () => {
  for (const name of ['dv-partitioned-with-checkpoint', 'snapshot-data2-deleted', 'basic-with-inserts-updates']) {
    const scan = await scanOf(`golden/${name}/delta`)
    const rows: Record<string, unknown>[] = []
    for await (const b of three.readScanFiles(scan.state, scan.scanFiles(), { ordered: false })) {
      for (let i = 0; i < b.numRows; i++) rows.push(rowToJson(b, i) as Record<string, unknown>)
    }
    assert.deepEqual(canonicalRows(rows), await expectedGoldenRows(name), name)
  }
})

test('ordered output keeps scan-file order, each file in row order', async () => {
  // 20 files of 3 row groups: rows of file k are ids k*60 .. k*60+59 (see generatedTable).
  const { dir, cleanup } = await generatedTable(20, 60, 20)
  try {
    const scan = await scanOf(dir)
    const fileOrder = scan.scanFiles().map((f) => (JSON.parse(f.stats!) as { minValues: { file: number } }).minValues.file)
    const want = fileOrder.flatMap((k) => Array.from({ length: 60 }, (_, j) => String(k * 60 + j)))
    for (const p of [small, three]) {
      for (const maxInFlight of [1, 4, 20]) {
        const ids: string[] = []
        for await (const b of p.readScanFiles(scan.state, scan.scanFiles(), { maxInFlight })) {
          for (const v of b.getChild('id')!) ids.push(String(v))
        }
        assert.deepEqual(ids, want, `size ${p.size}, maxInFlight ${maxInFlight}`)
      }
      const unordered: string[] = []
      for await (const b of p.readScanFiles(scan.state, scan.scanFiles(), { ordered: false })) {
        for (const v of b.getChild('id')!) unordered.push(String(v))
      }
      assert.deepEqual(unordered.sort(), [...want].sort())
    }
  } finally {
    await cleanup()
  }
})

/** Runs `read` and returns what it rejected with (fails if it does not). */
async function rejection(read: Promise<unknown>): Promise<Error> {
  try {
    await read
  } catch (e) {
    return e as Error
  }
  assert.fail('expected the read to fail')
}

test('a damaged data file rejects with the error a sequential scan gives; the pool reads on', async () => {
  const { dir, cleanup } = await copyTable('golden/dv-partitioned-with-checkpoint/delta')
  try {
    const scan = await scanOf(dir)
    const files = scan.scanFiles()
    const localOf = (i: number) => join(dir, decodeURIComponent(files[i]!.path))
    // Same size, no Parquet footer magic: the Parquet reader must reject it.
    const h = await open(localOf(4), 'r+')
    await h.write(new Uint8Array(8), 0, 8, files[4]!.size - 8)
    await h.close()
    for (const ordered of [true, false]) {
      const e = await rejection(rowsOf(scan.batches({ pool: three, ordered })))
      assert.ok(e instanceof ParquetError, `expected ParquetError, got ${String(e)}`)
      assert.equal(e.code, 'PARQUET_ERROR')
      assert.equal(e.name, 'ParquetError')
    }
    // Truncated: shorter than the log says. Whatever the class, the pool reports what a sequential scan does.
    const t = await open(localOf(9), 'r+')
    await t.truncate(40)
    await t.close()
    const seqError = await rejection(rowsOf(readScanFile(createNodeEngine(), scan.state, files[9]!)))
    const poolError = await rejection(rowsOf(three.readScanFiles(scan.state, [files[9]!])))
    assert.ok(seqError instanceof DeltaError)
    assert.equal(poolError.constructor, seqError.constructor)
    assert.equal((poolError as DeltaError).code, seqError.code)
    assert.equal(poolError.message, seqError.message)
    const healthy = await scanOf('golden/dv-partitioned-with-checkpoint/delta')
    assert.equal((await rowsOf(healthy.batches({ pool: three }))).length, (await rowsOf(healthy.batches())).length)
  } finally {
    await cleanup()
  }
})

test('errors keep their class and fields across the thread boundary', async () => {
  const scan = await scanOf('kernel-rs/table-with-dv-small')
  const unsupported = pool({ size: 1, engineFactory: { module: ENGINES, exportName: 'unsupportedEngine' } })
  await assert.rejects(rowsOf(unsupported.readScanFiles(scan.state, scan.scanFiles())), (e: unknown) => {
    assert.ok(e instanceof UnsupportedFeatureError)
    assert.equal(e.feature, 'testFeature')
    assert.equal(e.code, 'UNSUPPORTED_FEATURE')
    assert.equal(e.message, 'test engine: reads need testFeature')
    return true
  })
  const failing = pool({ size: 2, engineFactory: { module: ENGINES, exportName: 'parquetFailingEngine' } })
  await assert.rejects(rowsOf(failing.readScanFiles(scan.state, scan.scanFiles())), (e: unknown) => e instanceof ParquetError && /every read fails/.test(e.message))
})

test('engine factories: options cross over; a bad module or export is InvalidArgumentError', async () => {
  const scan = await scanOf('kernel-rs/table-with-dv-small')
  const want = await rowsOf(scan.batches())
  const withOptions = pool({ size: 1, engineFactory: { module: ENGINES, exportName: 'optionsEngine', options: { marker: 'from-main' } } })
  assert.deepEqual(await rowsOf(withOptions.readScanFiles(scan.state, scan.scanFiles())), want)
  const missing = pool({ size: 1, engineFactory: { module: join(import.meta.dirname, 'no-such-engine.ts') } })
  await assert.rejects(rowsOf(missing.readScanFiles(scan.state, scan.scanFiles())), (e: unknown) => e instanceof InvalidArgumentError && /could not be imported/.test(e.message))
  const notFn = pool({ size: 1, engineFactory: { module: ENGINES, exportName: 'notAFunction' } })
  await assert.rejects(rowsOf(notFn.readScanFiles(scan.state, scan.scanFiles())), (e: unknown) => e instanceof InvalidArgumentError && /expected a function/.test(e.message))
})

test('a worker that exits fails its read with StorageError; the pool replaces it', async () => {
  const scan = await scanOf('golden/dv-partitioned-with-checkpoint/delta')
  const exiting = pool({ size: 2, engineFactory: { module: ENGINES, exportName: 'exitingEngine' } })
  for (let round = 0; round < 2; round++) {
    await assert.rejects(rowsOf(exiting.readScanFiles(scan.state, scan.scanFiles())), (e: unknown) => e instanceof StorageError && /exited with code 3 while reading/.test(e.message))
  }
})

test('abort cancels outstanding work; the pool stays usable', async () => {
  const { dir, cleanup } = await generatedTable(12, 40, 10)
  try {
    const scan = await scanOf(dir)
    const total = scan.scanFiles().length * 40
    for (const ordered of [true, false]) {
      const controller = new AbortController()
      let seen = 0
      await assert.rejects(
        (async () => {
          for await (const b of three.readScanFiles(scan.state, scan.scanFiles(), { signal: controller.signal, ordered })) {
            seen += b.numRows
            controller.abort()
          }
        })(),
        AbortedError,
      )
      assert.ok(seen < total)
    }
    await assert.rejects(rowsOf(three.readScanFiles(scan.state, scan.scanFiles(), { signal: AbortSignal.abort() })), AbortedError)
    // Stopping early (a limit) cancels the rest as well.
    const limited = await scanOf(dir, { limit: 5 })
    assert.equal((await rowsOf(limited.batches({ pool: three }))).length, 5)
    assert.equal((await rowsOf(scan.batches({ pool: three }))).length, total)
  } finally {
    await cleanup()
  }
})

test('close fails outstanding reads with AbortedError; a closed pool refuses new reads', async () => {
  const scan = await scanOf('golden/dv-partitioned-with-checkpoint/delta')
  const p = createScanWorkerPool({ size: 2 })
  const iter = p.readScanFiles(scan.state, scan.scanFiles())[Symbol.asyncIterator]()
  assert.equal((await iter.next()).done, false)
  await p.close()
  await assert.rejects(async () => {
    for (;;) if ((await iter.next()).done) break
  }, AbortedError)
  await p.close()
  await assert.rejects(rowsOf(p.readScanFiles(scan.state, scan.scanFiles())), InvalidArgumentError)
  assert.throws(() => createScanWorkerPool({ size: 0 }), InvalidArgumentError)
})

test('a pool that is never closed does not keep the process alive once idle', async () => {
  const child = join(import.meta.dirname, 'worker-pool-unclosed.ts')
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', child], { timeout: 60_000 })
  const want = await rowsOf((await scanOf('golden/dv-partitioned-with-checkpoint/delta')).batches())
  assert.equal(stdout.trim(), String(want.length))
})
