/**
 * Appends to copies of Spark-written tables: the table's own rows, appended again, must read back
 * twice (old files and checkpoints untouched, new files readable, partition values round-tripping
 * through Spark's escaping). Tables with features this kernel cannot write must refuse.
 */
import assert from 'node:assert/strict'
import { cp, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { test } from 'node:test'
import type * as A from 'apache-arrow'
import type { Engine } from '../../src/engine/engine.js'
import { UnsupportedFeatureError } from '../../src/errors.js'
import { createLocalFileSystem } from '../../src/engines/local-fs.js'
import { rowToJson } from '../../src/protocol/value-encoding.js'
import { Scan } from '../../src/scan/scan.js'
import { Table } from '../../src/table.js'
import { Transaction } from '../../src/txn/transaction.js'
import { engineOn } from './helpers.js'
import { CORPORA_ROOT } from '../corpora-root.js'

const GOLDEN = `${CORPORA_ROOT}/golden`
const WRITABLE = [
  'basic-decimal-table',
  'data-reader-array-primitives',
  'data-reader-escaped-chars',
  'data-reader-nested-struct',
  'data-reader-primitives',
  'data-reader-timestamp_ntz',
  'kernel-timestamp-timestamp_micros',
  'multi-part-checkpoint',
  // (3, 7) with writerFeatures [appendOnly, invariants] but no invariant in the schema.
  'log-replay-latest-metadata-protocol',
  'time-travel-partition-changes-a',
  // (3, 7) with deletionVectors: appends leave the DVs alone (deletes: test/txn/dv-write-corpus.test.ts).
  'dv-partitioned-with-checkpoint',
]
const REFUSED = ['table-with-columnmapping-mode-name']

async function copyTable(name: string): Promise<{ dir: string; root: string; engine: Engine }> {
  const dir = await mkdtemp(join(tmpdir(), `dk-corpus-${name}-`))
  await cp(join(GOLDEN, name, 'delta'), dir, { recursive: true })
  return { dir, root: pathToFileURL(dir).href + '/', engine: engineOn(createLocalFileSystem({ sync: false })) }
}

async function batchesOf(root: string, engine: Engine): Promise<{ version: number; batches: A.RecordBatch[]; rows: string[] }> {
  const snap = await Table.open(root, engine).snapshot()
  const batches: A.RecordBatch[] = []
  const rows: string[] = []
  for await (const b of new Scan(snap).batches()) {
    batches.push(b)
    for (let i = 0; i < b.numRows; i++) rows.push(JSON.stringify(rowToJson(b, i)))
  }
  return { version: snap.version, batches, rows: rows.sort() }
}

for (const name of WRITABLE) {
  test(`append to a copy of ${name}: its rows read back twice`, async () => {
    const { dir, root, engine } = await copyTable(name)
    try {
      const before = await batchesOf(root, engine)
      assert.ok(before.rows.length > 0)
      const txn = new Transaction(await Table.open(root, engine).snapshot())
      await txn.append(before.batches)
      assert.equal((await txn.commit()).version, before.version + 1)
      const after = await batchesOf(root, engine)
      assert.deepEqual(after.rows, [...before.rows, ...before.rows].sort())
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
}

for (const name of REFUSED) {
  test(`a transaction on ${name} is refused (a feature this kernel cannot write)`, async () => {
    const { dir, root, engine } = await copyTable(name)
    try {
      const snap = await Table.open(root, engine).snapshot().catch((e: unknown) => e)
      if (snap instanceof UnsupportedFeatureError) return // not even readable: writing is refused too
      assert.throws(() => new Transaction(snap as never), UnsupportedFeatureError)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
}
