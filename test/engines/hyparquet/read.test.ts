/**
 * Reading: real Spark-written files requested with their Delta schemas, checked value by value
 * against DuckDB; type widening; missing columns; field-id matching; row-group selection;
 * compression codecs and page formats; checkpoint-shaped nested data; the footer I/O budget.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import type * as arrow from 'apache-arrow'
import type { ParquetHandler } from '../../../src/engine/parquet.js'
import { createHyparquetHandler } from '../../../src/engines/hyparquet/index.js'
import { CHECKPOINT_ADD, CHECKPOINT_NON_FILE, CHECKPOINT_REMOVE } from '../../../src/log/checkpoint-schema.js'
import { parseSchema } from '../../../src/protocol/schema.js'
import type { DataType, StructField, StructType } from '../../../src/protocol/schema-types.js'
import { arrowRows, duck, duckRows } from './duckdb-oracle.js'
import { fileUrl, testFileSystem } from './local-fs.js'
import { CORPORA_ROOT } from '../../corpora-root.js'

const GOLDEN = `${CORPORA_ROOT}/golden`
const dir = mkdtempSync(join(tmpdir(), 'hyparquet-read-'))
const f = (name: string, type: DataType, nullable = true, metadata: Record<string, unknown> = {}): StructField => ({
  name,
  type,
  nullable,
  metadata,
})
const struct = (...fields: StructField[]): StructType => ({ type: 'struct', fields })

async function readAll(handler: ParquetHandler, path: string, schema: StructType, rowGroups?: number[]) {
  const meta = await testFileSystem().head(fileUrl(path))
  const batches: arrow.RecordBatch[] = []
  const firsts: number[] = []
  for await (const { batch, firstRowIndex } of handler.read(meta, { schema, rowGroups })) {
    batches.push(batch)
    firsts.push(firstRowIndex)
  }
  return { batches, firsts }
}

/** The Delta schema Spark stored in the file's footer. */
async function sparkSchema(handler: ParquetHandler, path: string): Promise<StructType> {
  const footer = await handler.readFooter(await testFileSystem().head(fileUrl(path)))
  return parseSchema(footer.keyValueMetadata['org.apache.spark.sql.parquet.row.metadata']!)
}

const TABLES = [
  'data-reader-primitives',
  'parquet-decimal-type',
  'decimal-various-scale-precision',
  'kernel-timestamp-int96',
  'kernel-timestamp-timestamp_micros',
  'data-reader-nested-struct',
  'data-reader-array-primitives',
  'data-reader-date-types-utc',
  'data-reader-timestamp_ntz',
  'basic-decimal-table',
  'data-skipping-basic-stats-all-types',
]

for (const table of TABLES) {
  test(`golden ${table}: every value of every file equals DuckDB's reading, with the Delta schema`, async () => {
    const handler = createHyparquetHandler(testFileSystem())
    const files = ['expected', 'delta']
      .flatMap((sub) => readdirSync(join(GOLDEN, table, sub), { recursive: true }).map((p) => join(GOLDEN, table, sub, String(p))))
      .filter((p) => p.endsWith('.parquet') && !p.includes('_delta_log'))
    assert.ok(files.length > 0)
    for (const path of files) {
      const schema = await sparkSchema(handler, path)
      const { batches } = await readAll(handler, path, schema)
      assert.equal(batches[0]?.schema.fields.length ?? schema.fields.length, schema.fields.length)
      assert.deepStrictEqual(arrowRows(batches, schema), await duckRows(path, schema), path)
    }
  })
}

test('timestamps keep microseconds: INT96 and INT64 read as BigInt64 micros since the epoch', async () => {
  const handler = createHyparquetHandler(testFileSystem())
  const path = join(dir, 'ts.parquet')
  await (await duck()).run(`COPY (SELECT TIMESTAMP '2021-03-04 05:06:07.123456' AS t) TO '${path}' (FORMAT parquet)`)
  const { batches } = await readAll(handler, path, struct(f('t', { type: 'timestamp_ntz' })))
  assert.equal((batches[0]!.getChildAt(0)!.data[0]!.values as BigInt64Array)[0], 1614834367123456n)
})

