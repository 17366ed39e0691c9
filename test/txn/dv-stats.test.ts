/**
 * Stats of a file re-added with a DV (PROTOCOL.md "Per-file Statistics"): `numRecords` must be
 * the data file's physical row count, `tightBounds` false; every other member is kept as written
 * (decimal and 64-bit bounds would be rounded by a JSON round trip). Expected strings by hand.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { unionDeleted, wideStats } from '../../src/txn/deletion-vector-write.js'
import { RoaringBitmapArray } from '../../src/protocol/roaring.js'

test('wideStats replaces numRecords and tightBounds and keeps the other members byte for byte', () => {
  assert.equal(
    wideStats('{"numRecords":3,"minValues":{"d":12345678901234567890.123456789,"l":9223372036854775807},"tightBounds":true}', 3),
    '{"numRecords":3,"tightBounds":false,"minValues":{"d":12345678901234567890.123456789,"l":9223372036854775807}}',
  )
  assert.equal(
    wideStats('{ "minValues" : {"s":"a,}b\\"c]"} , "nullCount":{"s":[0]}, "numRecords": 7 }', 9),
    '{"numRecords":9,"tightBounds":false,"minValues" : {"s":"a,}b\\"c]"},"nullCount":{"s":[0]}}',
  )
  assert.equal(wideStats('{}', 4), '{"numRecords":4,"tightBounds":false}')
})

test('wideStats writes minimal stats when there are none or they are not one JSON object', () => {
  for (const bad of [undefined, null, '', '[1]', '{"a":1', '{"a":1}}', '{,}', '{"a"}', 'null']) {
    assert.equal(wideStats(bad, 2), '{"numRecords":2,"tightBounds":false}', String(bad))
  }
})

test('unionDeleted: the old DV rows and the new ones, once each', () => {
  assert.deepEqual(unionDeleted(RoaringBitmapArray.from([0, 9, 70000]), [3, 9, 70001]).toArray(), [0, 3, 9, 70000, 70001])
  assert.deepEqual(unionDeleted(undefined, [5, 1]).toArray(), [1, 5])
})
