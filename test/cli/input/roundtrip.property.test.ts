/**
 * The key property of the write CLI's input decoding: random rows of every type, written in the
 * `--format ndjson` contract (and as the CLI's CSV), append and scan back to exactly the same
 * NDJSON. In-process (same code as the commands, no child processes) so it can run many cases;
 * test/cli/write-commands.test.ts runs the same round trip through the real CLI.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { parseDdl } from '../../../src/cli/input/ddl.js'
import { readCsv } from '../../../src/cli/input/csv.js'
import { readNdjson } from '../../../src/cli/input/ndjson.js'
import { rowToJson } from '../../../src/protocol/value-encoding.js'
import { Scan } from '../../../src/scan/scan.js'
import { Table } from '../../../src/table.js'
import { createTable } from '../../../src/txn/create-table.js'
import { Transaction } from '../../../src/txn/transaction.js'
import { memoryEngine } from '../../txn/helpers.js'
import { ALL_TYPES_DDL, allTypesRow, csvText, ndjsonLine } from '../rows.js'

const schema = parseDdl(ALL_TYPES_DDL)
const columns = schema.fields.map((f) => f.name)

async function scanLines(root: string, engine: ReturnType<typeof memoryEngine>): Promise<string[]> {
  const snapshot = await Table.open(root, engine).snapshot()
  const out: string[] = []
  for await (const b of new Scan(snapshot).batches()) for (let i = 0; i < b.numRows; i++) out.push(JSON.stringify(rowToJson(b, i)))
  return out.sort()
}

test('random rows of every type: NDJSON and CSV append, then scan gives the same NDJSON', async () => {
  let n = 0
  await fc.assert(
    fc.asyncProperty(fc.array(allTypesRow, { minLength: 1, maxLength: 8 }), fc.boolean(), fc.boolean(), fc.boolean(), async (rows, omitNulls, reverse, partitioned) => {
      const engine = memoryEngine()
      const root = `memory:///t${n++}/`
      await createTable(root, engine, { schema, partitionColumns: partitioned ? ['part'] : [] })
      const expected = rows.map((r) => JSON.stringify(r)).sort()

      const fromJson = await readNdjson(rows.map((r) => ndjsonLine(r, omitNulls, reverse)), schema, 'in.ndjson')
      let txn = new Transaction(await Table.open(root, engine).snapshot())
      await txn.append(fromJson)
      await txn.commit()
      assert.deepEqual(await scanLines(root, engine), expected)

      const fromCsv = readCsv(csvText(reverse ? [...columns].reverse() : columns, rows), schema, 'in.csv')
      txn = new Transaction(await Table.open(root, engine).snapshot())
      await txn.append(fromCsv)
      await txn.commit()
      assert.deepEqual(await scanLines(root, engine), [...expected, ...expected].sort())
    }),
    { seed: 42, numRuns: 40 },
  )
})
