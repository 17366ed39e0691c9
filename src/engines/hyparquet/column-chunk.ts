/**
 * Decodes one column chunk (all its pages) into flat definition/repetition levels and a
 * {@link ValueSink} of its non-null physical values. Page headers, decompression and the
 * bit-level decoders are hyparquet's; the buffers they fill are ours.
 *
 * @packageDocumentation
 */
import type { ColumnMetaData, Compressors, DataPageHeader, PageHeader, SchemaElement } from 'hyparquet'
import { parquetHeader } from 'hyparquet/src/column.js'
import { decompressPage } from 'hyparquet/src/datapage.js'
import { deltaBinaryUnpack, deltaByteArray, deltaLengthByteArray } from 'hyparquet/src/delta.js'
import { byteStreamSplit, readRleBitPackedHybrid } from 'hyparquet/src/encoding.js'
import { ParquetError } from '../../errors.js'
import { BytesSink, FixedSink, type ValueSink } from './value-sink.js'

/** Definition or repetition levels, one per level entry. */
export type Levels = Uint8Array | Uint16Array

/** A decoded leaf column chunk. */
export interface LeafChunk {
  readonly element: SchemaElement
  /** Number of level entries (values plus nulls plus empty-list markers). */
  readonly numLevels: number
  readonly maxDef: number
  readonly maxRep: number
  /** Null when `maxDef` is 0 (every entry holds a value). */
  readonly def: Levels | null
  /** Null when `maxRep` is 0 (every entry starts a row). */
  readonly rep: Levels | null
  /** The non-null values, in entry order. */
  readonly values: ValueSink
}

/** What the decoder needs to know about a leaf. */
export interface LeafDescriptor {
  readonly element: SchemaElement
  readonly maxDef: number
  readonly maxRep: number
  readonly path: string
}

/** Decodes the chunk bytes `[dictionary page][data pages...]` of one column in one row group. */
export function decodeColumnChunk(
  bytes: Uint8Array,
  meta: ColumnMetaData,
  leaf: LeafDescriptor,
  compressors: Compressors | undefined,
): LeafChunk {
  const numLevels = Number(meta.num_values)
  const { maxDef, maxRep, element } = leaf
  const def = maxDef > 0 ? levelArray(maxDef, numLevels) : null
  const rep = maxRep > 0 ? levelArray(maxRep, numLevels) : null
  const values = newSink(element, numLevels, Number(meta.total_uncompressed_size))
  let dictionary: ValueSink | undefined
  let pos = 0
  const reader = { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 }
  try {
    while (pos < numLevels && reader.offset < bytes.byteLength) {
      const header: PageHeader = parquetHeader(reader)
      checkPageHeader(header, pos, numLevels, leaf.path)
      const body = bytes.subarray(reader.offset, reader.offset + header.compressed_page_size)
      reader.offset += header.compressed_page_size
      if (header.type === 'DICTIONARY_PAGE') {
        const n = header.dictionary_page_header?.num_values ?? 0
        const page = decompressPage(body, header.uncompressed_page_size, meta.codec, compressors)
        dictionary = newSink(element, n, page.length)
        dictionary.appendPlain(page, 0, n)
      } else if (header.type === 'DATA_PAGE') {
        const daph = header.data_page_header
        if (!daph) throw new ParquetError('parquet: data page without header')
        const page = decompressPage(body, header.uncompressed_page_size, meta.codec, compressors)
        const n = daph.num_values
        const r = { view: new DataView(page.buffer, page.byteOffset, page.byteLength), offset: 0 }
        if (rep) rle(r, bitWidth(maxRep), rep.subarray(pos, pos + n))
        const nonNull = def ? readDefs(r, def, pos, n, maxDef, undefined) : n
        decodeValues(page, r.offset, daph.encoding, nonNull, values, dictionary, element)
        pos += n
      } else if (header.type === 'DATA_PAGE_V2') {
        const h = header.data_page_header_v2
        if (!h) throw new ParquetError('parquet: data page v2 without header')
        const n = h.num_values
        const r = { view: new DataView(body.buffer, body.byteOffset, body.byteLength), offset: 0 }
        if (rep) rle(r, bitWidth(maxRep), rep.subarray(pos, pos + n), h.repetition_levels_byte_length)
        r.offset = h.repetition_levels_byte_length
        const nonNull = def ? readDefs(r, def, pos, n, maxDef, h.definition_levels_byte_length) : n
        const levelBytes = h.repetition_levels_byte_length + h.definition_levels_byte_length
        let page = body.subarray(levelBytes)
        if (h.is_compressed !== false) {
          page = decompressPage(page, header.uncompressed_page_size - levelBytes, meta.codec, compressors)
        }
        decodeValues(page, 0, h.encoding, nonNull, values, dictionary, element)
        pos += n
      }
      // INDEX_PAGE and unknown page types carry no values: skipped.
    }
  } catch (cause) {
    if (cause instanceof ParquetError) throw cause
    throw new ParquetError(`parquet: cannot decode column ${leaf.path}: ${String(cause)}`, { cause })
  }
  if (pos !== numLevels) {
    throw new ParquetError(`parquet: column ${leaf.path} declares ${numLevels} values but its pages hold ${pos}`)
  }
  return { element, numLevels, maxDef, maxRep, def, rep, values }
}

/**
 * Refuses page headers that would stall or overrun the page loop: a negative page size moves the
 * reader backwards (a corrupt file then loops forever), a negative or excessive value count
 * breaks the level arrays.
 */
