import { test } from 'node:test'
import assert from 'node:assert/strict'
import { toTableUrl } from '../../src/engines/table-url.js'

test('toTableUrl: absolute and relative paths become file:// URLs ending in /', () => {
  assert.equal(toTableUrl('/data/t'), 'file:///data/t/')
  assert.equal(toTableUrl('/data/t/'), 'file:///data/t/')
  assert.equal(toTableUrl('/data/my table/é'), 'file:///data/my%20table/%C3%A9/')
  assert.equal(toTableUrl('/data/a%20b'), 'file:///data/a%2520b/', 'a literal % in a path is data')
  assert.equal(toTableUrl('/data/x/../t'), 'file:///data/t/')
  const cwd = process.cwd() // Expected value built by string concatenation, not by the code under test.
  assert.equal(toTableUrl('rel/t'), 'file://' + encodeURI(cwd) + '/rel/t/')
  assert.equal(toTableUrl('.'), 'file://' + encodeURI(cwd) + '/')
})

test('toTableUrl: URLs are normalised, not re-encoded', () => {
  assert.equal(toTableUrl('file:///data/t'), 'file:///data/t/')
  assert.equal(toTableUrl('file:/data/t'), 'file:///data/t/', 'Spark spelling')
  assert.equal(toTableUrl('file:///data/a%20b/'), 'file:///data/a%20b/')
  assert.equal(toTableUrl('s3://bucket/t'), 's3://bucket/t/')
})

test('toTableUrl: refuses empty strings, queries and fragments', () => {
  assert.throws(() => toTableUrl(''), { code: 'INVALID_ARGUMENT' })
  assert.throws(() => toTableUrl('file:///data/t?x=1'), { code: 'INVALID_ARGUMENT' })
  assert.throws(() => toTableUrl('file:///data/t#x'), { code: 'INVALID_ARGUMENT' })
  assert.throws(() => toTableUrl('http://[bad/t'), { code: 'INVALID_ARGUMENT' })
})
