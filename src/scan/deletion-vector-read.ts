/**
 * Loading a file's deletion vector and turning it into per-batch keep-masks (PROTOCOL.md,
 * "Reader Requirements for Deletion Vectors": rows a DV marks must not be returned).
 *
 * I/O budget: inline DVs need none; a stored DV costs exactly one `readRange` of its size field,
 * bitmap and checksum (plus the file's version byte when the DV is the file's first, which is
 * the common case and one byte more in the same request).
 *
 * @packageDocumentation
 */
import type { FileSystem } from '../engine/file-system.js'
import { InvalidArgumentError, throwIfAborted } from '../errors.js'
import type { DeletionVectorDescriptor } from '../protocol/actions.js'
import { dvAbsolutePath, dvByteRange, parseDvFile, parseInlineDv } from '../protocol/deletion-vector.js'
import type { RoaringBitmapArray } from '../protocol/roaring.js'

/** Options of {@link loadDeletionVector}. */
export interface LoadDeletionVectorOptions {
  readonly signal?: AbortSignal
  /** Allow a `p` DV outside the table root (shallow clones). Default false, as for data files. */
  readonly allowAbsolutePaths?: boolean
}

/**
 * Reads and verifies the deletion vector `dv` of a data file of the table at `tableRoot`.
 * Throws `DeletionVectorError` for a corrupt or inconsistent DV, `FileNotFoundError` when its
 * file is missing, `AbortedError` when `signal` fires.
 */
export async function loadDeletionVector(
  fs: FileSystem,
  tableRoot: string,
  dv: DeletionVectorDescriptor,
  options: LoadDeletionVectorOptions = {},
): Promise<RoaringBitmapArray> {
  const { signal } = options
  throwIfAborted(signal)
  if (dv.storageType === 'i') return parseInlineDv(dv)
  const location = dvAbsolutePath(dv, tableRoot, { allowAbsolutePaths: options.allowAbsolutePaths })
  const { start, end } = dvByteRange(dv)
  // The version byte sits right before the first DV: fetch it in the same request.
  const from = start === 1 ? 0 : start
  const bytes = await fs.readRange(location, from, end, { signal })
  throwIfAborted(signal)
  return parseDvFile(bytes, dv, { fileOffset: from, location })
}

/**
 * Keep-mask for `numRows` consecutive rows starting at row `firstRowIndex` of the data file:
 * `mask[i]` is 0 when row `firstRowIndex + i` is deleted, 1 otherwise. Returns undefined when
 * no row in the window is deleted, so callers can pass the batch through untouched.
 * Costs O(numRows) only when something is deleted, plus O(deleted rows in the window).
 */
export function deletionKeepMask(bitmap: RoaringBitmapArray, firstRowIndex: number, numRows: number): Uint8Array | undefined {
  if (!Number.isSafeInteger(firstRowIndex) || firstRowIndex < 0 || !Number.isSafeInteger(numRows) || numRows < 0) {
    throw new InvalidArgumentError(
      `deletionKeepMask: expected non-negative integers, got firstRowIndex=${firstRowIndex} numRows=${numRows}`,
    )
  }
  let mask: Uint8Array | undefined
  bitmap.forEachRange(firstRowIndex, firstRowIndex + numRows, (from, to) => {
    mask ??= new Uint8Array(numRows).fill(1)
    mask.fill(0, from - firstRowIndex, to - firstRowIndex)
  })
  return mask
}

/**
 * A row selector for `readScanFile`'s `selectRows` option that drops the rows `bitmap` deletes.
 * Batches must report their first row's index within the file, as the Parquet handler does.
 */
export function deletionVectorSelector(
  bitmap: RoaringBitmapArray,
): (batch: { readonly numRows: number }, firstRowIndex: number) => Uint8Array | undefined {
  return (batch, firstRowIndex) => (bitmap.cardinality === 0 ? undefined : deletionKeepMask(bitmap, firstRowIndex, batch.numRows))
}