function checkPageHeader(header: PageHeader, pos: number, numLevels: number, path: string): void {
  const n = header.data_page_header?.num_values ?? header.data_page_header_v2?.num_values ?? header.dictionary_page_header?.num_values ?? 0
  const sizes = [header.compressed_page_size, header.uncompressed_page_size, n]
  const v2 = header.data_page_header_v2
  if (v2) sizes.push(v2.repetition_levels_byte_length, v2.definition_levels_byte_length)
  if (sizes.some((x) => !Number.isSafeInteger(x) || x < 0)) {
    throw new ParquetError(`parquet: column ${path} has a corrupt page header (negative or invalid size or count)`)
  }
  if (header.type !== 'DICTIONARY_PAGE' && pos + n > numLevels) {
    throw new ParquetError(`parquet: column ${path} pages hold more than the ${numLevels} values its chunk declares`)
  }
}

function levelArray(max: number, n: number): Levels {
  return max < 256 ? new Uint8Array(n) : new Uint16Array(n)
}

/** hyparquet's RLE/bit-packed decoder writes into any indexable array; its type names fewer. */
function rle(r: { view: DataView; offset: number }, width: number, out: Levels | Int32Array, byteLength?: number): void {
  readRleBitPackedHybrid(r, width, out as unknown as Int32Array, byteLength)
}

function bitWidth(value: number): number {
  return 32 - Math.clz32(value)
}

/** Reads `n` definition levels into `def[pos..]`; returns how many equal `maxDef` (the non-null values). */
function readDefs(
  r: { view: DataView; offset: number },
  def: Levels,
  pos: number,
  n: number,
  maxDef: number,
  byteLength: number | undefined,
): number {
  const out = def.subarray(pos, pos + n)
  rle(r, bitWidth(maxDef), out, byteLength)
  let count = 0
  for (let i = 0; i < n; i++) if (out[i] === maxDef) count++
  return count
}

/** A sink sized for `capacity` values of `element`'s physical type. */
export function newSink(element: SchemaElement, capacity: number, byteHint: number): ValueSink {
  switch (element.type) {
    case 'BOOLEAN':
      return new FixedSink(1, true, capacity)
    case 'INT32':
    case 'FLOAT':
      return new FixedSink(4, false, capacity)
    case 'INT64':
    case 'DOUBLE':
      return new FixedSink(8, false, capacity)
    case 'INT96':
      return new FixedSink(12, false, capacity)
    case 'FIXED_LEN_BYTE_ARRAY':
      if (!element.type_length) throw new ParquetError(`parquet: FIXED_LEN_BYTE_ARRAY column ${element.name} has no length`)
      return new FixedSink(element.type_length, false, capacity)
    case 'BYTE_ARRAY':
      return new BytesSink(capacity, byteHint)
    default:
      throw new ParquetError(`parquet: column ${element.name} has no physical type`)
  }
}

function decodeValues(
  page: Uint8Array,
  offset: number,
  encoding: DataPageHeader['encoding'],
  n: number,
  sink: ValueSink,
  dictionary: ValueSink | undefined,
  element: SchemaElement,
): void {
  if (n === 0) return
  const reader = { view: new DataView(page.buffer, page.byteOffset, page.byteLength), offset }
  switch (encoding) {
    case 'PLAIN':
      sink.appendPlain(page, offset, n)
      return
    case 'PLAIN_DICTIONARY':
    case 'RLE_DICTIONARY': {
      if (!dictionary) throw new ParquetError(`parquet: dictionary-encoded page of ${element.name} without a dictionary page`)
      const width = page[reader.offset++]!
      const indices = new Int32Array(n)
      if (width) rle(reader, width, indices, page.byteLength - reader.offset)
      if (sink.kind === 'fixed' && dictionary.kind === 'fixed') sink.appendIndexed(dictionary, indices)
      else if (sink.kind === 'bytes' && dictionary.kind === 'bytes') sink.appendIndexed(dictionary, indices)
      return
    }
    case 'RLE': {
      // Only booleans are RLE-encoded as values (with a 4-byte length prefix).
      const bits = new Uint8Array(n)
      rle(reader, 1, bits)
      appendDecoded(sink, bits)
      return
    }
    case 'DELTA_BINARY_PACKED': {
      const out = element.type === 'INT32' ? new Int32Array(n) : new BigInt64Array(n)
      deltaBinaryUnpack(reader, n, out)
      appendDecoded(sink, out)
      return
    }
    case 'DELTA_LENGTH_BYTE_ARRAY':
    case 'DELTA_BYTE_ARRAY': {
      const out: Uint8Array[] = new Array<Uint8Array>(n)
      if (encoding === 'DELTA_LENGTH_BYTE_ARRAY') deltaLengthByteArray(reader, n, out)
      else deltaByteArray(reader, n, out)
      appendDecoded(sink, out)
      return
    }
    case 'BYTE_STREAM_SPLIT': {
      if (!element.type) throw new ParquetError(`parquet: column ${element.name} has no physical type`)
      appendDecoded(sink, byteStreamSplit(reader, n, element.type, element.type_length) as ArrayLike<unknown>)
      return
    }
    default:
      throw new ParquetError(`parquet: unsupported encoding ${encoding} in column ${element.name}`)
  }
}

function appendDecoded(sink: ValueSink, values: ArrayLike<unknown>): void {
  if (sink.kind === 'fixed') sink.appendDecoded(values)
  else sink.appendDecoded(values as ArrayLike<Uint8Array>)
}
