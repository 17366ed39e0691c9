import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { parquetMetadata } from 'hyparquet'
import { InvalidSchemaError, UnsupportedFeatureError } from '../../src/errors.js'
import { dataSchema, getField, parseSchema, partitionSchema, serializeSchema } from '../../src/protocol/schema.js'
import { columnMappingMode, fieldId, physicalName, toPhysicalSchema } from '../../src/protocol/column-mapping.js'
import type { StructType } from '../../src/protocol/schema-types.js'
import { CORPORA_ROOT } from '../corpora-root.js'

const CORPORA = CORPORA_ROOT

// PROTOCOL.md "Schema Serialization Format" > Example, verbatim.
const SPEC_EXAMPLE = `{
  "type" : "struct",
  "fields" : [ {
    "name" : "a", "type" : "integer", "nullable" : false, "metadata" : { }
  }, {
    "name" : "b",
    "type" : { "type" : "struct", "fields" : [ { "name" : "d", "type" : "integer", "nullable" : false, "metadata" : { } } ] },
    "nullable" : true, "metadata" : { }
  }, {
    "name" : "c", "type" : { "type" : "array", "elementType" : "integer", "containsNull" : false },
    "nullable" : true, "metadata" : { }
  }, {
    "name" : "e",
    "type" : { "type" : "array",
      "elementType" : { "type" : "struct", "fields" : [ { "name" : "d", "type" : "integer", "nullable" : false, "metadata" : { } } ] },
      "containsNull" : true },
    "nullable" : true, "metadata" : { }
  }, {
    "name" : "f", "type" : { "type" : "map", "keyType" : "string", "valueType" : "string", "valueContainsNull" : true },
    "nullable" : true, "metadata" : { }
  } ]
}`

test('parses the spec example into the type model', () => {
  const d = { name: 'd', type: { type: 'integer' }, nullable: false, metadata: {} }
  assert.deepEqual(parseSchema(SPEC_EXAMPLE), {
    type: 'struct',
    fields: [
      { name: 'a', type: { type: 'integer' }, nullable: false, metadata: {} },
      { name: 'b', type: { type: 'struct', fields: [d] }, nullable: true, metadata: {} },
      { name: 'c', type: { type: 'array', elementType: { type: 'integer' }, containsNull: false }, nullable: true, metadata: {} },
      { name: 'e', type: { type: 'array', elementType: { type: 'struct', fields: [d] }, containsNull: true }, nullable: true, metadata: {} },
      {
        name: 'f',
        type: { type: 'map', keyType: { type: 'string' }, valueType: { type: 'string' }, valueContainsNull: true },
        nullable: true,
        metadata: {},
      },
    ],
  })
})

test('serialises in the compact shape Spark writes, decimals as decimal(p,s)', () => {
  const schema: StructType = {
    type: 'struct',
    fields: [
      { name: 'x', type: { type: 'decimal', precision: 10, scale: 2 }, nullable: true, metadata: { comment: 'hi' } },
      { name: 'm', type: { type: 'map', keyType: { type: 'string' }, valueType: { type: 'timestamp_ntz' }, valueContainsNull: false }, nullable: false, metadata: {} },
    ],
  }
  assert.equal(
    serializeSchema(schema),
    '{"type":"struct","fields":[{"name":"x","type":"decimal(10,2)","nullable":true,"metadata":{"comment":"hi"}},' +
      '{"name":"m","type":{"type":"map","keyType":"string","valueType":"timestamp_ntz","valueContainsNull":false},"nullable":false,"metadata":{}}]}',
  )
})

test('keeps int64 metadata values exact through parse and serialise', () => {
  const text =
    '{"type":"struct","fields":[{"name":"id","type":"long","nullable":false,"metadata":{"delta.identity.start":-9223372036854775808,"delta.identity.highWaterMark":9007199254740993,"delta.identity.step":1}}]}'
  const schema = parseSchema(text)
  assert.equal(schema.fields[0]!.metadata['delta.identity.highWaterMark'], 9007199254740993n)
  assert.equal(serializeSchema(schema), text)
})

