/** Parsing the retention and interval table properties as Spark writes them. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { DeltaError } from '../../src/errors.js'
import type { Metadata } from '../../src/protocol/actions.js'
import {
  checkpointInterval,
  deletedFileRetentionMs,
  logRetentionMs,
  parseIntervalMs,
  setTransactionRetentionMs,
} from '../../src/log/retention.js'

const H = 3_600_000
const D = 24 * H

test('Spark interval strings parse to milliseconds', () => {
  assert.equal(parseIntervalMs('interval 30 days'), 30 * D)
  assert.equal(parseIntervalMs('interval 1 week'), 7 * D)
  assert.equal(parseIntervalMs('INTERVAL 2 WEEKS'), 14 * D)
  assert.equal(parseIntervalMs('168 hours'), 168 * H)
  assert.equal(parseIntervalMs('interval 2 hours 30 minutes'), 2 * H + 30 * 60_000)
  assert.equal(parseIntervalMs('interval 0 seconds'), 0)
  assert.equal(parseIntervalMs('interval 1 day 1 second 1 millisecond'), D + 1001)
})

test('malformed intervals and months are refused with INVALID_ARGUMENT', () => {
  for (const bad of ['', 'interval', 'thirty days', 'interval 3 months', 'interval 1 year', '5', 'interval -1 days']) {
    assert.throws(() => parseIntervalMs(bad), (e: unknown) => e instanceof DeltaError && e.code === 'INVALID_ARGUMENT', bad)
  }
})

const md = (configuration: Record<string, string>): Metadata => ({
  id: 'x',
  format: { provider: 'parquet' },
  schemaString: '{"type":"struct","fields":[]}',
  partitionColumns: [],
  configuration,
})

test('properties fall back to the spec defaults', () => {
  assert.equal(logRetentionMs(md({})), 30 * D)
  assert.equal(deletedFileRetentionMs(md({})), 7 * D)
  assert.equal(checkpointInterval(md({})), 10)
  assert.equal(setTransactionRetentionMs(md({})), undefined)
  assert.equal(logRetentionMs(md({ 'delta.logRetentionDuration': 'interval 2 days' })), 2 * D)
  assert.equal(deletedFileRetentionMs(md({ 'delta.deletedFileRetentionDuration': 'interval 1 hours' })), H)
  assert.equal(checkpointInterval(md({ 'delta.checkpointInterval': '3' })), 3)
  assert.throws(() => checkpointInterval(md({ 'delta.checkpointInterval': '0' })), /positive integer/)
})
