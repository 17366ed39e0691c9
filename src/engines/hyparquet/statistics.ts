/**
 * Exact column-chunk statistics. hyparquet decodes footer statistics lossily (decimals through a
 * JS number), so they are decoded here from the raw Thrift bytes instead.
 *
 * Value representation (documented contract of this engine's {@link ParquetFooter}):
 * int8/16/32 and dates → number (dates: days since the epoch); int64 → bigint; unsigned int64 →
 * bigint; float/double → number; boolean → boolean; annotated strings → string; decimals →
 * string in plain decimal notation with exactly `scale` fraction digits (e.g. "-12.30");
 * timestamps (INT64 millis/micros/nanos) → bigint microseconds since the epoch (INT96 bounds are
 * dropped: that type has no defined sort order); other
 * binary → Uint8Array.
 *
 * @packageDocumentation
 */
import type { FileMetaData, SchemaElement } from 'hyparquet'
import { deserializeTCompactProtocol } from 'hyparquet/src/thrift.js'
import type { ParquetColumnStatistics, ParquetFooter, ParquetRowGroup } from '../../engine/parquet.js'
import { bigEndianSigned, decimalToString, floorDiv } from './decimal.js'
import { decimalOf, isText, isUnsigned, timestampUnitOf } from './logical-types.js'

type Thrift = { readonly [key: `field_${number}`]: unknown }

/** The kernel-facing footer, with exact statistics decoded from the raw footer `bytes`. */
export function toParquetFooter(metadata: FileMetaData, bytes: Uint8Array): ParquetFooter {
  const raw = deserializeTCompactProtocol({ view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 })
  const leaves = metadata.schema.filter((e) => e.type !== undefined)
  const rawGroups = (raw.field_4 as Thrift[] | undefined) ?? []
  const rowGroups: ParquetRowGroup[] = metadata.row_groups.map((rg, g) => {
    const rawColumns = (rawGroups[g]?.field_1 as Thrift[] | undefined) ?? []
    const columns = rg.columns.map((chunk, c): ParquetColumnStatistics => {
      const path = (chunk.meta_data?.path_in_schema ?? []).join('.')
      const rawStats = (rawColumns[c]?.field_3 as Thrift | undefined)?.field_12 as Thrift | undefined
      const leaf = leaves[c]
      if (!rawStats || !leaf) return { path }
      return { path, ...decodeStatistics(rawStats, leaf) }
    })
    return { numRows: Number(rg.num_rows), columns }
  })
  const keyValueMetadata: Record<string, string> = {}
  for (const kv of metadata.key_value_metadata ?? []) keyValueMetadata[kv.key] = kv.value ?? ''
  return { numRows: Number(metadata.num_rows), rowGroups, keyValueMetadata }
}

function decodeStatistics(stats: Thrift, leaf: SchemaElement): { min?: unknown; max?: unknown; nullCount?: number } {
  // min_value / max_value (fields 6 / 5) are defined by the column's sort order; the deprecated
  // min / max (fields 2 / 1) used signed byte order, so they are trusted only for signed numbers.
  // INT96 has no defined sort order (writers compare its little-endian bytes), so its bounds are unusable.
  if (leaf.type === 'INT96') return nullCountOf(stats)
  const legacyOk = legacyOrderIsCorrect(leaf)
  const minBytes = (stats.field_6 ?? (legacyOk ? stats.field_2 : undefined)) as Uint8Array | undefined
  const maxBytes = (stats.field_5 ?? (legacyOk ? stats.field_1 : undefined)) as Uint8Array | undefined
  const out: { min?: unknown; max?: unknown; nullCount?: number } = {}
  const min = minBytes && decodeStatValue(minBytes, leaf)
  const max = maxBytes && decodeStatValue(maxBytes, leaf)
  if (min !== undefined) out.min = min
  if (max !== undefined) out.max = max
  return { ...out, ...nullCountOf(stats) }
}

function nullCountOf(stats: Thrift): { nullCount?: number } {
  const nullCount = stats.field_3
  return typeof nullCount === 'bigint' || typeof nullCount === 'number' ? { nullCount: Number(nullCount) } : {}
}

function legacyOrderIsCorrect(leaf: SchemaElement): boolean {
  switch (leaf.type) {
    case 'BOOLEAN':
    case 'FLOAT':
    case 'DOUBLE':
      return true
    case 'INT32':
    case 'INT64':
      return !isUnsigned(leaf)
    default:
      return false
  }
}

/** One statistics value of `leaf` (see the module doc for the representation). */
export function decodeStatValue(bytes: Uint8Array, leaf: SchemaElement): unknown {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const decimal = decimalOf(leaf)
  switch (leaf.type) {
    case 'BOOLEAN':
      return bytes.length >= 1 ? bytes[0] !== 0 : undefined
    case 'INT32': {
      if (bytes.length !== 4) return undefined
      if (decimal) return decimalToString(BigInt(view.getInt32(0, true)), decimal.scale)
      return isUnsigned(leaf) ? view.getUint32(0, true) : view.getInt32(0, true)
    }
    case 'INT64': {
      if (bytes.length !== 8) return undefined
      if (decimal) return decimalToString(view.getBigInt64(0, true), decimal.scale)
      if (isUnsigned(leaf)) return view.getBigUint64(0, true)
      const v = view.getBigInt64(0, true)
      const unit = timestampUnitOf(leaf)
      if (unit === 'MILLIS') return v * 1000n
      if (unit === 'NANOS') return floorDiv(v, 1000n)
      return v
    }
    case 'FLOAT':
      return bytes.length === 4 ? view.getFloat32(0, true) : undefined
    case 'DOUBLE':
      return bytes.length === 8 ? view.getFloat64(0, true) : undefined
    case 'BYTE_ARRAY':
    case 'FIXED_LEN_BYTE_ARRAY':
      if (decimal) return decimalToString(bigEndianSigned(bytes), decimal.scale)
      if (isText(leaf)) return new TextDecoder().decode(bytes)
      return bytes.slice()
    default:
      return undefined
  }
}
