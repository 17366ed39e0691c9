/**
 * Property, end to end: for random tables (random rows, partitions, file splits; statistics written
 * by our writer) and random predicates, a scan with data skipping returns exactly the rows of a full
 * scan filtered by an independent reference evaluator written here over plain JS values.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import * as A from 'apache-arrow'
import { createMemoryFileSystem } from '../../src/engines/memory.js'
import { createHyparquetHandler } from '../../src/engines/hyparquet/index.js'
import { Scan, Table, rowToJson } from '../../src/index.js'
import { createTable } from '../../src/txn/create-table.js'
import { Transaction } from '../../src/txn/transaction.js'
import type { StructType } from '../../src/protocol/schema-types.js'

interface Row {
  id: number | null
  name: string | null
  big: bigint | null
  part: string | null
}

const SCHEMA: StructType = {
  type: 'struct',
  fields: [
    { name: 'id', type: { type: 'integer' }, nullable: true, metadata: {} },
    { name: 'name', type: { type: 'string' }, nullable: true, metadata: {} },
    { name: 'big', type: { type: 'long' }, nullable: true, metadata: {} },
    { name: 'part', type: { type: 'string' }, nullable: true, metadata: {} },
  ],
}

type Pred =
  | { op: '=' | '<' | '<=' | '>' | '>=' | '!='; col: 'id' | 'name' | 'big' | 'part'; value: number | string | bigint }
  | { op: 'isnull' | 'notnull'; col: 'id' | 'name' | 'big' | 'part' }
  | { op: 'and' | 'or'; left: Pred; right: Pred }
  | { op: 'not'; inner: Pred }

/** SQL three-valued logic over plain values: true, false or null (unknown). */
function truth(p: Pred, r: Row): boolean | null {
  switch (p.op) {
    case 'isnull':
      return r[p.col] === null
    case 'notnull':
      return r[p.col] !== null
    case 'and': {
      const a = truth(p.left, r)
      const b = truth(p.right, r)
      if (a === false || b === false) return false
      return a === null || b === null ? null : true
    }
    case 'or': {
      const a = truth(p.left, r)
      const b = truth(p.right, r)
      if (a === true || b === true) return true
      return a === null || b === null ? null : false
    }
    case 'not': {
      const a = truth(p.inner, r)
      return a === null ? null : !a
    }
    default: {
      const v = r[p.col]
      if (v === null) return null
      const c = v < p.value ? -1 : v > p.value ? 1 : 0
      return { '=': c === 0, '!=': c !== 0, '<': c < 0, '<=': c <= 0, '>': c > 0, '>=': c >= 0 }[p.op]
    }
  }
}

function sql(p: Pred): string {
  switch (p.op) {
    case 'isnull':
      return `${p.col} IS NULL`
    case 'notnull':
      return `${p.col} IS NOT NULL`
    case 'and':
    case 'or':
      return `(${sql(p.left)} ${p.op.toUpperCase()} ${sql(p.right)})`
    case 'not':
      return `NOT (${sql(p.inner)})`
    default:
      return `${p.col} ${p.op} ${typeof p.value === 'string' ? `'${p.value}'` : String(p.value)}`
  }
}

const strings = fc.constantFrom('a', 'ab', 'b', 'ba', 'zz', 'é', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa')
const row: fc.Arbitrary<Row> = fc.record({
  id: fc.option(fc.integer({ min: -50, max: 50 }), { nil: null }),
  name: fc.option(strings, { nil: null }),
  big: fc.option(fc.bigInt({ min: -(2n ** 60n), max: 2n ** 60n }), { nil: null }),
  part: fc.option(fc.constantFrom('x', 'y', 'z'), { nil: null }),
})
const leaf: fc.Arbitrary<Pred> = fc.oneof(
  fc.record({ op: fc.constantFrom('=', '<', '<=', '>', '>=', '!=' as const), col: fc.constant('id' as const), value: fc.integer({ min: -60, max: 60 }) }),
  fc.record({ op: fc.constantFrom('=', '<', '<=', '>', '>=', '!=' as const), col: fc.constantFrom('name' as const), value: strings }),
  fc.record({ op: fc.constantFrom('=', '<', '>=' as const), col: fc.constant('big' as const), value: fc.bigInt({ min: -(2n ** 61n), max: 2n ** 61n }) }),
  fc.record({ op: fc.constantFrom('=', '!=', '<' as const), col: fc.constant('part' as const), value: fc.constantFrom('x', 'y', 'z') }),
  fc.record({ op: fc.constantFrom('isnull', 'notnull' as const), col: fc.constantFrom('id', 'name', 'big', 'part' as const) }),
)
const pred: fc.Arbitrary<Pred> = fc.letrec<{ p: Pred }>((tie) => ({
  p: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({ op: fc.constantFrom('and', 'or' as const), left: tie('p'), right: tie('p') }),
    fc.record({ op: fc.constant('not' as const), inner: tie('p') }),
  ),
})).p

function toBatch(rows: readonly Row[]): A.RecordBatch {
  const vec = <T>(type: A.DataType, values: T[]) => {
    const b = A.makeBuilder({ type, nullValues: [null] })
    for (const v of values) b.append(v as never)
    return b.finish().toVector()
  }
  return new A.Table({
    id: vec(new A.Int32(), rows.map((r) => r.id)),
    name: vec(new A.Utf8(), rows.map((r) => r.name)),
    big: vec(new A.Int64(), rows.map((r) => r.big)),
    part: vec(new A.Utf8(), rows.map((r) => r.part)),
  }).batches[0]!
}

const enc = (r: Row) => JSON.stringify({ id: r.id, name: r.name, big: r.big === null ? null : Number(r.big) === Number(r.big) && Number.isSafeInteger(Number(r.big)) ? Number(r.big) : String(r.big), part: r.part })

test('scans with skipping return exactly the reference-filtered rows', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.array(row, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 5 }), fc.boolean(), fc.array(pred, { minLength: 1, maxLength: 4 }), async (files, partitioned, preds) => {
      const fs = createMemoryFileSystem()
      const engine = { fileSystem: fs, parquet: createHyparquetHandler(fs) }
      const root = 'memory:///t/'
      await createTable(root, engine, { schema: SCHEMA, partitionColumns: partitioned ? ['part'] : [] })
      const table = Table.open(root, engine)
      for (const rows of files) {
        const txn = new Transaction(await table.snapshot())
        await txn.append([toBatch(rows)])
        await txn.commit()
      }
      const snapshot = await table.snapshot()
      const all = files.flat()
      for (const p of preds) {
        const scan = new Scan(snapshot, { predicate: sql(p) })
        const got: string[] = []
        for await (const b of scan.batches()) for (let i = 0; i < b.numRows; i++) got.push(JSON.stringify(rowToJson(b, i)))
        const want = all.filter((r) => truth(p, r) === true).map(enc)
        assert.deepEqual(got.sort(), want.sort(), `predicate ${sql(p)}`)
      }
    }),
    { seed: 4242, numRuns: 40 },
  )
})
