/** Child process of multiprocess.test.ts: appends `count` one-row batches (ids worker*1000 + i) to the table at argv[2]. */
import { createLocalFileSystem } from '../../src/engines/local-fs.js'
import { Table } from '../../src/table.js'
import { Transaction } from '../../src/txn/transaction.js'
import { engineOn, simpleBatch } from './helpers.js'

const [root, workerText, countText] = process.argv.slice(2)
const worker = Number(workerText)
const engine = engineOn(createLocalFileSystem({ sync: false }))
const table = Table.open(root!, engine)
const outcomes = []
for (let i = 0; i < Number(countText); i++) {
  const txn = new Transaction(await table.snapshot(), { retry: { maxAttempts: 200, initialDelayMs: 2, maxDelayMs: 50 } })
  await txn.append([simpleBatch([{ id: worker * 1000 + i, part: `w${worker}`, value: i }])])
  outcomes.push(await txn.commit())
}
process.stdout.write(JSON.stringify(outcomes))
