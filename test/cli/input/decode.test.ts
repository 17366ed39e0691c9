/**
 * Decoding NDJSON and CSV input into Arrow: exact buffers for the types that must not pass through
 * a JS number (hand-computed), the forgiving spellings, and errors that name line and column.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import * as A from 'apache-arrow'
import { readCsv } from '../../../src/cli/input/csv.js'
import { parseDdl } from '../../../src/cli/input/ddl.js'
import { readNdjson } from '../../../src/cli/input/ndjson.js'
import { InvalidWriteError } from '../../../src/errors.js'
import { vectorValueToJson } from '../../../src/protocol/value-encoding.js'

const schema = parseDdl('l long, dec decimal(38,2), ts timestamp, tsn timestamp_ntz, d date, f float, bin binary, m map<string, int>, s struct<a: int NOT NULL>')

function column(batch: A.RecordBatch, name: string): A.Data {
  return batch.getChild(name)!.data[0]!
}

test('exact values: int64 beyond 2^53, 128-bit decimals, microsecond timestamps, dates, float32, base64', async () => {
  const [batch] = await readNdjson(
    [
      '{"l": 9007199254740993, "dec": "-1.05", "ts": "1970-01-01T00:00:00.000001Z", "tsn": "1969-12-31T23:59:59.999999", "d": "1969-12-31", "f": 0.1, "bin": "AP8="}',
      '{"l": "-9223372036854775808", "dec": "999999999999999999999999999999999999.99", "ts": "2021-01-02T04:04:05.5+01:00", "d": "+10000-01-01", "f": "-Infinity", "bin": ""}',
    ],
    schema,
    'x.ndjson',
  )
  assert.ok(batch)
  assert.deepEqual([...(column(batch, 'l').values as BigInt64Array)], [9007199254740993n, -(2n ** 63n)])
  // -105 and 10^38 - 1 as little-endian two's-complement 32-bit words (computed with Python ints).
  const words = column(batch, 'dec').values as Uint32Array
  assert.deepEqual([...words.subarray(0, 4)], [0xffffff97, 0xffffffff, 0xffffffff, 0xffffffff])
  assert.deepEqual([...words.subarray(4, 8)], [0xffffffff, 0x098a223f, 0x5a86c47a, 0x4b3b4ca8])
  // 2021-01-02T03:04:05.5Z = 1609556645.5 s
  assert.deepEqual([...(column(batch, 'ts').values as BigInt64Array)], [1n, 1609556645500000n])
  assert.deepEqual([...(column(batch, 'tsn').values as BigInt64Array)].slice(0, 1), [-1n])
  assert.equal(column(batch, 'tsn').nullCount, 1)
  assert.deepEqual([...(column(batch, 'd').values as Int32Array)], [-1, 2932897])
  assert.deepEqual([...(column(batch, 'f').values as Float32Array)], [Math.fround(0.1), -Infinity])
  const bin = column(batch, 'bin')
  assert.deepEqual([...(bin.valueOffsets as Int32Array)], [0, 2, 2])
  assert.deepEqual([...(bin.values as Uint8Array).subarray(0, 2)], [0, 255])
  assert.equal(bin.nullCount, 0, 'the empty string is empty bytes, not null')
})

test('maps as pairs or (string keys) objects; missing struct fields and columns are null', async () => {
  const [batch] = await readNdjson(['{"m": [["k", 1], ["j", null]], "s": {"a": 5}}', '{"m": {"z": 2}}', '{}'], schema, 'x.ndjson')
  assert.ok(batch)
  assert.deepEqual([0, 1, 2].map((i) => vectorValueToJson(batch.getChild('m')!, i)), [
    [['k', 1], ['j', null]],
    [['z', 2]],
    null,
  ])
  assert.equal(column(batch, 's').nullCount, 2)
  assert.equal(batch.numRows, 3)
})

test('bad values: the error names file, line, column path and the reason', async () => {
  const cases: [string, RegExp][] = [
    ['{"l": 1.5}', /x\.ndjson: line 3, column l: expected long \(an integer number or a string of digits\), found 1\.5/],
    ['{"l": "9223372036854775808"}', /column l: expected long \(out of range/],
    ['{"dec": "1.005"}', /column dec: expected decimal\(38,2\) \(more than 2 fraction digits; it would be rounded\)/],
    ['{"ts": "2021-01-01T00:00:00.0000001Z"}', /column ts: .*finer than microseconds/],
    ['{"ts": "2021-01-01 00:00:00"}', /column ts: .*need a zone designator/],
    ['{"tsn": "2021-01-01T00:00:00Z"}', /column tsn: .*no zone designator/],
    ['{"d": "2021-13-01"}', /column d: expected date \(no such calendar date\)/],
    ['{"f": 1e39}', /column f: expected float \(outside the float range\)/],
    ['{"bin": "AP8"}', /column bin: expected binary \(a standard base64 string with padding\)/],
    ['{"m": [["k", "x"]]}', /column m\[0\]\.value: expected integer/],
    ['{"m": [[null, 1]]}', /column m\[0\]\.key: null in a non-nullable field/],
    ['{"s": {}}', /column s\.a: null in a non-nullable field/],
    ['{"s": {"a": 1, "b": 2}}', /column s\.b: unknown field \(expected one of: a\)/],
    ['[1]', /line 3: expected a JSON object \(one row\), found an array/],
    ['{"l": 1,}', /line 3: invalid JSON/],
  ]
  for (const [line, message] of cases) {
    await assert.rejects(readNdjson(['{}', '', line], schema, 'x.ndjson'), (e: unknown) => e instanceof InvalidWriteError && message.test(e.message) && /line 3/.test(e.message), line)
  }
})

test('CSV: the CSV output encoding, with JSON text for nested values', () => {
  const text = 'l,dec,f,m,s,bin\n9007199254740993,12.30,NaN,"[[""a"",1]]","{""a"":7}",""\n,,,,,\n'
  const [batch] = readCsv(text, schema, 'x.csv')
  assert.ok(batch)
  assert.deepEqual([...(column(batch, 'l').values as BigInt64Array)].slice(0, 1), [9007199254740993n])
  assert.deepEqual([...(column(batch, 'dec').values as Uint32Array).subarray(0, 4)], [1230, 0, 0, 0])
  assert.ok(Number.isNaN((column(batch, 'f').values as Float32Array)[0]))
  assert.deepEqual([0, 1].map((i) => vectorValueToJson(batch.getChild('s')!, i)), [{ a: 7 }, null])
  assert.deepEqual(vectorValueToJson(batch.getChild('m')!, 0), [['a', 1]])
  for (const name of ['l', 'dec', 'f', 'm', 's']) assert.equal(column(batch, name).nullCount, 1, name)
  assert.equal(column(batch, 'bin').nullCount, 1, 'quoted "" is empty bytes, the unquoted empty field is null')
  assert.throws(() => readCsv('l,l\n1,2\n', schema, 'x.csv'), /line 1: column "l" appears twice/)
  assert.throws(() => readCsv('l,dec\n1\n', schema, 'x.csv'), /line 2: expected 2 fields \(as in the header\), found 1/)
  assert.throws(() => readCsv('l,s\n1,{a}\n', schema, 'x.csv'), /line 2, column s: expected JSON text for a struct/)
})
