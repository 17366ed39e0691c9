/**
 * Partition predicates: which partitions an operation reads (and so which concurrent appends
 * it conflicts with), and which files an overwrite or a delete touches. A predicate sees the
 * typed partition values of one file, keyed by logical column name (`null` for a null value).
 *
 * @packageDocumentation
 */
import type { Add } from '../protocol/actions.js'
import { physicalName } from '../protocol/column-mapping.js'
import { type PartitionScalar, parsePartitionValue } from '../protocol/partition-values.js'
import type { StructType } from '../protocol/schema-types.js'

/** Typed partition values of one file, by logical column name. */
export type PartitionRow = Readonly<Record<string, PartitionScalar>>

/** True when a file with these partition values is selected. */
export type PartitionPredicate = (values: PartitionRow) => boolean

/**
 * The typed partition values of a file action. `partitionSchema` holds the partition columns
 * (logical names; values are looked up by physical name, then logical name). Throws
 * `InvalidPartitionValueError` when a value does not parse.
 */
export function partitionRowOf(partitionValues: Add['partitionValues'] | null | undefined, partitionSchema: StructType): PartitionRow {
  const out: Record<string, PartitionScalar> = {}
  for (const f of partitionSchema.fields) {
    const raw = partitionValues?.[physicalName(f)] ?? partitionValues?.[f.name] ?? null
    out[f.name] = parsePartitionValue(raw, f.type, f.name)
  }
  return out
}

/**
 * Whether a predicate selects a file, for conflict detection: a value that does not parse, or a
 * predicate that throws, counts as selected (reporting a conflict is the safe side). Deletes and
 * overwrites call the predicate directly so that such errors surface instead.
 */
export function selectsFile(predicate: PartitionPredicate, partitionValues: Add['partitionValues'] | null | undefined, partitionSchema: StructType): boolean {
  try {
    return predicate(partitionRowOf(partitionValues, partitionSchema))
  } catch {
    return true
  }
}
