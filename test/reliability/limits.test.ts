/**
 * Resource limits on log reading, and cancellation: an aborted snapshot load or scan rejects with
 * `AbortedError` promptly, even when the store would take an hour to answer, and starts almost no
 * I/O after the abort.
 */
import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import { withFaults } from '../../src/engines/fault-injection.js'
import { defaultJsonHandler } from '../../src/engine/json.js'
import { DEFAULT_LOG_LIMITS, resolveLogLimits } from '../../src/engine/limits.js'
import { AbortedError, InvalidArgumentError, LimitExceededError } from '../../src/errors.js'
import { Scan } from '../../src/scan/scan.js'
import { Table } from '../../src/table.js'
import { ROOT, corpusFs, describeError, engineOn, reporter } from './helpers.js'

const report = reporter('limits and cancellation')
after(() => report.print())

const enc = (s: string) => new TextEncoder().encode(s)
const HOUR = 3_600_000
const commit = (v: number) => `${ROOT}_delta_log/${String(v).padStart(20, '0')}.json`

test('line length is measured in bytes, before decoding', () => {
  // 'é' is two bytes in UTF-8: 6 characters, 12 bytes.
  const data = enc(`{"a":1}\n"éééééé"\n`)
  assert.deepEqual(defaultJsonHandler.parseLines(data, 'x', { maxLineBytes: 14 }), [{ a: 1 }, 'éééééé'])
  assert.throws(() => defaultJsonHandler.parseLines(data, 'x', { maxLineBytes: 13 }), (e: unknown) => e instanceof LimitExceededError && /line 2 is 14 bytes/.test(e.message))
})

test('limits default sensibly and refuse nonsense', () => {
  assert.deepEqual(resolveLogLimits(undefined), DEFAULT_LOG_LIMITS)
  assert.deepEqual(resolveLogLimits({ maxLineBytes: 10 }), { ...DEFAULT_LOG_LIMITS, maxLineBytes: 10 })
  for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
    assert.throws(() => resolveLogLimits({ maxActionsPerFile: bad }), InvalidArgumentError)
  }
})

test('an over-limit commit is refused from its listed size, before it is read', async () => {
  const inner = corpusFs('delta-rs/simple_table_with_checkpoint')
  await inner.put(commit(11), enc(`{"commitInfo":{"x":"${'a'.repeat(100_000)}"}}`))
  const fs = withFaults(inner)
  const engine = { ...engineOn(fs), limits: { maxLogFileBytes: 50_000 } }
  await assert.rejects(Table.open(ROOT, engine).snapshot(), LimitExceededError)
  assert.equal(fs.faults.calls.filter((c) => c.op === 'read' && c.location === commit(11)).length, 0)
  await assert.rejects(Table.open(ROOT, engine).history(), LimitExceededError)
  report.add('limit', 'commit of 100 KB, maxLogFileBytes 50 KB', 'LimitExceededError (LIMIT_EXCEEDED) before reading it; history() too')
})

test('an over-limit JSON V2 checkpoint raises LimitExceededError', async () => {
  const fs = corpusFs('kernel-rs/v2-checkpoints-json-without-sidecars')
  const engine = { ...engineOn(fs), limits: { maxActionsPerFile: 5 } }
  const err = await Table.open(ROOT, engine).snapshot().then(() => undefined, (e: unknown) => e)
  assert.ok(err instanceof LimitExceededError, describeError(err))
  report.add('limit', 'JSON V2 checkpoint over maxActionsPerFile 5', describeError(err))
})

test('a snapshot load aborted while the store hangs rejects with AbortedError at once', { timeout: 20_000 }, async () => {
  const ctl = new AbortController()
  const fs = withFaults(corpusFs('delta-rs/simple_table_with_checkpoint'), {
    rules: [{ ops: 'read', match: /\.json$/, fault: { kind: 'delay', ms: HOUR } }],
    onCall: (c) => {
      if (c.op === 'read' && c.location.endsWith('.json')) setTimeout(() => ctl.abort(), 1)
    },
  })
  await fs.put(commit(11), enc('{"commitInfo":{}}'))
  await assert.rejects(Table.open(ROOT, engineOn(fs)).snapshot({ signal: ctl.signal }), AbortedError)
  report.add('abort', 'snapshot load, store hangs for an hour on a commit read', 'AbortedError (ABORTED) at once')
})

test('a scan aborted while a data file read hangs rejects with AbortedError at once', { timeout: 20_000 }, async () => {
  const ctl = new AbortController()
  const fs = withFaults(corpusFs('delta-rs/simple_table_with_checkpoint'), {
    rules: [{ ops: ['read', 'readRange', 'head'], match: /part-[^/]*\.parquet$/, fault: { kind: 'delay', ms: HOUR } }],
    onCall: (c) => {
      if (/part-[^/]*\.parquet$/.test(c.location)) setTimeout(() => ctl.abort(), 1)
    },
  })
  const snapshot = await Table.open(ROOT, engineOn(fs)).snapshot()
  const run = async () => {
    for await (const _ of new Scan(snapshot).batches({ signal: ctl.signal })) {
      // rows are not expected
    }
  }
  await assert.rejects(run(), AbortedError)
  report.add('abort', 'scan, store hangs for an hour on a data file read', 'AbortedError (ABORTED) at once')
})

test('after an abort, a snapshot load and a scan start almost no further I/O', async () => {
  for (const abortAt of [1, 3, 6, 12]) {
    const ctl = new AbortController()
    let callsAtAbort = -1
    const fs = withFaults(corpusFs('delta-rs/simple_table_with_checkpoint', { filter: (rel) => !rel.endsWith('.checkpoint.parquet') && !rel.endsWith('_last_checkpoint') }), {
      onCall: (c) => {
        if (c.seq === abortAt) {
          ctl.abort()
          callsAtAbort = c.seq
        }
      },
    })
    const work = async () => {
      const snapshot = await Table.open(ROOT, engineOn(fs)).snapshot({ signal: ctl.signal })
      for await (const _ of new Scan(snapshot).batches({ signal: ctl.signal })) {
        // drain
      }
    }
    await assert.rejects(work(), AbortedError)
    const after = fs.faults.calls.length - callsAtAbort
    // Commit reads are prefetched 8 at a time: those already issued may still be recorded.
    assert.ok(after <= 8, `abort at call ${abortAt}: ${after} calls after the abort`)
    report.add('abort', `load + scan aborted at storage call ${abortAt}`, `AbortedError; ${after} calls after the abort (bound 8)`)
  }
})