test('accepts Spark spellings: bare decimal, blanks inside decimal(), missing metadata', () => {
  const s = parseSchema('{"type":"struct","fields":[{"name":"a","type":"decimal","nullable":true},{"name":"b","type":"decimal( 5 , 1 )","nullable":true,"metadata":{}}]}')
  assert.deepEqual(s.fields[0]!.type, { type: 'decimal', precision: 10, scale: 0 })
  assert.deepEqual(s.fields[0]!.metadata, {})
  assert.deepEqual(s.fields[1]!.type, { type: 'decimal', precision: 5, scale: 1 })
})

const field = (type: string): string => `{"type":"struct","fields":[{"name":"a","type":${type},"nullable":true,"metadata":{}}]}`

test('rejects invalid schemas with InvalidSchemaError naming the problem', () => {
  const cases: [string, RegExp][] = [
    [field('"decimal(39,0)"'), /precision must be 1\.\.38, found 39/],
    [field('"decimal(0,0)"'), /precision must be 1\.\.38, found 0/],
    [field('"decimal(5,6)"'), /scale must be 0\.\.precision \(5\), found 6/],
    [field('"decimal(5,-1)"'), /scale must be 0\.\.precision \(5\), found -1/],
    [field('"int"'), /schema field a: unknown type name "int"/],
    [field('"Integer"'), /unknown type name "Integer"/],
    [field('{"type":"array","elementType":"strin","containsNull":true}'), /schema field a\.element: unknown type name "strin"/],
    [field('{"type":"array","elementType":"string"}'), /schema field a: expected a boolean "containsNull", found nothing/],
    [field('{"type":"map","keyType":"string","valueType":"bogus","valueContainsNull":true}'), /a\.value: unknown type name "bogus"/],
    [field('{"type":"udt","class":"x"}'), /expected a type object with "type" struct, array or map, found "udt"/],
    ['{"type":"struct","fields":[{"name":"a","type":"long","metadata":{}}]}', /expected a boolean "nullable", found nothing/],
    ['{"type":"struct","fields":[{"name":"Ab","type":"long","nullable":true},{"name":"aB","type":"long","nullable":true}]}', /unique regardless of case.*"Ab" and "aB"/],
    ['"long"', /top-level type to be a struct, found long/],
    ['{"type":"struct","fields":[', /invalid JSON/],
    ['{"type":"struct"}', /expected a "fields" array/],
  ]
  for (const [text, message] of cases) {
    assert.throws(() => parseSchema(text), (e: unknown) => e instanceof InvalidSchemaError && message.test(e.message), text)
  }
})

test('geospatial types are recognised and refused as an unsupported feature', () => {
  assert.throws(() => parseSchema(field('"geometry(OGC:CRS84)"')), (e: unknown) => e instanceof UnsupportedFeatureError && e.feature === 'geospatial')
})

// ---- property: any Spark-shaped schema JSON survives parse -> serialise byte for byte ----

const primitiveName = fc.oneof(
  fc.constantFrom('string', 'long', 'integer', 'short', 'byte', 'float', 'double', 'boolean', 'binary', 'date', 'timestamp', 'timestamp_ntz', 'void', 'variant'),
  fc.integer({ min: 1, max: 38 }).chain((p) => fc.integer({ min: 0, max: p }).map((s) => `decimal(${p},${s})`)),
)
const metadata = fc.dictionary(
  fc.string({ maxLength: 8 }).filter((k) => k !== '__proto__'),
  fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })),
  { maxKeys: 3 },
)
const { jsonType } = fc.letrec<{ jsonType: unknown; structType: unknown }>((tie) => ({
  jsonType: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    primitiveName,
    tie('structType'),
    fc.record({ type: fc.constant('array'), elementType: tie('jsonType'), containsNull: fc.boolean() }),
    fc.record({ type: fc.constant('map'), keyType: tie('jsonType'), valueType: tie('jsonType'), valueContainsNull: fc.boolean() }),
  ),
  structType: fc.record({
    type: fc.constant('struct'),
    fields: fc
      .uniqueArray(fc.string({ minLength: 1, maxLength: 6, unit: 'grapheme' }), { selector: (n) => n.toLowerCase(), maxLength: 4 })
      .chain((names) => fc.tuple(...names.map((name) => fc.record({ name: fc.constant(name), type: tie('jsonType'), nullable: fc.boolean(), metadata })))),
  }),
}))

