/**
 * Errors crossing the worker boundary: every DeltaError class comes back as itself, with its code,
 * message, extra fields and cause; other errors keep name, message and a non-kernel `code`. The
 * serialised form survives structured clone, as postMessage applies it.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import * as errors from '../../src/errors.js'
import { DeltaError, ParquetError, StreamDataChangedError, UnsupportedFeatureError } from '../../src/errors.js'
import { ReadOnlyStorageError } from '../../src/engines/http.js'
import { rebuildError, serializeError } from '../../src/engines/worker-pool/protocol.js'

const roundTrip = (e: unknown) => rebuildError(structuredClone(serializeError(e)))

test('every DeltaError class is rebuilt as itself with code, message and fields', () => {
  type ErrorClass = new (...a: never[]) => DeltaError
  const classes = (Object.values(errors) as unknown[]).filter((v) => typeof v === 'function' && v.prototype instanceof DeltaError) as ErrorClass[]
  assert.ok(classes.length > 20, 'found the error classes')
  for (const cls of classes) {
    // Build an instance without knowing the constructor's parameters; then set the fields.
    const original = Reflect.construct(DeltaError, ['INVALID_LOG', `a ${cls.name}`], cls) as DeltaError
    const back = roundTrip(original)
    assert.ok(back instanceof cls, cls.name)
    assert.equal(back.constructor, cls)
    assert.equal(back.name, cls.name)
    assert.equal((back as DeltaError).code, original.code)
    assert.equal(back.message, original.message)
  }
  const rebuiltRo = roundTrip(new ReadOnlyStorageError('read-only store'))
  assert.ok(rebuiltRo instanceof ReadOnlyStorageError)
})

test('extra fields and causes survive', () => {
  const u = roundTrip(new UnsupportedFeatureError('deletionVectors', 'table needs deletionVectors'))
  assert.ok(u instanceof UnsupportedFeatureError)
  assert.equal(u.feature, 'deletionVectors')
  assert.equal(u.code, 'UNSUPPORTED_FEATURE')
  const s = roundTrip(new StreamDataChangedError('changed at 7', { version: 7, change: 'update' }))
  assert.ok(s instanceof StreamDataChangedError)
  assert.equal(s.version, 7)
  assert.equal(s.change, 'update')
  const p = roundTrip(new ParquetError('bad page', { cause: new RangeError('offset out of range') }))
  assert.ok(p instanceof ParquetError)
  assert.ok(p.cause instanceof Error)
  assert.equal((p.cause as Error).name, 'RangeError')
  assert.equal((p.cause as Error).message, 'offset out of range')
})

test('non-kernel errors keep name, message and code but are not DeltaErrors', () => {
  const sys = Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT', errno: -2 })
  const back = roundTrip(sys)
  assert.ok(!(back instanceof DeltaError))
  assert.equal(back.message, 'ENOENT: no such file')
  assert.equal((back as Error & { code: string }).code, 'ENOENT')
  assert.equal((back as Error & { errno: number }).errno, -2)
  const t = roundTrip(new TypeError('x is not a function'))
  assert.equal(t.name, 'TypeError')
  const odd = roundTrip('a string was thrown')
  assert.equal(odd.message, 'a string was thrown')
})
