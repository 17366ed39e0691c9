import { test } from 'node:test'
import assert from 'node:assert/strict'
import * as arrow from 'apache-arrow'
import { toArrowSchema, toArrowType } from '../../src/protocol/arrow-types.js'
import { parseSchema } from '../../src/protocol/schema.js'
import type { DataType } from '../../src/protocol/schema-types.js'

const T = (type: string): DataType => ({ type }) as DataType

test('primitive types map to the documented Arrow types', () => {
  const cases: [DataType, arrow.DataType][] = [
    [T('string'), new arrow.Utf8()],
    [T('long'), new arrow.Int64()],
    [T('integer'), new arrow.Int32()],
    [T('short'), new arrow.Int16()],
    [T('byte'), new arrow.Int8()],
    [T('float'), new arrow.Float32()],
    [T('double'), new arrow.Float64()],
    [T('boolean'), new arrow.Bool()],
    [T('binary'), new arrow.Binary()],
    [T('date'), new arrow.DateDay()],
    [T('void'), new arrow.Null()],
  ]
  for (const [delta, expected] of cases) {
    const actual = toArrowType(delta)
    assert.ok(arrow.util.compareTypes(actual, expected), `${delta.type}: ${String(actual)} vs ${String(expected)}`)
  }
  const ts = toArrowType(T('timestamp')) as arrow.Timestamp
  assert.equal(ts.typeId, arrow.Type.Timestamp)
  assert.equal(ts.unit, arrow.TimeUnit.MICROSECOND)
  assert.equal(ts.timezone, 'UTC')
  const ntz = toArrowType(T('timestamp_ntz')) as arrow.Timestamp
  assert.equal(ntz.unit, arrow.TimeUnit.MICROSECOND)
  assert.equal(ntz.timezone, null)
  const d = toArrowType({ type: 'decimal', precision: 38, scale: 9 }) as arrow.Decimal
  assert.deepEqual([d.typeId, d.precision, d.scale, d.bitWidth], [arrow.Type.Decimal, 38, 9, 128])
})

test('variant is a struct of two non-null binaries', () => {
  const v = toArrowType(T('variant')) as arrow.Struct
  assert.equal(v.typeId, arrow.Type.Struct)
  assert.deepEqual(
    v.children.map((f) => [f.name, f.type.typeId, f.nullable]),
    [
      ['metadata', arrow.Type.Binary, false],
      ['value', arrow.Type.Binary, false],
    ],
  )
})

test('nested types, nullability and field metadata carry over', () => {
  const schema = parseSchema(
    '{"type":"struct","fields":[' +
      '{"name":"s","type":{"type":"struct","fields":[{"name":"x","type":"long","nullable":false,"metadata":{}}]},"nullable":true,"metadata":{"delta.columnMapping.id":3,"delta.columnMapping.physicalName":"col-1","flag":true}},' +
      '{"name":"a","type":{"type":"array","elementType":"string","containsNull":false},"nullable":false,"metadata":{}},' +
      '{"name":"m","type":{"type":"map","keyType":"string","valueType":"integer","valueContainsNull":true},"nullable":true,"metadata":{}}]}',
  )
  const out = toArrowSchema(schema)
  const [s, a, m] = out.fields as [arrow.Field, arrow.Field, arrow.Field]
  assert.equal(s.name, 's')
  assert.equal(s.nullable, true)
  assert.deepEqual([...s.metadata], [
    ['delta.columnMapping.id', '3'],
    ['delta.columnMapping.physicalName', 'col-1'],
    ['flag', 'true'],
  ])
  const x = (s.type as arrow.Struct).children[0]!
  assert.deepEqual([x.name, x.type.typeId, x.nullable], ['x', arrow.Type.Int, false])
  assert.equal(a.nullable, false)
  assert.equal(a.type.typeId, arrow.Type.List)
  const element = (a.type as arrow.List).children[0]!
  assert.deepEqual([element.name, element.type.typeId, element.nullable], ['element', arrow.Type.Utf8, false])
  assert.equal(m.type.typeId, arrow.Type.Map)
  assert.equal((m.type as arrow.Map_).keysSorted, false)
  const entries = (m.type as arrow.Map_).children[0]!
  assert.deepEqual([entries.name, entries.nullable], ['entries', false])
  assert.deepEqual(
    (entries.type as arrow.Struct).children.map((f) => [f.name, f.type.typeId, f.nullable]),
    [
      ['key', arrow.Type.Utf8, false],
      ['value', arrow.Type.Int, true],
    ],
  )
})

test('the Arrow schema builds real vectors (empty columns of every type)', () => {
  const schema = parseSchema(
    '{"type":"struct","fields":[' +
      ['string', 'long', 'integer', 'short', 'byte', 'float', 'double', 'boolean', 'binary', 'date', 'timestamp', 'timestamp_ntz', '"decimal(10,2)"', 'void', 'variant']
        .map((t, i) => `{"name":"c${i}","type":${t.startsWith('"') ? t : `"${t}"`},"nullable":true,"metadata":{}}`)
        .join(',') +
      ']}',
  )
  const arrowSchema = toArrowSchema(schema)
  const table = new arrow.Table(arrowSchema)
  assert.equal(table.numCols, 15)
  assert.equal(table.numRows, 0)
})