/** Reference serialiser for the generated JSON (bigint as bare digits), independent of the code under test. */
function reference(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `@@${x}@@` : x)).replace(/"@@(-?\d+)@@"/g, '$1')
}

test('property: random schemas serialise back to exactly their Spark JSON', () => {
  const topLevel = jsonType.filter((t): t is object => typeof t === 'object' && (t as { type: string }).type === 'struct')
  fc.assert(
    fc.property(topLevel, (json) => {
      const text = reference(json)
      const parsed = parseSchema(text)
      assert.equal(serializeSchema(parsed), text)
      assert.deepEqual(parseSchema(serializeSchema(parsed)), parsed)
    }),
    { seed: 42, numRuns: 300 },
  )
})

// ---- every schema in the corpora ----

function* logFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) yield* logFiles(p)
    else if (p.includes('/_delta_log/') && name.endsWith('.json') && !p.includes('/_staged_commits/')) yield p
  }
}

function corpusSchemas(): { file: string; schemaString: string }[] {
  const out: { file: string; schemaString: string }[] = []
  for (const file of logFiles(CORPORA)) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line.includes('"metaData"')) continue
      let action: { metaData?: { schemaString?: unknown } }
      try {
        action = JSON.parse(line) as typeof action
      } catch {
        continue // corrupt-log fixtures
      }
      const s = action.metaData?.schemaString
      if (typeof s === 'string') out.push({ file, schemaString: s })
    }
  }
  return out
}

test('every corpus schemaString parses, and serialises back to the same JSON', () => {
  const schemas = corpusSchemas()
  assert.ok(schemas.length > 150, `found only ${schemas.length} schemas`)
  const unsupported: string[] = []
  for (const { file, schemaString } of schemas) {
    let parsed: StructType
    try {
      parsed = parseSchema(schemaString)
    } catch (e) {
      if (e instanceof UnsupportedFeatureError && e.feature === 'geospatial') {
        unsupported.push(file)
        continue
      }
      throw new Error(`${file}: ${String(e)}`)
    }
    assert.deepEqual(JSON.parse(serializeSchema(parsed)), JSON.parse(schemaString), file)
    assert.deepEqual(parseSchema(serializeSchema(parsed)), parsed, file)
  }
  assert.ok(unsupported.every((f) => f.includes('/table-with-geo/')), unsupported.join(', '))
})

// ---- lookups ----

test('getField descends through structs only', () => {
  const s = parseSchema(SPEC_EXAMPLE)
  assert.equal(getField(s, ['b', 'd'])?.type.type, 'integer')
  assert.equal(getField(s, ['a'])?.nullable, false)
  assert.equal(getField(s, ['e', 'd']), undefined) // behind an array
  assert.equal(getField(s, ['zz']), undefined)
})

test('partitionSchema keeps partitionColumns order; dataSchema drops them', () => {
  const s = parseSchema(SPEC_EXAMPLE)
  assert.deepEqual(partitionSchema(s, ['c', 'a']).fields.map((f) => f.name), ['c', 'a'])
  assert.deepEqual(dataSchema(s, ['c', 'A']).fields.map((f) => f.name), ['b', 'e', 'f'])
  assert.throws(() => partitionSchema(s, ['nope']), InvalidSchemaError)
})

// ---- column mapping ----

const CM_EXAMPLE = `{"type":"struct","fields":[{"name":"e","type":{"type":"array","elementType":{"type":"struct","fields":[{"name":"d","type":"integer","nullable":false,"metadata":{"delta.columnMapping.id":5,"delta.columnMapping.physicalName":"col-a7f4159c-53be-4cb0-b81a-f7e5240cfc49"}}]},"containsNull":true},"nullable":true,"metadata":{"delta.columnMapping.id":4,"delta.columnMapping.physicalName":"col-5f422f40-de70-45b2-88ab-1d5c90e94db1"}}]}`

