import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { test } from 'node:test'
import { DeletionVectorError, InvalidPathError } from '../../src/errors.js'
import type { DeletionVectorDescriptor } from '../../src/protocol/actions.js'
import {
  dvAbsolutePath,
  dvByteRange,
  dvUniqueId,
  encodeDvFile,
  encodeUuidDvPath,
  inlineDvDescriptor,
  parseDvFile,
  parseInlineDv,
} from '../../src/protocol/deletion-vector.js'
import { RoaringBitmapArray } from '../../src/protocol/roaring.js'
import { CORPORA, corpusTables, tableDvs } from './dv-corpus.js'

// PROTOCOL.md "Deletion Vector Descriptor Schema", JSON examples 1-3.
const SPEC_U: DeletionVectorDescriptor = { storageType: 'u', pathOrInlineDv: 'ab^-aqEH.-t@S}K{vb[*k^', offset: 4, sizeInBytes: 40, cardinality: 6 }
const SPEC_P: DeletionVectorDescriptor = {
  storageType: 'p',
  pathOrInlineDv: 's3://mytable/deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61.bin',
  offset: 4,
  sizeInBytes: 40,
  cardinality: 6,
}
const SPEC_I: DeletionVectorDescriptor = { storageType: 'i', pathOrInlineDv: 'wi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L', sizeInBytes: 40, cardinality: 6 }
// delta-kernel-rs's inline example of the same rows in the portable format.
const KERNEL_I: DeletionVectorDescriptor = {
  storageType: 'i',
  pathOrInlineDv: '^Bg9^0rr910000000000iXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L',
  sizeInBytes: 44,
  cardinality: 6,
}
const SMALL_DIR = join(CORPORA, 'kernel-rs/table-with-dv-small')
const SMALL_FILE = join(SMALL_DIR, 'deletion_vector_61d16c75-6994-46b7-a15b-8b538852e50e.bin')
const SMALL_DV: DeletionVectorDescriptor = { storageType: 'u', pathOrInlineDv: 'vBn[lx{q8@P<9BNH/isA', offset: 1, sizeInBytes: 36, cardinality: 2 }

test('unique id is storageType + pathOrInlineDv, plus @offset when present', () => {
  assert.equal(dvUniqueId(SPEC_U), 'uab^-aqEH.-t@S}K{vb[*k^@4')
  assert.equal(dvUniqueId(SPEC_I), `i${SPEC_I.pathOrInlineDv}`)
})

test('absolute paths of the spec examples', () => {
  const expected = 's3://mytable/ab/deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61.bin'
  assert.equal(dvAbsolutePath(SPEC_U, 's3://mytable/'), expected)
  assert.equal(dvAbsolutePath(SPEC_U, 's3://mytable'), expected)
  assert.equal(dvAbsolutePath(SPEC_P, 's3://mytable/'), SPEC_P.pathOrInlineDv)
  assert.throws(() => dvAbsolutePath(SPEC_I, 's3://mytable/'), DeletionVectorError)
})

test('UUID paths without prefix, and the kernel-rs encodings of known UUIDs', () => {
  const root = pathToFileURL(SMALL_DIR).href + '/'
  assert.equal(fileURLToPath(dvAbsolutePath(SMALL_DV, root)), SMALL_FILE)
  const dv = (pathOrInlineDv: string): DeletionVectorDescriptor => ({ ...SMALL_DV, pathOrInlineDv })
  assert.equal(encodeUuidDvPath('550e8400-e29b-41d4-a716-446655440000', 'dv'), 'dvrsTVZ&*Sl-RXRWjryu/!')
  assert.equal(
    dvAbsolutePath(dv('dvrsTVZ&*Sl-RXRWjryu/!'), 'file:///tmp/test_table/'),
    'file:///tmp/test_table/dv/deletion_vector_550e8400-e29b-41d4-a716-446655440000.bin',
  )
  assert.equal(
    dvAbsolutePath(dv(encodeUuidDvPath('123e4567-e89b-12d3-a456-426614174000')), 'file:///tmp/test_table/'),
    'file:///tmp/test_table/deletion_vector_123e4567-e89b-12d3-a456-426614174000.bin',
  )
})

