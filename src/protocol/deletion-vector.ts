/**
 * Deletion vector descriptors and DV files (PROTOCOL.md, "Deletion Vector Descriptor Schema",
 * "Deletion Vector File Storage Format"): where a DV's bytes are, and turning those bytes into
 * the set of deleted row indexes, verified against the descriptor.
 *
 * A DV file is one version byte (`1`), then per DV: its size (4 bytes, big-endian), the
 * serialized RoaringBitmapArray, and the CRC-32 of that bitmap (4 bytes, big-endian). The
 * descriptor's `offset` points at the size field and its `sizeInBytes` equals it.
 *
 * @packageDocumentation
 */
import { DeletionVectorError } from '../errors.js'
import type { DeletionVectorDescriptor } from './actions.js'
import { crc32 } from './crc32.js'
import { isAbsolutePath, resolveTablePath, type ResolvePathOptions } from './paths.js'
import { decodeRoaringBitmapArray, encodeRoaringBitmapArray } from './roaring-codec.js'
import type { RoaringBitmapArray } from './roaring.js'
import { uuidFromBytes, uuidToBytes, z85Decode, z85Encode } from './z85.js'

/** The only DV file format version the protocol defines. */
export const DV_FILE_VERSION = 1
/** Length of a Z85-encoded UUID at the end of a `u` descriptor's `pathOrInlineDv`. */
const UUID_Z85_LENGTH = 20
/** Offset of the first DV in a file, assumed when a stored descriptor has none (after the version byte). */
const FIRST_DV_OFFSET = 1

/**
 * The DV's unique id (PROTOCOL.md "Derived Fields"): `<storageType><pathOrInlineDv>`, plus
 * `@<offset>` when an offset is present. Log reconciliation keys files by (path, this id).
 */
export function dvUniqueId(dv: DeletionVectorDescriptor): string {
  return `${dv.storageType}${dv.pathOrInlineDv}${dv.offset != null ? `@${dv.offset}` : ''}`
}

/**
 * The absolute location of a stored DV's file. `u`: `<tableRoot>/<random prefix>/
 * deletion_vector_<uuid>.bin` with the UUID Z85-decoded from the last 20 characters (no
 * directory when the prefix is empty); `p`: the path itself, resolved like an `add.path` (so
 * one outside the table needs `allowAbsolutePaths`). Throws `DeletionVectorError` for inline
 * DVs, which have no file, and for malformed descriptors; `InvalidPathError` for escaping paths.
 */
