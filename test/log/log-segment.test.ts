import { test } from 'node:test'
import assert from 'node:assert/strict'
import { LogGapError, TableNotFoundError, VersionNotFoundError } from '../../src/errors.js'
import { type LogFile, padVersion, parseLogFile } from '../../src/log/log-files.js'
import { chooseCheckpoint, segmentFromFiles } from '../../src/log/log-segment.js'

const ROOT = 'memory:///t/'
const file = (name: string): LogFile => {
  const f = parseLogFile({ location: `${ROOT}_delta_log/${name}`, size: 1, lastModified: 0 })
  assert.ok(f, `not a log file: ${name}`)
  return f
}
const commit = (v: number) => file(`${padVersion(v)}.json`)

test('parses every log file name of the spec and ignores others', () => {
  assert.deepEqual(file('00000000000000000007.json').kind, { type: 'commit' })
  assert.deepEqual(file('00000000000000000010.checkpoint.parquet').kind, { type: 'checkpoint', layout: 'classic' })
  assert.deepEqual(file('00000000000000000010.checkpoint.0000000002.0000000003.parquet').kind, {
    type: 'checkpoint',
    layout: 'multipart',
    part: 2,
    parts: 3,
  })
  assert.deepEqual(file('00000000000000000010.checkpoint.80a083e8-7026-4e79-81be-64bd76c43a11.json').kind, {
    type: 'checkpoint',
    layout: 'uuid',
    uuid: '80a083e8-7026-4e79-81be-64bd76c43a11',
    format: 'json',
  })
  assert.deepEqual(file('00000000000000000004.00000000000000000006.compacted.json').kind, { type: 'compaction', endVersion: 6 })
  assert.deepEqual(file('00000000000000000004.crc').kind, { type: 'crc' })
  for (const name of ['_last_checkpoint', '0001.json', '00000000000000000001.json.tmp', '.00000000000000000001.json.crc']) {
    assert.equal(parseLogFile({ location: `${ROOT}_delta_log/${name}`, size: 1, lastModified: 0 }), undefined, name)
  }
})

test('segment without checkpoint needs every commit from 0', () => {
  const s = segmentFromFiles(ROOT, [commit(0), commit(1), commit(2)])
  assert.equal(s.version, 2)
  assert.deepEqual(s.commits.map((c) => c.version), [0, 1, 2])
  assert.equal(s.checkpoint, undefined)
})

test('segment starts after the newest complete checkpoint at or below the version', () => {
  const files = [0, 1, 2, 3, 4, 5].map(commit).concat([file('00000000000000000002.checkpoint.parquet'), file('00000000000000000004.checkpoint.parquet')])
  assert.deepEqual(segmentFromFiles(ROOT, files).commits.map((c) => c.version), [5])
  assert.equal(segmentFromFiles(ROOT, files).checkpoint?.version, 4)
  const at3 = segmentFromFiles(ROOT, files, 3)
  assert.equal(at3.checkpoint?.version, 2)
  assert.deepEqual(at3.commits.map((c) => c.version), [3])
  assert.equal(segmentFromFiles(ROOT, files, 1).checkpoint, undefined)
})

test('incomplete multi-part checkpoints are skipped', () => {
  const files = [
    ...[0, 1, 2, 3].map(commit),
    file('00000000000000000001.checkpoint.0000000001.0000000002.parquet'),
    file('00000000000000000001.checkpoint.0000000002.0000000002.parquet'),
    file('00000000000000000003.checkpoint.0000000001.0000000002.parquet'),
  ]
  const cp = chooseCheckpoint(files, 3)
  assert.equal(cp?.version, 1)
  assert.equal(cp?.files.length, 2)
})

test('a gap in the commits is a LogGapError', () => {
  assert.throws(() => segmentFromFiles(ROOT, [commit(0), commit(1), commit(3)]), LogGapError)
  assert.throws(() => segmentFromFiles(ROOT, [commit(1), commit(2)]), LogGapError)
})

test('versions beyond the latest or before the cleaned-up log are VersionNotFoundError', () => {
  assert.throws(() => segmentFromFiles(ROOT, [commit(0), commit(1)], 5), VersionNotFoundError)
  const cleaned = [file('00000000000000000005.checkpoint.parquet'), commit(5), commit(6)]
  assert.equal(segmentFromFiles(ROOT, cleaned).version, 6)
  assert.throws(() => segmentFromFiles(ROOT, cleaned, 2), VersionNotFoundError)
})

test('an empty log is not a table', () => {
  assert.throws(() => segmentFromFiles(ROOT, []), TableNotFoundError)
})

test('a checkpoint alone (commits cleaned up) is a readable segment', () => {
  const s = segmentFromFiles(ROOT, [file('00000000000000000009.checkpoint.parquet')])
  assert.equal(s.version, 9)
  assert.deepEqual(s.commits, [])
})