test('columnMappingMode reads delta.columnMapping.mode', () => {
  assert.equal(columnMappingMode(undefined), 'none')
  assert.equal(columnMappingMode({}), 'none')
  assert.equal(columnMappingMode({ 'delta.columnMapping.mode': 'name' }), 'name')
  assert.equal(columnMappingMode({ 'delta.columnMapping.mode': 'id' }), 'id')
  assert.throws(() => columnMappingMode({ 'delta.columnMapping.mode': 'weird' }), UnsupportedFeatureError)
})

test('toPhysicalSchema renames nested fields (the spec example) and sets field ids in id mode', () => {
  const s = parseSchema(CM_EXAMPLE)
  assert.equal(physicalName(s.fields[0]!), 'col-5f422f40-de70-45b2-88ab-1d5c90e94db1')
  assert.equal(fieldId(s.fields[0]!), 4)
  const byName = toPhysicalSchema(s, 'name')
  const e = byName.fields[0]!
  assert.equal(e.name, 'col-5f422f40-de70-45b2-88ab-1d5c90e94db1')
  assert.ok(e.type.type === 'array' && e.type.elementType.type === 'struct')
  assert.equal(e.type.elementType.fields[0]!.name, 'col-a7f4159c-53be-4cb0-b81a-f7e5240cfc49')
  assert.equal(e.metadata['parquet.field.id'], undefined)
  const byId = toPhysicalSchema(s, 'id')
  const e2 = byId.fields[0]!
  assert.equal(e2.metadata['parquet.field.id'], 4)
  assert.ok(e2.type.type === 'array' && e2.type.elementType.type === 'struct')
  assert.equal(e2.type.elementType.fields[0]!.metadata['parquet.field.id'], 5)
  assert.equal(toPhysicalSchema(s, 'none'), s)
  assert.throws(() => toPhysicalSchema(parseSchema(SPEC_EXAMPLE), 'name'), /field a has no delta\.columnMapping\.physicalName/)
})

interface SchemaElement {
  name: string
  num_children?: number
  field_id?: number
}

/** Leaf and group names of a Parquet file's schema, with field ids, keyed by dotted path. */
function parquetNames(file: string): Map<string, number | undefined> {
  const buf = readFileSync(file)
  const meta = parquetMetadata(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength))
  const elements = meta.schema as SchemaElement[]
  const out = new Map<string, number | undefined>()
  let i = 1
  const walk = (count: number, prefix: string): void => {
    for (let k = 0; k < count; k++) {
      const el = elements[i++]!
      const path = prefix + el.name
      out.set(path, el.field_id)
      walk(el.num_children ?? 0, path + '.')
    }
  }
  walk(elements[0]!.num_children ?? 0, '')
  return out
}

for (const [table, mode] of [
  ['golden/table-with-columnmapping-mode-name/delta', 'name'],
  ['kernel-rs/cdf-column-mapping-id-mode', 'id'],
] as const) {
  test(`physical top-level names and ids match the Parquet files of ${table}`, () => {
    const dir = join(CORPORA, table)
    const log = readFileSync(join(dir, '_delta_log', '00000000000000000000.json'), 'utf8')
    const meta = log.split('\n').map((l) => (l ? (JSON.parse(l) as { metaData?: { schemaString: string; configuration: Record<string, string> } }) : {})).find((a) => a.metaData)!.metaData!
    assert.equal(columnMappingMode(meta.configuration), mode)
    const physical = toPhysicalSchema(parseSchema(meta.schemaString), mode, { fieldIds: true })
    const dataFile = readdirSync(dir).find((f) => f.endsWith('.parquet'))!
    const names = parquetNames(join(dir, dataFile))
    for (const f of physical.fields) {
      assert.ok(names.has(f.name), `${f.name} not in ${[...names.keys()].join(', ')}`)
      assert.equal(names.get(f.name), f.metadata['parquet.field.id'], f.name)
    }
  })
}
