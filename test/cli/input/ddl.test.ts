/** The `--schema` DDL and JSON forms of `create`. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { UsageError } from '../../../src/cli/context.js'
import { parseDdl, parseSchemaArgument } from '../../../src/cli/input/ddl.js'

const f = (name: string, type: unknown, nullable = true) => ({ name, type, nullable, metadata: {} })

test('every type of the brief, in the Delta schema model', () => {
  const s = parseDdl('id long, name string, price decimal(10,2), tags array<string>, m map<string,int>, s struct<a: int, b: string>, ts timestamp, d date')
  assert.deepEqual(s, {
    type: 'struct',
    fields: [
      f('id', { type: 'long' }),
      f('name', { type: 'string' }),
      f('price', { type: 'decimal', precision: 10, scale: 2 }),
      f('tags', { type: 'array', elementType: { type: 'string' }, containsNull: true }),
      f('m', { type: 'map', keyType: { type: 'string' }, valueType: { type: 'integer' }, valueContainsNull: true }),
      f('s', { type: 'struct', fields: [f('a', { type: 'integer' }), f('b', { type: 'string' })] }),
      f('ts', { type: 'timestamp' }),
      f('d', { type: 'date' }),
    ],
  })
})

test('aliases, NOT NULL, case, back-quoted names, nesting, decimal default', () => {
  const s = parseDdl('`a b` BIGINT NOT NULL, x: SmallInt, y tinyint, z REAL, t TIMESTAMP_NTZ, dd decimal, n array<map<int, array<struct<`q``r`: bool not null>>>>')
  assert.deepEqual(s.fields.map((x) => [x.name, x.nullable]), [['a b', false], ['x', true], ['y', true], ['z', true], ['t', true], ['dd', true], ['n', true]])
  assert.deepEqual(s.fields.slice(1, 6).map((x) => x.type), [{ type: 'short' }, { type: 'byte' }, { type: 'float' }, { type: 'timestamp_ntz' }, { type: 'decimal', precision: 10, scale: 0 }])
  assert.deepEqual(s.fields[6]!.type, {
    type: 'array',
    containsNull: true,
    elementType: {
      type: 'map',
      keyType: { type: 'integer' },
      valueContainsNull: true,
      valueType: { type: 'array', containsNull: true, elementType: { type: 'struct', fields: [f('q`r', { type: 'boolean' }, false)] } },
    },
  })
})

test('errors name the offset and what was expected', () => {
  const cases: [string, RegExp][] = [
    ['id long, name strin', /unknown type "strin".* at offset 14/],
    ['id long,', /expected a column name, found the end of the text at offset 8/],
    ['id long name string', /expected ',' or the end of the schema, found "name" at offset 8/],
    ['m map<string>', /expected ',', found ">" at offset 12/],
    ['s struct<a int', /expected ',' or '>' in struct<...>, found the end of the text/],
    ['p decimal(39,2)', /precision must be 1\.\.38, found 39/],
    ['p decimal(5,6)', /scale must be 0\.\.precision \(5\), found 6/],
    ['a int, A string', /"a" and "A" collide/],
    ['a int NOT', /expected NOT NULL/],
    ['a int, b ?', /unexpected character "\?" at offset 9/],
    ['', /expected a column name, found the end of the text at offset 0/],
  ]
  for (const [text, message] of cases) assert.throws(() => parseDdl(text), (e: unknown) => e instanceof UsageError && message.test(e.message), text)
})

test('JSON schemas go through the Delta schema parser; its errors become usage errors', () => {
  const json = '{"type":"struct","fields":[{"name":"a","type":"decimal(12,3)","nullable":false,"metadata":{"comment":"x"}}]}'
  assert.deepEqual(parseSchemaArgument(`  ${json}`), { type: 'struct', fields: [{ name: 'a', type: { type: 'decimal', precision: 12, scale: 3 }, nullable: false, metadata: { comment: 'x' } }] })
  assert.throws(() => parseSchemaArgument('{"type":"struct","fields":[{"name":"a"}]}'), (e: unknown) => e instanceof UsageError && /schema field a: expected a type name/.test(e.message))
  assert.throws(() => parseSchemaArgument('{"type":'), (e: unknown) => e instanceof UsageError && /invalid JSON/.test(e.message))
})
