/**
 * `delta-kernel delete <table> --where "<predicate>" [--json]`
 *
 * Deletes the rows for which the predicate (the `--where` grammar of `scan/expression-parser.ts`)
 * is TRUE; rows where it is NULL stay, as in SQL. A predicate on partition columns only removes
 * whole files without reading them; any other predicate reads the files of the partitions it can
 * select, and for each file with a matching row either marks the rows in a deletion vector (tables
 * with `delta.enableDeletionVectors=true`) or removes the file and writes its remaining rows to a
 * new file. Nothing matching means nothing is committed.
 *
 * @packageDocumentation
 */
import { parseArgs } from 'node:util'
import * as A from 'apache-arrow'
import { toArrowField, toArrowType } from '../protocol/arrow-types.js'
import { partitionSchema } from '../protocol/schema.js'
import type { StructType } from '../protocol/schema-types.js'
import { constantVector } from '../scan/constant-vector.js'
import { evaluatePredicate } from '../scan/evaluate.js'
import { type Expression, referencedColumns } from '../scan/expression.js'
import { bindExpression } from '../scan/expression-bind.js'
import { parseExpression } from '../scan/expression-parser.js'
import type { Snapshot } from '../snapshot.js'
import { type PartitionPredicate, type PartitionRow, partitionRowOf } from '../txn/predicate.js'
import { type DeletePredicate, Transaction } from '../txn/transaction.js'
import { openTable, UsageError, writeOut } from './context.js'

const USAGE = 'usage: delta-kernel delete <table> --where "<predicate>" [--json]'

/** True when every column `e` reads is a partition column (a constant `e` counts too). */
function onPartitionsOnly(e: Expression, partitions: ReadonlySet<string>): boolean {
  return referencedColumns(e).every((c) => c.path.length === 1 && partitions.has(c.path[0]!))
}

/**
 * A partition predicate evaluating bound `e` on one file's partition values, through the same
 * evaluator as row deletes (a one-row batch of constant columns), so both paths agree exactly.
 */
export function partitionPredicateOf(e: Expression, parts: StructType): PartitionPredicate {
  const schema = new A.Schema(parts.fields.map(toArrowField))
  const types = parts.fields.map((f) => toArrowType(f.type))
  return (row: PartitionRow) => {
    const children = parts.fields.map((f, i) => constantVector(types[i]!, row[f.name] ?? null, 1).data[0]!)
    const batch = new A.RecordBatch(schema, A.makeData({ type: new A.Struct(schema.fields), length: 1, nullCount: 0, children }))
    return evaluatePredicate(e, batch)[0] === 1
  }
}

/** What a delete does with a bound predicate: see the module documentation. */
export interface DeletePlan {
  readonly predicate: DeletePredicate
  /** Whether whole files go without being read. */
  readonly partitionOnly: boolean
  /** Rows the row predicate selected so far (row deletes only). */
  rowsDeleted(): number
}

/** Plans the delete of the rows where bound `e` is TRUE in `snapshot`. */
export function planDelete(e: Expression, snapshot: Snapshot): DeletePlan {
  const parts = partitionSchema(snapshot.schema, snapshot.partitionColumns)
  const names = new Set(parts.fields.map((f) => f.name))
  if (onPartitionsOnly(e, names)) {
    return { predicate: { partitions: partitionPredicateOf(e, parts) }, partitionOnly: true, rowsDeleted: () => 0 }
  }
  // Conjuncts on partition columns alone narrow which files are read (and what counts as read
  // for conflict detection); the full predicate still decides row by row.
  const conjuncts = e.kind === 'and' ? e.children : [e]
  const onParts = conjuncts.filter((c) => referencedColumns(c).length > 0 && onPartitionsOnly(c, names))
  let deleted = 0
  const rows = (batch: A.RecordBatch): Uint8Array => {
    const mask = evaluatePredicate(e, batch)
    for (const m of mask) deleted += m
    return mask
  }
  const partitions = onParts.length === 0 ? undefined : partitionPredicateOf(onParts.length === 1 ? onParts[0]! : { kind: 'and', children: onParts }, parts)
  return { predicate: { rows, ...(partitions ? { partitions } : {}) }, partitionOnly: false, rowsDeleted: () => deleted }
}

/** Rows in the files a partition-only delete removes, from their statistics (undefined when some file has none). */
function rowsInFiles(snapshot: Snapshot, selects: PartitionPredicate): number | undefined {
  const parts = partitionSchema(snapshot.schema, snapshot.partitionColumns)
  let total = 0
  for (const add of snapshot.files()) {
    if (!selects(partitionRowOf(add.partitionValues, parts))) continue
    let n: unknown
    try {
      n = add.stats == null ? undefined : (JSON.parse(add.stats) as { numRecords?: unknown }).numRecords
    } catch {
      return undefined
    }
    if (typeof n !== 'number') return undefined
    // numRecords counts the data file's rows; those its deletion vector already deleted are gone.
    total += n - (add.deletionVector?.cardinality ?? 0)
  }
  return total
}

/** Runs `delete`. */
export async function deleteCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { where: { type: 'string' }, json: { type: 'boolean' } },
  })
  if (positionals.length !== 1 || values.where === undefined) throw new UsageError(USAGE)
  const table = openTable(positionals[0]!)
  const snapshot = await table.snapshot()
  const bound = bindExpression(parseExpression(values.where), snapshot.schema)
  const txn = new Transaction(snapshot)
  const plan = planDelete(bound, snapshot)
  const rowsBefore = plan.partitionOnly ? rowsInFiles(snapshot, plan.predicate.partitions!) : undefined
  const result = await txn.delete(plan.predicate)
  const rowsDeleted = plan.partitionOnly ? rowsBefore : plan.rowsDeleted()
  let version = snapshot.version
  const changed = result.removedFiles + result.deletionVectors > 0
  if (changed) version = (await txn.commit()).version
  const summary = {
    version,
    committed: changed,
    filesRemoved: result.removedFiles,
    filesAdded: result.addedFiles,
    deletionVectorsAdded: result.deletionVectors,
    rowsDeleted: rowsDeleted ?? null,
  }
  if (values.json) return writeOut(JSON.stringify(summary) + '\n')
  const rows = rowsDeleted === undefined ? 'rows' : `${rowsDeleted} row${rowsDeleted === 1 ? '' : 's'}`
  await writeOut(
    summary.committed
      ? `committed version ${version}: deleted ${rows}; removed ${result.removedFiles} file${result.removedFiles === 1 ? '' : 's'}, wrote ${result.addedFiles} rewritten file${result.addedFiles === 1 ? '' : 's'}${result.deletionVectors > 0 ? `, marked rows deleted in ${result.deletionVectors} file${result.deletionVectors === 1 ? '' : 's'} (deletion vectors)` : ''}\n`
      : `no rows matched; nothing committed (table stays at version ${version})\n`,
  )
}
