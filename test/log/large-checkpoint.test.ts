/**
 * A table whose checkpoint holds one million `add` actions (written independently by DuckDB) opens
 * in seconds, and its state matches what the generator put in.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { DuckDBInstance } from '@duckdb/node-api'
import { Table } from '../../src/index.js'
import { createNodeEngine } from '../../src/node.js'

const N = 1_000_000
const SCHEMA = JSON.stringify({
  type: 'struct',
  fields: [
    { name: 'id', type: 'long', nullable: true, metadata: {} },
    { name: 'p', type: 'string', nullable: true, metadata: {} },
  ],
})

test(`a ${N.toLocaleString('en')}-file checkpoint opens and replays correctly`, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'dk-large-cp-'))
  try {
    const log = join(dir, '_delta_log')
    await mkdir(log)
    const db = await DuckDBInstance.create(':memory:')
    const con = await db.connect()
    const sqlSchema = SCHEMA.replaceAll("'", "''")
    await con.run(`
      COPY (
        SELECT NULL::STRUCT(minReaderVersion INTEGER, minWriterVersion INTEGER) AS protocol,
               NULL::STRUCT(id VARCHAR, format STRUCT(provider VARCHAR, options MAP(VARCHAR, VARCHAR)), schemaString VARCHAR,
                            partitionColumns VARCHAR[], configuration MAP(VARCHAR, VARCHAR), createdTime BIGINT) AS metaData,
               {'path': 'p=' || (i % 10)::VARCHAR || '/part-' || i::VARCHAR || '.parquet',
                'partitionValues': MAP {'p': (i % 10)::VARCHAR},
                'size': 1000 + i, 'modificationTime': 1700000000000 + i, 'dataChange': false,
                'stats': '{"numRecords":' || (i % 7 + 1)::VARCHAR || '}'} AS add
        FROM range(${N}) t(i)
        UNION ALL SELECT {'minReaderVersion': 1, 'minWriterVersion': 2}, NULL, NULL
        UNION ALL SELECT NULL, {'id': 'large', 'format': {'provider': 'parquet', 'options': MAP {}}, 'schemaString': '${sqlSchema}',
                                'partitionColumns': ['p'], 'configuration': MAP {}, 'createdTime': 0}, NULL
      ) TO '${join(log, '00000000000000000001.checkpoint.parquet')}' (FORMAT PARQUET, ROW_GROUP_SIZE 100000)`)
    // One commit on top: remove file 0, add a new one.
    await writeFile(
      join(log, '00000000000000000002.json'),
      [
        JSON.stringify({ commitInfo: { operation: 'WRITE' } }),
        JSON.stringify({ remove: { path: 'p=0/part-0.parquet', deletionTimestamp: 1, dataChange: true } }),
        JSON.stringify({ add: { path: 'p=3/new.parquet', partitionValues: { p: '3' }, size: 7, modificationTime: 2, dataChange: true } }),
      ].join('\n') + '\n',
    )
    await writeFile(join(log, '_last_checkpoint'), JSON.stringify({ version: 1, size: N + 2 }))

    const started = performance.now()
    const snapshot = await Table.open(pathToFileURL(dir).href + '/', createNodeEngine()).snapshot()
    const files = snapshot.files()
    const ms = performance.now() - started
    t.diagnostic(`opened ${files.length} live files from a ${N}-add checkpoint in ${Math.round(ms)} ms`)

    assert.equal(snapshot.version, 2)
    assert.equal(files.length, N)
    const byPath = new Map(files.map((f) => [f.path, f]))
    assert.equal(byPath.has('p=0/part-0.parquet'), false)
    assert.equal(byPath.get('p=3/new.parquet')?.size, 7)
    for (const i of [1, 12345, 999_999]) {
      const f = byPath.get(`p=${i % 10}/part-${i}.parquet`)
      assert.ok(f, `file ${i}`)
      assert.equal(f.size, 1000 + i)
      assert.equal(f.modificationTime, 1700000000000 + i)
      assert.deepEqual(f.partitionValues, { p: String(i % 10) })
      assert.equal(f.stats, `{"numRecords":${(i % 7) + 1}}`)
    }
    assert.deepEqual(snapshot.partitionColumns, ['p'])
    assert.equal(snapshot.tombstones().length, 1)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