test('type widening: narrower file types are converted exactly to the requested types (kernel-rs type-widening)', async () => {
  const handler = createHyparquetHandler(testFileSystem())
  const root = `${CORPORA_ROOT}/kernel-rs/type-widening`
  const log = readFileSync(join(root, '_delta_log/00000000000000000002.json'), 'utf8')
  const schemaString = log.split('\n').map((l) => (l ? JSON.parse(l) : {})).find((a) => a.metaData)!.metaData.schemaString
  const schema = parseSchema(schemaString)
  const files = readdirSync(root).filter((p) => p.endsWith('.parquet'))
  assert.equal(files.length, 2)
  for (const file of files) {
    const path = join(root, file)
    const { batches } = await readAll(handler, path, schema)
    assert.deepStrictEqual(arrowRows(batches, schema), await duckRows(path, schema, true), file)
  }
})

test('type widening of generated data: int→long, float→double, int/long→decimal, decimal scale-up, date→timestamp_ntz', async () => {
  const handler = createHyparquetHandler(testFileSystem())
  const path = join(dir, 'widen.parquet')
  await (await duck()).run(`COPY (SELECT * FROM (VALUES
      ((-2147483648)::INTEGER, -3.5::FLOAT, (-128)::TINYINT, 123456789012::BIGINT, -12.34::DECIMAL(4,2), DATE '1969-12-31'),
      (2147483647::INTEGER, 1e30::FLOAT, 127::TINYINT, -9::BIGINT, 99.99::DECIMAL(4,2), DATE '2024-02-29'),
      (NULL, NULL, NULL, NULL, NULL, NULL)
    ) t(i, fl, b, l, dec, dt)) TO '${path}' (FORMAT parquet)`)
  const schema = struct(
    f('i', { type: 'long' }),
    f('fl', { type: 'double' }),
    f('b', { type: 'integer' }),
    f('l', { type: 'decimal', precision: 22, scale: 2 }),
    f('dec', { type: 'decimal', precision: 10, scale: 5 }),
    f('dt', { type: 'timestamp_ntz' }),
  )
  const { batches } = await readAll(handler, path, schema)
  assert.deepStrictEqual(arrowRows(batches, schema), await duckRows(path, schema, true))
})

test('a decimal cannot be narrowed to a smaller scale', async () => {
  const handler = createHyparquetHandler(testFileSystem())
  const path = join(dir, 'widen.parquet')
  await assert.rejects(readAll(handler, path, struct(f('dec', { type: 'decimal', precision: 10, scale: 1 }))), { code: 'PARQUET_ERROR' })
})

test('missing columns are all-null (nested too); a missing non-nullable column is an error', async () => {
  const handler = createHyparquetHandler(testFileSystem())
  const path = join(GOLDEN, 'data-reader-nested-struct/expected')
  const file = join(path, readdirSync(path).find((p) => p.endsWith('.parquet'))!)
  const schema = struct(
    f('b', { type: 'integer' }),
    f('nope', { type: 'array', elementType: { type: 'string' }, containsNull: true }),
    f('a', struct(f('aa', { type: 'string' }), f('zz', { type: 'long' }), f('ac', struct(f('acb', { type: 'long' }))))),
  )
  const { batches } = await readAll(handler, file, schema)
  const ours = arrowRows(batches, schema) as { b: number; nope: unknown; a: { aa: string; zz: unknown; ac: { acb: string } } }[]
  const theirs = (await duckRows(file, struct(f('b', { type: 'integer' }), f('a', (await sparkSchema(handler, file)).fields[0]!.type)))) as {
    b: number
    a: { aa: string; ac: { acb: string } }
  }[]
  assert.equal(ours.length, theirs.length)
  ours.forEach((row, i) => {
    assert.deepStrictEqual(row, { b: theirs[i]!.b, nope: null, a: { aa: theirs[i]!.a.aa, zz: null, ac: { acb: theirs[i]!.a.ac.acb } } })
  })
  await assert.rejects(readAll(handler, file, struct(f('required_missing', { type: 'long' }, false))), { code: 'PARQUET_ERROR' })
})

