/**
 * Child process of sink.test.ts: a deterministic stream (batch i holds events seq i*ROWS .. i*ROWS+ROWS-1
 * of device 'sink') appended with appendStream from batch 0, printing `done <id> <status>` per batch.
 * Args: table URL, appId, number of batches, rows per batch.
 */
import { createNodeEngine } from '../../src/engines/node-engine.js'
import { appendStream } from '../../src/stream/sink.js'
import { Table } from '../../src/table.js'
import { eventBatch, events } from './fixtures.js'

const [root, appId, batchesText, rowsText] = process.argv.slice(2)
const batches = Number(batchesText)
const rows = Number(rowsText)
const table = Table.open(root!, createNodeEngine())
function* input() {
  for (let i = 0; i < batches; i++) yield [eventBatch(events('sink', i * rows, rows))]
}
const result = await appendStream(table, input(), {
  appId: appId!,
  retry: { maxAttempts: 100, initialDelayMs: 2, maxDelayMs: 50 },
  onBatch: (r) => {
    process.stdout.write(`done ${r.batchId} ${r.status}\n`)
  },
})
process.stdout.write(`result ${JSON.stringify(result)}\n`)
