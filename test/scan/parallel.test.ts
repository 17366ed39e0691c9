/**
 * readScanFilesConcurrently against a reference model (ordered output is the concatenation of the
 * files in order; unordered output is an interleaving that keeps each file's order), its bounds on
 * files in flight and buffered items, failures, early stop and abort; and the in-process
 * concurrent reader on corpus tables.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { AbortedError, InvalidArgumentError, ParquetError } from '../../src/errors.js'
import { createConcurrentScanReader, readScanFilesConcurrently } from '../../src/scan/parallel.js'
import { createNodeEngine } from '../../src/node.js'
import { CASES, rowsOf, scanOf } from './parallel-fixtures.js'

const tick = (n: number) => new Promise<void>((r) => setTimeout(r, n))

interface Probe {
  active: number
  maxActive: number
  produced: number
  consumed: number
  maxAhead: number
  aborted: number
}

/** File k yields `${k}:${j}` for j < counts[k], waiting delays[k] ms (0 = a microtask) before each. */
function reader(counts: readonly number[], delays: readonly number[], probe: Probe) {
  return async function* (k: number, _i: number, signal: AbortSignal) {
    probe.active++
    probe.maxActive = Math.max(probe.maxActive, probe.active)
    try {
      for (let j = 0; j < counts[k]!; j++) {
        if (delays[k]! > 0) await tick(delays[k]!)
        else await Promise.resolve()
        if (signal.aborted) {
          probe.aborted++
          return
        }
        probe.produced++
        probe.maxAhead = Math.max(probe.maxAhead, probe.produced - probe.consumed)
        yield `${k}:${j}`
      }
    } finally {
      probe.active--
    }
  }
}

const newProbe = (): Probe => ({ active: 0, maxActive: 0, produced: 0, consumed: 0, maxAhead: 0, aborted: 0 })

test('ordered output is every file in order; unordered keeps each file in order; bounds hold', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.record({ count: fc.integer({ min: 0, max: 6 }), delay: fc.constantFrom(0, 0, 1, 3) }), { maxLength: 9 }),
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 1, max: 3 }),
      fc.boolean(),
      async (spec, concurrency, buffer, ordered) => {
        const counts = spec.map((s) => s.count)
        const probe = newProbe()
        const files = counts.map((_, k) => k)
        const got: string[] = []
        for await (const item of readScanFilesConcurrently(files, reader(counts, spec.map((s) => s.delay), probe), { concurrency, ordered, bufferedBatchesPerFile: buffer })) {
          probe.consumed++
          got.push(item)
        }
        const want = counts.flatMap((c, k) => Array.from({ length: c }, (_, j) => `${k}:${j}`))
        if (ordered) assert.deepEqual(got, want)
        else {
          assert.deepEqual([...got].sort(), [...want].sort())
          for (let k = 0; k < counts.length; k++) {
            assert.deepEqual(got.filter((x) => x.startsWith(`${k}:`)), want.filter((x) => x.startsWith(`${k}:`)))
          }
        }
        assert.ok(probe.maxActive <= concurrency, `at most ${concurrency} files in flight, saw ${probe.maxActive}`)
        // Each file in flight holds at most `buffer` items, plus the one handed to the consumer.
        assert.ok(probe.maxAhead <= concurrency * buffer + 1, `at most ${concurrency * buffer + 1} items ahead, saw ${probe.maxAhead}`)
      },
    ),
    { seed: 42, numRuns: 60 },
  )
})

test('a slow consumer holds the readers back', async () => {
  const probe = newProbe()
  const files = [0, 1, 2, 3]
  const iter = readScanFilesConcurrently(files, reader([50, 50, 50, 50], [0, 0, 0, 0], probe), { concurrency: 2, bufferedBatchesPerFile: 3 })
  let n = 0
  for await (const _ of iter) {
    probe.consumed++
    if (++n === 5) break
    await tick(2)
  }
  assert.ok(probe.produced <= 5 + 2 * 3 + 1, `produced ${probe.produced} for 5 consumed`)
})

test('the first failure rejects the read and cancels the other files', async () => {
  const probe = newProbe()
  const base = reader([20, 20, 20], [1, 1, 1], probe)
  const failing = async function* (k: number, i: number, signal: AbortSignal) {
    if (k === 1) {
      await tick(3)
      throw new ParquetError('file 1 is broken')
    }
    yield* base(k, i, signal)
  }
  const got: string[] = []
  await assert.rejects(
    (async () => {
      for await (const x of readScanFilesConcurrently([0, 1, 2], failing, { concurrency: 3 })) got.push(x)
    })(),
    (e: unknown) => e instanceof ParquetError && e.message === 'file 1 is broken',
  )
  assert.ok(got.length < 20, 'failed before file 0 was done')
  await tick(10)
  assert.equal(probe.active, 0, 'readers stopped')
})

test('stopping early and aborting stop the readers', async () => {
  const probe = newProbe()
  for await (const x of readScanFilesConcurrently([0, 1, 2], reader([100, 100, 100], [1, 1, 1], probe), { concurrency: 3 })) {
    if (x === '0:3') break
  }
  await tick(10)
  assert.equal(probe.active, 0)
  assert.ok(probe.aborted > 0)

  const controller = new AbortController()
  const probe2 = newProbe()
  await assert.rejects(
    (async () => {
      for await (const x of readScanFilesConcurrently([0, 1], reader([100, 100], [1, 1], probe2), { signal: controller.signal })) {
        if (x === '0:2') controller.abort()
      }
    })(),
    AbortedError,
  )
  await tick(10)
  assert.equal(probe2.active, 0)
})

test('an already aborted signal and bad options are rejected', async () => {
  const probe = newProbe()
  await assert.rejects(rowsOfStrings(readScanFilesConcurrently([0], reader([1], [0], probe), { signal: AbortSignal.abort() })), AbortedError)
  await assert.rejects(rowsOfStrings(readScanFilesConcurrently([0], reader([1], [0], probe), { concurrency: 0 })), InvalidArgumentError)
  await assert.rejects(rowsOfStrings(readScanFilesConcurrently([0], reader([1], [0], probe), { bufferedBatchesPerFile: 1.5 })), InvalidArgumentError)
})

async function rowsOfStrings(it: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = []
  for await (const x of it) out.push(x)
  return out
}

test('the in-process concurrent reader returns the rows of a sequential scan, in order when ordered', async () => {
  const reader = createConcurrentScanReader(createNodeEngine(), { concurrency: 3 })
  for (const c of CASES) {
    const want = await rowsOf((await scanOf(c.table, c.options)).batches())
    const ordered = await scanOf(c.table, c.options)
    assert.deepEqual(await rowsOf(ordered.batches({ pool: reader })), want, `${c.table} ordered`)
    if (c.options?.limit !== undefined) continue
    assert.equal(ordered.metrics.filesRead, ordered.scanFiles().length)
    const unordered = await scanOf(c.table, c.options)
    assert.deepEqual((await rowsOf(unordered.batches({ pool: reader, ordered: false, maxInFlight: 2 }))).sort(), [...want].sort(), `${c.table} unordered`)
  }
})