test('field ids: matched by parquet.field.id when the file has ids (names ignored), else by name', async () => {
  const fs = testFileSystem()
  const handler = createHyparquetHandler(fs)
  const physical = struct(
    f('col-1a2b', { type: 'long' }, true, { 'parquet.field.id': 7 }),
    f('col-3c4d', struct(f('col-5e6f', { type: 'string' }, true, { 'parquet.field.id': 9 })), true, { 'parquet.field.id': 8 }),
  )
  const source = join(dir, 'ids-source.parquet')
  await (await duck()).run(`COPY (SELECT * FROM (VALUES (1::BIGINT, {'col-5e6f': 'x'}), (2, NULL), (NULL, {'col-5e6f': NULL}))
    t("col-1a2b", "col-3c4d")) TO '${source}' (FORMAT parquet)`)
  const { batches } = await readAll(handler, source, physical)
  const out = join(dir, 'ids.parquet')
  await handler.write(fileUrl(out), batches, { schema: physical })
  // Requested names differ from the file's: only the ids connect them (as after a column-mapping rename).
  const renamed = struct(
    f('renamed', { type: 'long' }, true, { 'parquet.field.id': 7 }),
    f('other', struct(f('inner', { type: 'string' }, true, { 'parquet.field.id': 9 })), true, { 'parquet.field.id': 8 }),
    f('col-1a2b', { type: 'long' }, true, { 'parquet.field.id': 99 }),
  )
  const read = await readAll(handler, out, renamed)
  assert.deepStrictEqual(arrowRows(read.batches, renamed), [
    { renamed: '1', other: { inner: 'x' }, 'col-1a2b': null },
    { renamed: '2', other: null, 'col-1a2b': null },
    { renamed: null, other: { inner: null }, 'col-1a2b': null },
  ])
  // The DuckDB-written source has no field ids: the same request falls back to names.
  const byName = await readAll(handler, source, renamed)
  assert.deepStrictEqual(
    arrowRows(byName.batches, renamed).map((r) => (r as { 'col-1a2b': unknown })['col-1a2b']),
    ['1', '2', null],
  )
})

test('row-group selection reads only those groups, tagged with their first row index', async () => {
  const fs = testFileSystem()
  const handler = createHyparquetHandler(fs)
  const path = join(dir, 'groups.parquet')
  const schema = struct(f('i', { type: 'long' }, false), f('s', { type: 'string' }))
  await (await duck()).run(`COPY (SELECT range AS i, 'v' || range AS s FROM range(35)) TO '${join(dir, 'g-src.parquet')}' (FORMAT parquet)`)
  const { batches: src } = await readAll(handler, join(dir, 'g-src.parquet'), schema)
  await handler.write(fileUrl(path), src, { schema, rowGroupSize: 10 })
  const footer = await handler.readFooter(await fs.head(fileUrl(path)))
  assert.deepEqual(footer.rowGroups.map((g) => g.numRows), [10, 10, 10, 5])
  const all = await duckRows(path, schema)
  const { batches, firsts } = await readAll(handler, path, schema, [1, 3])
  assert.deepEqual(firsts, [10, 30])
  assert.deepStrictEqual(arrowRows(batches, schema), [...all.slice(10, 20), ...all.slice(30, 35)])
  await assert.rejects(readAll(handler, path, schema, [3, 1]), { code: 'INVALID_ARGUMENT' })
  await assert.rejects(readAll(handler, path, schema, [4]), { code: 'INVALID_ARGUMENT' })
})

