/**
 * What a Parquet leaf's annotations (logical type, or the legacy converted type) say about how to
 * read its physical values. Both spellings exist in real files: Spark 3 writes both, old writers
 * only the converted type, some new writers only the logical type.
 *
 * @packageDocumentation
 */
import type { SchemaElement } from 'hyparquet'

/** The decimal annotation of a leaf, if any. */
export function decimalOf(el: SchemaElement): { precision: number; scale: number } | undefined {
  const lt = el.logical_type
  if (lt?.type === 'DECIMAL') return { precision: lt.precision, scale: lt.scale ?? 0 }
  if (el.converted_type === 'DECIMAL') return { precision: el.precision ?? 38, scale: el.scale ?? 0 }
  return undefined
}

/** Unit of an INT64 timestamp leaf, if it is one. */
export function timestampUnitOf(el: SchemaElement): 'MILLIS' | 'MICROS' | 'NANOS' | undefined {
  const lt = el.logical_type
  if (lt?.type === 'TIMESTAMP') return lt.unit
  if (el.converted_type === 'TIMESTAMP_MILLIS') return 'MILLIS'
  if (el.converted_type === 'TIMESTAMP_MICROS') return 'MICROS'
  return undefined
}

/** Whether a leaf's timestamps are UTC instants (true) or wall-clock times (false). */
export function isAdjustedToUtc(el: SchemaElement): boolean {
  const lt = el.logical_type
  return lt?.type === 'TIMESTAMP' ? lt.isAdjustedToUTC : true
}

/** Whether a leaf is a DATE (INT32 days since the epoch). */
export function isDate(el: SchemaElement): boolean {
  return el.logical_type?.type === 'DATE' || el.converted_type === 'DATE'
}

/** Whether a BYTE_ARRAY leaf is annotated as text. */
export function isText(el: SchemaElement): boolean {
  const lt = el.logical_type?.type
  const ct = el.converted_type
  return lt === 'STRING' || lt === 'ENUM' || lt === 'JSON' || ct === 'UTF8' || ct === 'ENUM' || ct === 'JSON'
}

/** Whether an integer leaf is unsigned (its physical bits are read as an unsigned number). */
export function isUnsigned(el: SchemaElement): boolean {
  const lt = el.logical_type
  if (lt?.type === 'INTEGER') return !lt.isSigned
  const ct = el.converted_type
  return ct === 'UINT_8' || ct === 'UINT_16' || ct === 'UINT_32' || ct === 'UINT_64'
}

/** Dotted path of a leaf for messages and statistics. */
export function dotted(path: readonly string[]): string {
  return path.join('.')
}
