/**
 * Interning partition values read from JSON commits: every file of a partition carries an equal
 * `partitionValues` object, and sharing one frozen object per distinct value set saves an object
 * and its strings per file, and lets the parsed copies die young instead of being promoted.
 *
 * @packageDocumentation
 */
import type { PartitionValues } from '../protocol/actions.js'

interface Node {
  readonly next: Map<string, Map<string | null, Node>>
  value?: PartitionValues
}

/** Distinct value sets one interner keeps before it stops interning (high-cardinality partitioning). */
const MAX_DISTINCT = 10_000

/**
 * An interner for partition-value objects whose values are strings or null (already
 * validated). Returns a frozen object equal to its argument, the same one for equal arguments
 * with the same key order.
 */
export function partitionInterner(): (values: PartitionValues) => PartitionValues {
  const root: Node = { next: new Map() }
  let distinct = 0
  return (values) => {
    if (distinct >= MAX_DISTINCT) return values
    let node = root
    for (const k in values) {
      const v = values[k]!
      let byValue = node.next.get(k)
      if (!byValue) node.next.set(k, (byValue = new Map()))
      let child = byValue.get(v)
      if (!child) byValue.set(v, (child = { next: new Map() }))
      node = child
    }
    if (!node.value) {
      distinct++
      node.value = Object.freeze(values)
    }
    return node.value
  }
}