test('compression codecs and page formats written by DuckDB (v1 and v2 pages, delta encodings)', async () => {
  const handler = createHyparquetHandler(testFileSystem())
  const schema = struct(
    f('i', { type: 'long' }),
    f('s', { type: 'string' }),
    f('d', { type: 'double' }),
    f('dec', { type: 'decimal', precision: 20, scale: 4 }),
    f('b', { type: 'boolean' }),
    f('l', { type: 'array', elementType: { type: 'integer' }, containsNull: true }),
  )
  const sql = `SELECT CASE WHEN range % 7 = 0 THEN NULL ELSE range * 1000003 END AS i, 'str' || (range % 13) AS s,
    range / 3.0 AS d, (range * 12345.6789)::DECIMAL(20,4) AS dec, range % 3 = 0 AS b,
    CASE WHEN range % 5 = 0 THEN NULL ELSE [range::INTEGER, NULL, 2] END AS l FROM range(3000)`
  for (const codec of ['snappy', 'gzip', 'zstd', 'brotli', 'lz4', 'lz4_raw', 'uncompressed']) {
    for (const version of ['V1', 'V2']) {
      const path = join(dir, `codec-${codec}-${version}.parquet`)
      await (await duck()).run(`COPY (${sql}) TO '${path}' (FORMAT parquet, COMPRESSION ${codec}, PARQUET_VERSION ${version}, ROW_GROUP_SIZE 1024)`)
      const { batches } = await readAll(handler, path, schema)
      assert.deepStrictEqual(arrowRows(batches, schema), await duckRows(path, schema), `${codec} ${version}`)
    }
  }
})

test('checkpoint-shaped data with the replay schema (pruned leaves, maps, null structs) equals DuckDB', async () => {
  const handler = createHyparquetHandler(testFileSystem())
  const path = join(dir, 'checkpoint.parquet')
  await (await duck()).run(`COPY (SELECT
      CASE WHEN i % 9 = 0 THEN NULL ELSE {
        'path': 'p/' || i, 'partitionValues': CASE WHEN i % 5 = 0 THEN MAP {} ELSE MAP {'a': i::VARCHAR, 'b': CASE WHEN i % 2 = 0 THEN NULL ELSE 'x' END} END,
        'size': i * 10, 'modificationTime': 1700000000000 + i, 'dataChange': i % 2 = 0, 'stats': '{"numRecords":' || i || '}',
        'tags': MAP {'t': 'v'},
        'deletionVector': CASE WHEN i % 4 = 0 THEN {'storageType': 'u', 'pathOrInlineDv': 'abc', 'offset': i::INTEGER, 'sizeInBytes': 36, 'cardinality': 3::BIGINT} ELSE NULL END,
        'baseRowId': CASE WHEN i % 3 = 0 THEN NULL ELSE i END, 'defaultRowCommitVersion': 5::BIGINT } END AS add,
      CASE WHEN i % 9 = 0 THEN {'path': 'r/' || i, 'deletionTimestamp': 5::BIGINT, 'dataChange': true, 'extendedFileMetadata': NULL::BOOLEAN,
        'partitionValues': MAP {'a': '1'}, 'size': 3::BIGINT} ELSE NULL END AS remove,
      CASE WHEN i = 1 THEN {'id': 'm', 'name': NULL::VARCHAR, 'description': NULL::VARCHAR, 'format': {'provider': 'parquet', 'options': MAP {}::MAP(VARCHAR, VARCHAR)},
        'schemaString': '{}', 'partitionColumns': ['a', 'b'], 'createdTime': 1::BIGINT, 'configuration': MAP {'k': 'v'}} ELSE NULL END AS metaData,
      CASE WHEN i = 2 THEN {'minReaderVersion': 3, 'minWriterVersion': 7, 'readerFeatures': ['deletionVectors'], 'writerFeatures': []::VARCHAR[]} ELSE NULL END AS protocol,
      CASE WHEN i = 3 THEN {'appId': 'app', 'version': 4::BIGINT, 'lastUpdated': NULL::BIGINT} ELSE NULL END AS txn
    FROM range(2500) t(i)) TO '${path}' (FORMAT parquet, ROW_GROUP_SIZE 1000)`)
  const schema = struct(f('add', CHECKPOINT_ADD), f('remove', CHECKPOINT_REMOVE), ...CHECKPOINT_NON_FILE.fields)
  const { batches, firsts } = await readAll(handler, path, schema)
  const footer = await handler.readFooter(await testFileSystem().head(fileUrl(path)))
  assert.ok(footer.rowGroups.length > 1)
  assert.deepEqual(firsts, footer.rowGroups.map((_, g) => footer.rowGroups.slice(0, g).reduce((n, rg) => n + rg.numRows, 0)))
  // DuckDB lacks the fields the file does not have: compare against its reading with those as nulls.
  const ours = arrowRows(batches, schema)
  const fileSchema = struct(
    f('add', struct(...CHECKPOINT_ADD.fields.filter((x) => x.name !== 'clusteringProvider'))),
    f('remove', struct(...CHECKPOINT_REMOVE.fields.filter((x) => x.name !== 'deletionVector'))),
    f('metaData', (CHECKPOINT_NON_FILE.fields[0]!.type)),
    f('protocol', CHECKPOINT_NON_FILE.fields[1]!.type),
    f('txn', CHECKPOINT_NON_FILE.fields[2]!.type),
  )
  const theirs = (await duckRows(path, fileSchema)) as Record<string, Record<string, unknown> | null>[]
  const expected = theirs.map((r) => ({
    add: r.add && { ...r.add, clusteringProvider: null },
    remove: r.remove && { ...r.remove, deletionVector: null },
    metaData: r.metaData,
    protocol: r.protocol,
    txn: r.txn,
    domainMetadata: null,
    checkpointMetadata: null,
    sidecar: null,
  }))
  assert.deepStrictEqual(ours, expected)
})