export function dvAbsolutePath(dv: DeletionVectorDescriptor, tableRoot: string, options: ResolvePathOptions = {}): string {
  const root = tableRoot.endsWith('/') ? tableRoot : `${tableRoot}/`
  switch (dv.storageType) {
    case 'u': {
      const text = dv.pathOrInlineDv
      if (text.length < UUID_Z85_LENGTH) {
        throw new DeletionVectorError(
          `deletion vector: 'u' descriptor needs at least ${UUID_Z85_LENGTH} characters (prefix + Z85 UUID), found '${text}'`,
        )
      }
      const prefix = text.slice(0, text.length - UUID_Z85_LENGTH)
      const uuid = uuidFromBytes(z85Decode(text.slice(text.length - UUID_Z85_LENGTH)))
      const file = `deletion_vector_${uuid}.bin`
      // The prefix is a directory name, not a URI reference: escape what URLs would misread.
      const dir = encodeURI(prefix).replace(/[?#]/g, encodeURIComponent)
      return resolveTablePath(root, prefix === '' ? file : `${dir}/${file}`)
    }
    case 'p':
      if (!isAbsolutePath(dv.pathOrInlineDv)) {
        throw new DeletionVectorError(`deletion vector: 'p' descriptor needs an absolute path, found '${dv.pathOrInlineDv}'`)
      }
      return resolveTablePath(root, dv.pathOrInlineDv, options)
    case 'i':
      throw new DeletionVectorError('deletion vector: an inline (storageType i) DV has no file path')
  }
}

/** The `pathOrInlineDv` of a `u` descriptor for a DV file named by `uuid` in directory `prefix`. */
export function encodeUuidDvPath(uuid: string, prefix = ''): string {
  return `${prefix}${z85Encode(uuidToBytes(uuid))}`
}

/** File offset of a stored DV (its size field), defaulting to the first DV of the file. */
export function dvOffset(dv: DeletionVectorDescriptor): number {
  return dv.offset ?? FIRST_DV_OFFSET
}

/** The byte range `[start, end)` of a stored DV in its file: size field, bitmap and checksum. */
export function dvByteRange(dv: DeletionVectorDescriptor): { readonly start: number; readonly end: number } {
  const start = dvOffset(dv)
  return { start, end: start + 4 + dv.sizeInBytes + 4 }
}

/** Options of {@link parseDvFile}. */
export interface ParseDvFileOptions {
  /** File position of `bytes[0]` when `bytes` is a range of the file. Default 0 (the whole file). */
  readonly fileOffset?: number
  /** Location of the DV file, for error messages. */
  readonly location?: string
}

/**
 * Decodes the DV a descriptor points at and verifies it: for stored DVs, `bytes` is the DV
 * file (or the part of it from `fileOffset` on that covers {@link dvByteRange}); the version
 * byte (when included), size field, CRC-32 and cardinality must all agree with the descriptor.
 * For inline DVs `bytes` is ignored and the descriptor's Z85 text is decoded.
 * Throws `DeletionVectorError` on any mismatch.
 */
export function parseDvFile(bytes: Uint8Array, dv: DeletionVectorDescriptor, options: ParseDvFileOptions = {}): RoaringBitmapArray {
  if (dv.storageType === 'i') return parseInlineDv(dv)
  const where = options.location ?? `DV ${dvUniqueId(dv)}`
  const fileOffset = options.fileOffset ?? 0
  if (fileOffset === 0) {
    if (bytes.length === 0) throw new DeletionVectorError(`deletion vector: ${where} is empty`)
    if (bytes[0] !== DV_FILE_VERSION) {
      throw new DeletionVectorError(`deletion vector: ${where} has format version ${bytes[0]}, expected ${DV_FILE_VERSION}`)
    }
  }
  const { start, end } = dvByteRange(dv)
  if (start < Math.max(fileOffset, 1) || end - fileOffset > bytes.length) {
    throw new DeletionVectorError(
      `deletion vector: offset ${start} + ${end - start} bytes is outside ${where} (bytes ${fileOffset} to ${fileOffset + bytes.length} available)`,
    )
  }
  const at = start - fileOffset
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const size = view.getUint32(at, false)
  if (size !== dv.sizeInBytes) {
    throw new DeletionVectorError(`deletion vector: ${where} at offset ${start} holds ${size} bytes, the descriptor says ${dv.sizeInBytes}`)
  }
  const data = bytes.subarray(at + 4, at + 4 + size)
  const stored = view.getUint32(at + 4 + size, false)
  const actual = crc32(data)
  if (stored !== actual) {
    throw new DeletionVectorError(
      `deletion vector: checksum mismatch in ${where} at offset ${start}: stored ${hex(stored)}, computed ${hex(actual)}`,
    )
  }
  return checked(data, dv, where)
}

/** Decodes an inline (`i`) DV from its descriptor and verifies its size and cardinality. */
export function parseInlineDv(dv: DeletionVectorDescriptor): RoaringBitmapArray {
  if (dv.storageType !== 'i') throw new DeletionVectorError(`deletion vector: expected an inline DV, found storageType ${dv.storageType}`)
  const text = dv.pathOrInlineDv
  const decodable = (text.length / 5) * 4
  if (text.length % 5 !== 0 || dv.sizeInBytes > decodable || decodable - dv.sizeInBytes > 3) {
    throw new DeletionVectorError(
      `deletion vector: inline DV of ${text.length} Z85 characters cannot hold the ${dv.sizeInBytes} bytes its descriptor says`,
    )
  }
  return checked(z85Decode(text, dv.sizeInBytes), dv, 'inline DV')
}

function checked(data: Uint8Array, dv: DeletionVectorDescriptor, where: string): RoaringBitmapArray {
  let bitmap: RoaringBitmapArray
  try {
    bitmap = decodeRoaringBitmapArray(data)
  } catch (e) {
    if (e instanceof DeletionVectorError) throw new DeletionVectorError(`deletion vector: ${where}: ${e.message}`, { cause: e })
    throw e
  }
  if (bitmap.cardinality !== dv.cardinality) {
    throw new DeletionVectorError(
      `deletion vector: ${where} deletes ${bitmap.cardinality} rows, the descriptor's cardinality is ${dv.cardinality}`,
    )
  }
  return bitmap
}

/** Where one DV landed in a file written by {@link encodeDvFile}: the descriptor's stored fields. */
export interface EncodedDvEntry {
  readonly offset: number
  readonly sizeInBytes: number
  readonly cardinality: number
}

/**
 * Serializes DVs into one DV file (version byte, then size, bitmap and CRC-32 of each).
 * Returns the file bytes and, per input bitmap, the offset/size/cardinality for its descriptor.
 */
export function encodeDvFile(bitmaps: readonly RoaringBitmapArray[]): { readonly bytes: Uint8Array; readonly entries: readonly EncodedDvEntry[] } {
  const encoded = bitmaps.map((b) => encodeRoaringBitmapArray(b))
  const bytes = new Uint8Array(1 + encoded.reduce((n, e) => n + 8 + e.length, 0))
  const view = new DataView(bytes.buffer)
  bytes[0] = DV_FILE_VERSION
  const entries: EncodedDvEntry[] = []
  let pos = 1
  encoded.forEach((data, i) => {
    entries.push({ offset: pos, sizeInBytes: data.length, cardinality: bitmaps[i]!.cardinality })
    view.setUint32(pos, data.length, false)
    bytes.set(data, pos + 4)
    view.setUint32(pos + 4 + data.length, crc32(data), false)
    pos += 8 + data.length
  })
  return { bytes, entries }
}

/** An inline (`i`) descriptor holding `bitmap` in the log itself (for small DVs). */
export function inlineDvDescriptor(bitmap: RoaringBitmapArray): DeletionVectorDescriptor {
  const data = encodeRoaringBitmapArray(bitmap)
  return { storageType: 'i', pathOrInlineDv: z85Encode(data), sizeInBytes: data.length, cardinality: bitmap.cardinality }
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`
}
