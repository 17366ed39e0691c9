/**
 * Splitting record batches by partition: reads each row's partition column values, serialises
 * them (PROTOCOL.md "Partition Value Serialization"), and groups row indexes by the resulting
 * partition, in first-seen order.
 *
 * @packageDocumentation
 */
import type * as A from 'apache-arrow'
import { type PartitionScalar, serializePartitionValue } from '../protocol/partition-values.js'
import type { DataType, StructField } from '../protocol/schema-types.js'
import { wordsToBigInt } from '../protocol/value-encoding.js'

/** Value `i` of an Arrow chunk of Delta type `type` as a partition scalar (null when null). */
export function partitionScalarAt(data: A.Data, i: number, type: DataType): PartitionScalar {
  if (!data.getValid(i)) return null
  const values = data.values as unknown
  switch (type.type) {
    case 'string':
    case 'binary': {
      const offsets = data.valueOffsets as Int32Array
      const bytes = (values as Uint8Array).subarray(offsets[i]!, offsets[i + 1]!)
      return type.type === 'string' ? new TextDecoder().decode(bytes) : bytes.slice()
    }
    case 'boolean': {
      const bit = data.offset + i
      return (((values as Uint8Array)[bit >> 3]! >> (bit & 7)) & 1) === 1
    }
    case 'long':
    case 'timestamp':
    case 'timestamp_ntz':
      return (values as BigInt64Array)[i]!
    case 'decimal':
      return { unscaled: wordsToBigInt((values as Uint32Array).subarray(i * 4, i * 4 + 4)), scale: type.scale }
    default:
      return (values as Int32Array | Float64Array)[i]!
  }
}

/** One partition's rows of one batch. */
export interface PartitionGroup {
  /** Serialised partition values by column name (the log's `partitionValues`). */
  readonly values: Readonly<Record<string, string | null>>
  /** Row indexes per batch (same order as the input batches; empty arrays for batches without rows here). */
  readonly rows: Int32Array[]
}

/**
 * Groups the rows of `batches` by the serialised values of `partitionFields` (looked up by name
 * in each batch). `keyOf` names the key a field's value is stored under (its physical name).
 */
export function splitByPartition(batches: readonly A.RecordBatch[], partitionFields: readonly StructField[], keyOf: (f: StructField) => string): PartitionGroup[] {
  const groups = new Map<string, { values: Record<string, string | null>; rows: number[][] }>()
  batches.forEach((batch, b) => {
    const cols = partitionFields.map((f) => batch.getChildAt(batch.schema.fields.findIndex((x) => x.name === f.name))!.data[0]!)
    for (let i = 0; i < batch.numRows; i++) {
      const values: Record<string, string | null> = {}
      const parts: string[] = []
      partitionFields.forEach((f, k) => {
        const s = serializePartitionValue(partitionScalarAt(cols[k]!, i, f.type), f.type)
        values[keyOf(f)] = s
        parts.push(s === null ? '\u0000' : `=${s}`)
      })
      const key = parts.join('\u0001')
      let g = groups.get(key)
      if (!g) groups.set(key, (g = { values, rows: batches.map(() => []) }))
      g.rows[b]!.push(i)
    }
  })
  return [...groups.values()].map((g) => ({ values: g.values, rows: g.rows.map((r) => Int32Array.from(r)) }))
}