test('footer: one read from the end (two when the footer exceeds 512 KB), cached for the following read', async () => {
  const fs = testFileSystem()
  const handler = createHyparquetHandler(fs)
  const schema = struct(f('i', { type: 'long' }))
  const { batches } = await readAll(handler, join(dir, 'g-src.parquet'), schema)
  const small = join(dir, 'small-footer.parquet')
  const big = join(dir, 'big-footer.parquet')
  await handler.write(fileUrl(small), batches, { schema })
  await handler.write(fileUrl(big), batches, { schema, keyValueMetadata: { pad: 'x'.repeat(700_000) } })
  for (const [path, reads] of [[small, 1], [big, 2]] as const) {
    fs.ranges.length = 0
    const meta = await fs.head(fileUrl(path))
    const footer = await handler.readFooter(meta)
    assert.equal(fs.ranges.length, reads, path)
    assert.equal(fs.ranges[0]![2], meta.size)
    assert.equal(footer.numRows, 35)
    fs.ranges.length = 0
    for await (const _ of handler.read(meta, { schema })) void _
    assert.equal(fs.ranges.length, 1, 'the read fetches the one column chunk only')
  }
})

test('an aborted signal stops footer reads and reads with AbortedError', async () => {
  const fs = testFileSystem()
  const handler = createHyparquetHandler(fs)
  const meta = await fs.head(fileUrl(join(dir, 'g-src.parquet')))
  const signal = AbortSignal.abort()
  await assert.rejects(handler.readFooter({ ...meta, lastModified: -1 }, { signal }), { code: 'ABORTED' })
  await assert.rejects(async () => {
    for await (const _ of handler.read({ ...meta, lastModified: -2 }, { schema: struct(f('i', { type: 'long' })), signal })) void _
  }, { code: 'ABORTED' })
})
