/** The buffer-level Arrow builder agrees with Arrow's own `vectorFromArray` (the reference). */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import * as arrow from 'apache-arrow'
import fc from 'fast-check'
import { buildStructData } from '../../src/log/arrow-build.js'
import { toArrowType } from '../../src/protocol/arrow-types.js'
import { checkpointWriteSchema } from '../../src/log/checkpoint-write-schema.js'

const TYPE = toArrowType(checkpointWriteSchema({ v2: true, clusteringProvider: true })) as arrow.Struct

const str = fc.option(fc.string({ unit: 'binary', maxLength: 8 }), { nil: null })
const long = fc.option(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), { nil: null })
const int = fc.option(fc.integer(), { nil: null })
const smap = fc.option(fc.dictionary(fc.string({ maxLength: 4 }), str, { maxKeys: 3 }).map((o) => new Map(Object.entries(o))), { nil: null })
const dv = fc.option(fc.record({ storageType: str, pathOrInlineDv: str, offset: int, sizeInBytes: int, cardinality: long, maxRowIndex: long }), { nil: null })
const add = fc.record({
  path: str, partitionValues: smap, size: long, modificationTime: long, dataChange: fc.option(fc.boolean(), { nil: null }),
  tags: smap, deletionVector: dv, baseRowId: long, defaultRowCommitVersion: long, stats: str, clusteringProvider: str,
})
const protocol = fc.record({ minReaderVersion: int, minWriterVersion: int, readerFeatures: fc.option(fc.array(str, { maxLength: 3 }), { nil: null }), writerFeatures: fc.constant(null) })
const row = fc.oneof(
  add.map((a) => ({ add: a })),
  protocol.map((p) => ({ protocol: p })),
  fc.record({ version: long, tags: smap }).map((c) => ({ checkpointMetadata: c })),
)

const rowsOf = (data: arrow.Data<arrow.Struct>) =>
  JSON.stringify(new arrow.Vector([data]).toArray().map((r: { toJSON(): unknown } | null) => r?.toJSON() ?? null), (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))

test('buildStructData equals vectorFromArray on random checkpoint rows', () => {
  const empty = Object.fromEntries(TYPE.children.map((f) => [f.name, null]))
  fc.assert(
    fc.property(fc.array(row, { maxLength: 20 }), (rows) => {
      const cells = rows.map((r) => ({ ...empty, ...r }))
      const ours = buildStructData(TYPE, cells)
      const reference = arrow.vectorFromArray(cells, TYPE).data[0]!
      assert.equal(ours.length, reference.length)
      assert.equal(rowsOf(ours), rowsOf(reference as arrow.Data<arrow.Struct>))
    }),
    { seed: 42, numRuns: 200 },
  )
})