test('malformed or escaping DV paths are refused', () => {
  assert.throws(() => dvAbsolutePath({ ...SMALL_DV, pathOrInlineDv: 'short' }, 's3://t/'), /at least 20 characters/)
  assert.throws(() => dvAbsolutePath({ ...SMALL_DV, pathOrInlineDv: '..vBn[lx{q8@P<9BNH/isA' }, 's3://t/a/'), InvalidPathError)
  assert.throws(() => dvAbsolutePath({ ...SPEC_P, pathOrInlineDv: 'relative.bin' }, 's3://t/'), /needs an absolute path/)
  assert.throws(() => dvAbsolutePath(SPEC_P, 's3://other/'), InvalidPathError)
  assert.equal(dvAbsolutePath(SPEC_P, 's3://other/', { allowAbsolutePaths: true }), SPEC_P.pathOrInlineDv)
})

test('inline DVs: the spec example (native layout) and kernel-rs example (portable) both hold rows 3, 4, 7, 11, 18, 29', () => {
  assert.deepEqual(parseInlineDv(SPEC_I).toArray(), [3, 4, 7, 11, 18, 29])
  assert.deepEqual(parseDvFile(new Uint8Array(0), KERNEL_I).toArray(), [3, 4, 7, 11, 18, 29])
  // The writer reproduces kernel-rs's bytes exactly.
  assert.deepEqual(inlineDvDescriptor(RoaringBitmapArray.from([29, 3, 4, 7, 11, 18])), KERNEL_I)
  assert.throws(() => parseInlineDv({ ...KERNEL_I, cardinality: 5 }), /deletes 6 rows, the descriptor's cardinality is 5/)
  assert.throws(() => parseInlineDv({ ...KERNEL_I, sizeInBytes: 48 }), /cannot hold the 48 bytes/)
  assert.throws(() => parseInlineDv({ ...KERNEL_I, pathOrInlineDv: KERNEL_I.pathOrInlineDv.slice(1) }), DeletionVectorError)
})

test('kernel-rs table-with-dv-small: the DV deletes rows 0 and 9, and rewriting it reproduces the file', () => {
  const file = new Uint8Array(readFileSync(SMALL_FILE))
  assert.deepEqual(parseDvFile(file, SMALL_DV).toArray(), [0, 9])
  assert.deepEqual(parseDvFile(file.subarray(1), SMALL_DV, { fileOffset: 1 }).toArray(), [0, 9])
  const { bytes, entries } = encodeDvFile([RoaringBitmapArray.from([0, 9])])
  assert.deepEqual(bytes, file)
  assert.deepEqual(entries, [{ offset: 1, sizeInBytes: 36, cardinality: 2 }])
})

test('corrupt DV files are DeletionVectorErrors naming the problem', () => {
  const file = new Uint8Array(readFileSync(SMALL_FILE))
  const flip = (at: number) => {
    const copy = file.slice()
    copy[at]! ^= 0x10
    return copy
  }
  const where = { location: 'file:///t/dv.bin' }
  assert.throws(() => parseDvFile(flip(30), SMALL_DV, where), /checksum mismatch in file:\/\/\/t\/dv.bin at offset 1: stored 0x2a671846/)
  assert.throws(() => parseDvFile(flip(file.length - 1), SMALL_DV), /checksum mismatch/)
  assert.throws(() => parseDvFile(flip(0), SMALL_DV), /format version 17, expected 1/)
  assert.throws(() => parseDvFile(file, { ...SMALL_DV, sizeInBytes: 35 }), /holds 36 bytes, the descriptor says 35/)
  assert.throws(() => parseDvFile(file, { ...SMALL_DV, offset: 100 }), /offset 100 \+ 44 bytes is outside/)
  assert.throws(() => parseDvFile(file, { ...SMALL_DV, offset: 0 }), /outside/)
  assert.throws(() => parseDvFile(file.subarray(0, 40), SMALL_DV), /outside/)
  assert.throws(() => parseDvFile(file, { ...SMALL_DV, cardinality: 3 }), /deletes 2 rows, the descriptor's cardinality is 3/)
  assert.throws(() => parseDvFile(new Uint8Array(0), SMALL_DV), /is empty/)
})

test('files with several DVs: offsets point at each, and each parses back', () => {
  const sets = [[0, 9], [], Array.from({ length: 10000 }, (_, i) => 3 * i), [2 ** 32 + 1, 5]]
  const { bytes, entries } = encodeDvFile(sets.map((s) => RoaringBitmapArray.from(s)))
  assert.equal(bytes[0], 1)
  assert.equal(entries[0]!.offset, 1)
  entries.forEach((e, i) => {
    const dv: DeletionVectorDescriptor = { storageType: 'u', pathOrInlineDv: SMALL_DV.pathOrInlineDv, ...e }
    assert.equal(new DataView(bytes.buffer).getUint32(e.offset, false), e.sizeInBytes)
    assert.deepEqual(parseDvFile(bytes, dv).toArray(), [...sets[i]!].sort((a, b) => a - b))
    if (i + 1 < entries.length) assert.equal(entries[i + 1]!.offset, e.offset + 8 + e.sizeInBytes)
    else assert.equal(bytes.length, e.offset + 8 + e.sizeInBytes)
    assert.deepEqual(dvByteRange(dv), { start: e.offset, end: e.offset + 8 + e.sizeInBytes })
  })
})

test('every DV in the corpora decodes, matches its cardinality, fits its file, and re-encodes to the same bytes', () => {
  let stored = 0
  let inline = 0
  for (const table of corpusTables()) {
    for (const { where, dv, numRecords, tableDir } of tableDvs(table)) {
      const bitmap = dv.storageType === 'i' ? parseInlineDv(dv) : undefined
      let result = bitmap
      if (!bitmap) {
        const path = fileURLToPath(dvAbsolutePath(dv, pathToFileURL(tableDir).href + '/'))
        if (!existsSync(path)) continue // vacuumed
        const file = new Uint8Array(readFileSync(path))
        result = parseDvFile(file, dv, { location: path })
        // Spark writes one DV per file here: the file must be exactly what our writer produces.
        if (file.length === 1 + 8 + dv.sizeInBytes) assert.deepEqual(encodeDvFile([result]).bytes, file, where)
        stored++
      } else inline++
      assert.equal(result!.cardinality, dv.cardinality, where)
      const rows = result!.toArray()
      if (numRecords != null && rows.length > 0) assert.ok(rows[rows.length - 1]! < numRecords, `${where}: row beyond numRecords`)
    }
  }
  assert.ok(stored >= 40 && inline >= 4, `expected the corpora's DVs, decoded ${stored} stored and ${inline} inline`)
})

test('kernel-rs cdf-table-with-dv: inline DVs of commits 3-5 hold the rows its test says are deleted', () => {
  // kernel-rs cdf_with_deletion_vector: v3 removes rows [0, 1, 4, 5], v4 restores [1, 4],
  // v5 restores [0, 5] and removes [3]; v5's DV uses the Rust z85 crate's '#' tail padding.
  const dvs = tableDvs(join(CORPORA, 'kernel-rs/cdf-table-with-dv')).filter((d) => d.action === 'add')
  const byCommit = (n: number) => dvs.find((d) => d.where.endsWith(`${String(n).padStart(20, '0')}.json`))!.dv
  assert.deepEqual(parseInlineDv(byCommit(3)).toArray(), [0, 1, 4, 5])
  assert.deepEqual(parseInlineDv(byCommit(4)).toArray(), [0, 5])
  assert.deepEqual(parseInlineDv(byCommit(5)).toArray(), [3])
})
