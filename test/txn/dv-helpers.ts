/**
 * Independent checks of deletion vectors written by the kernel: the DV file's raw layout (version
 * byte, big-endian size, CRC-32 computed here, not by the kernel), and a data file's column
 * values by physical position read straight through hyparquet (no scan layer, no DV applied).
 */
import assert from 'node:assert/strict'
import { parquetReadObjects } from 'hyparquet'
import type { Engine } from '../../src/engine/engine.js'
import { readCommitActions } from '../../src/log/commit-read.js'
import type { Add, DeletionVectorDescriptor, Remove } from '../../src/protocol/actions.js'
import { dvAbsolutePath, parseDvFile } from '../../src/protocol/deletion-vector.js'
import { resolveTablePath } from '../../src/protocol/paths.js'

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})

/** CRC-32 (IEEE), written out here so the test does not trust the kernel's. */
export function referenceCrc32(bytes: Uint8Array): number {
  let c = 0xffffffff
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

/** Every row of a data file, in file order, as hyparquet reads it (the physical rows). */
export async function physicalRows(engine: Engine, root: string, path: string): Promise<Record<string, unknown>[]> {
  const bytes = await engine.fileSystem.read(resolveTablePath(root, path))
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
  return parquetReadObjects({ file })
}

/**
 * The row indexes a stored DV deletes, after checking its bytes against PROTOCOL.md "Deletion
 * Vector File Storage Format" by hand: version 1, the size field, and the CRC-32 of the bitmap.
 */
export async function storedDvRows(engine: Engine, root: string, dv: DeletionVectorDescriptor): Promise<number[]> {
  assert.equal(dv.storageType, 'u')
  const location = dvAbsolutePath(dv, root)
  assert.match(location, /\/deletion_vector_[0-9a-f-]{36}\.bin$/)
  const bytes = await engine.fileSystem.read(location)
  assert.equal(bytes[0], 1, 'DV file format version')
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const at = dv.offset!
  assert.equal(view.getUint32(at, false), dv.sizeInBytes, 'size field')
  const data = bytes.subarray(at + 4, at + 4 + dv.sizeInBytes)
  assert.equal(view.getUint32(at + 4 + dv.sizeInBytes, false), referenceCrc32(data), 'CRC-32 of the bitmap')
  assert.equal(new DataView(data.buffer, data.byteOffset).getUint32(0, true), 1681511377, 'RoaringBitmapArray magic number')
  return parseDvFile(bytes, dv).toArray()
}

/** The adds and removes of one commit. */
export async function fileActions(engine: Engine, root: string, version: number): Promise<{ adds: Add[]; removes: Remove[] }> {
  const actions = await readCommitActions(engine, root, version)
  return {
    adds: actions.flatMap((a) => (a.kind === 'add' ? [a.add] : [])),
    removes: actions.flatMap((a) => (a.kind === 'remove' ? [a.remove] : [])),
  }
}

/** Positions (row indexes) of `rows` whose `pick` is true. */
export function positions<T>(rows: readonly T[], pick: (row: T) => boolean): number[] {
  const out: number[] = []
  rows.forEach((r, i) => {
    if (pick(r)) out.push(i)
  })
  return out
}
