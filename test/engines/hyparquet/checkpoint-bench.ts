/**
 * Manual benchmark (not a test): decode a 1M-row checkpoint-shaped Parquet file generated with
 * DuckDB, requesting the columns log replay needs. Run:
 *   node --import tsx test/engines/hyparquet/checkpoint-bench.ts [rows]
 */
import { existsSync } from 'node:fs'
import type { StructType } from '../../../src/protocol/schema-types.js'
import { CHECKPOINT_ADD, CHECKPOINT_REMOVE, CHECKPOINT_NON_FILE } from '../../../src/log/checkpoint-schema.js'
import { createHyparquetHandler } from '../../../src/engines/hyparquet/index.js'
import { duck } from './duckdb-oracle.js'
import { fileUrl, testFileSystem } from './local-fs.js'

const rows = Number(process.argv[2] ?? 1_000_000)
const path = `/tmp/hpq/checkpoint-${rows}.parquet`

if (!existsSync(path)) {
  const c = await duck()
  const t0 = performance.now()
  await c.run(`COPY (
    SELECT
      {
        'path': 'part=' || (i % 100) || '/part-' || lpad(i::VARCHAR, 8, '0') || '-5f0b1c9e-1d2a-4c3b-9e8f-0123456789ab.c000.snappy.parquet',
        'partitionValues': MAP {'part': (i % 100)::VARCHAR, 'region': CASE WHEN i % 3 = 0 THEN NULL ELSE 'eu-' || (i % 7) END},
        'size': 1000000 + i * 7,
        'modificationTime': 1700000000000 + i,
        'dataChange': i % 2 = 0,
        'stats': '{"numRecords":' || (i % 1000) || ',"minValues":{"id":' || i || '},"maxValues":{"id":' || (i + 999) || '},"nullCount":{"id":0}}',
        'tags': CASE WHEN i % 10 = 0 THEN MAP {'INSERTION_TIME': (1700000000000000 + i)::VARCHAR} ELSE NULL END,
        'deletionVector': CASE WHEN i % 4 = 0 THEN {'storageType': 'u', 'pathOrInlineDv': 'ab^-aqEH.-t@S}K{vb[*k^', 'offset': (i % 100)::INTEGER, 'sizeInBytes': 36, 'cardinality': (i % 50)::BIGINT} ELSE NULL END,
        'baseRowId': i * 1000,
        'defaultRowCommitVersion': (i % 20)::BIGINT,
        'clusteringProvider': NULL::VARCHAR
      } AS add,
      NULL::STRUCT(path VARCHAR, deletionTimestamp BIGINT, dataChange BOOLEAN, extendedFileMetadata BOOLEAN, partitionValues MAP(VARCHAR, VARCHAR), size BIGINT) AS remove,
      NULL::STRUCT(id VARCHAR, name VARCHAR, schemaString VARCHAR, partitionColumns VARCHAR[], configuration MAP(VARCHAR, VARCHAR), createdTime BIGINT) AS metaData,
      NULL::STRUCT(minReaderVersion INTEGER, minWriterVersion INTEGER, readerFeatures VARCHAR[], writerFeatures VARCHAR[]) AS protocol,
      NULL::STRUCT(appId VARCHAR, version BIGINT, lastUpdated BIGINT) AS txn
    FROM range(${rows}) t(i)
  ) TO '${path}' (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 1000000)`)
  console.log(`generated ${path} in ${((performance.now() - t0) / 1000).toFixed(2)} s`)
}

const fs = testFileSystem()
const handler = createHyparquetHandler(fs)
const meta = await fs.head(fileUrl(path))
const schema: StructType = {
  type: 'struct',
  fields: [
    { name: 'add', type: CHECKPOINT_ADD, nullable: true, metadata: {} },
    { name: 'remove', type: CHECKPOINT_REMOVE, nullable: true, metadata: {} },
    ...CHECKPOINT_NON_FILE.fields,
  ],
}
for (let run = 0; run < 3; run++) {
  const t0 = performance.now()
  const c0 = process.cpuUsage()
  let n = 0
  for await (const { batch } of handler.read(meta, { schema })) n += batch.numRows
  const s = (performance.now() - t0) / 1000
  const cpu = process.cpuUsage(c0)
  console.log(
    `run ${run}: ${n} rows in ${s.toFixed(2)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU = ` +
      `${Math.round(n / s).toLocaleString()} rows/s (${(meta.size / 1e6).toFixed(1)} MB)`,
  )
}

// The same rows written by this engine (hyparquet-writer), then read back.
const batches = []
for await (const { batch } of handler.read(meta, { schema })) batches.push(batch)
const written = `/tmp/hpq/checkpoint-${rows}-hyparquet-writer.parquet`
let t0 = performance.now()
await handler.write(fileUrl(written), batches, { schema, rowGroupSize: 1_000_000 })
console.log(`write: ${rows} rows in ${((performance.now() - t0) / 1000).toFixed(2)} s`)
const wmeta = await fs.head(fileUrl(written))
for (let run = 0; run < 2; run++) {
  t0 = performance.now()
  let n = 0
  for await (const { batch } of handler.read(wmeta, { schema })) n += batch.numRows
  const s = (performance.now() - t0) / 1000
  console.log(`read hyparquet-writer file, run ${run}: ${n} rows in ${s.toFixed(2)} s = ${Math.round(n / s).toLocaleString()} rows/s (${(wmeta.size / 1e6).toFixed(1)} MB)`)
}
