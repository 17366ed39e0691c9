/**
 * Version checksum files (`N.crc`): writing, validation against the log, the corpus files
 * (a full Spark .crc whose log was trimmed, and a malformed one), and the incremental state a
 * writer uses right after a commit.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { Table } from '../../src/table.js'
import { createNodeEngine } from '../../src/engines/node-engine.js'
import { readCommitActions } from '../../src/log/commit-read.js'
import {
  checksumSourceAfterCommit,
  computeChecksum,
  parseChecksum,
  readChecksum,
  validateChecksum,
  writeChecksum,
} from '../../src/log/checksum.js'
import { CORPORA, tableUrl } from '../../spec-tests/corpora.js'
import { TestTable, addLine, metadataLine, protocolLine, removeLine } from './log-builder.js'

const enc = new TextEncoder()
const crcPath = (t: TestTable, v: number) => t.at(`_delta_log/${String(v).padStart(20, '0')}.crc`)

async function smallTable(): Promise<TestTable> {
  const t = new TestTable(1_000)
  await t.commit([protocolLine(), metadataLine(), addLine('a', 100), addLine('b', 20), { txn: { appId: 'app', version: 3 } }])
  await t.commit([removeLine('a', 1_000), addLine('c', 7)])
  return t
}

test('writeChecksum records the size, count, metadata and protocol the log gives', async () => {
  const t = await smallTable()
  const s = await t.table.snapshot()
  assert.equal(await writeChecksum(s, { txnId: 'tx-1' }), true)
  const o = JSON.parse(new TextDecoder().decode(await t.engine.fileSystem.read(crcPath(t, 1)))) as Record<string, unknown>
  // Live files after version 1: b (20) and c (7).
  assert.equal(o.tableSizeBytes, 27)
  assert.equal(o.numFiles, 2)
  assert.equal(o.numMetadata, 1)
  assert.equal(o.numProtocol, 1)
  assert.equal(o.txnId, 'tx-1')
  assert.deepEqual(o.setTransactions, [{ appId: 'app', version: 3 }])
  assert.equal((o.metadata as { id: string }).id, 'test-table')
  assert.deepEqual(o.protocol, { minReaderVersion: 1, minWriterVersion: 2 })
  assert.deepEqual(await validateChecksum(s), { status: 'valid' })
})

test('a checksum file is never overwritten', async () => {
  const t = await smallTable()
  const s = await t.table.snapshot()
  await t.engine.fileSystem.put(crcPath(t, 1), enc.encode('{"sentinel":true}'))
  assert.equal(await writeChecksum(s), false)
  assert.equal(new TextDecoder().decode(await t.engine.fileSystem.read(crcPath(t, 1))), '{"sentinel":true}')
})

test('validation reports every field that disagrees with the log', async () => {
  const t = await smallTable()
  const s = await t.table.snapshot()
  const wrong = { ...computeChecksum(s), numFiles: 3, tableSizeBytes: 127, setTransactions: [] }
  await t.engine.fileSystem.put(crcPath(t, 1), enc.encode(JSON.stringify(wrong)))
  const r = await validateChecksum(s)
  assert.equal(r.status, 'mismatch')
  assert.ok(r.status === 'mismatch')
  assert.equal(r.mismatches.length, 3)
  assert.match(r.mismatches.join('\n'), /numFiles: \.crc says 3, the log gives 2/)
  assert.match(r.mismatches.join('\n'), /tableSizeBytes: \.crc says 127, the log gives 27/)
  assert.match(r.mismatches.join('\n'), /setTransactions/)
})

test('missing and malformed checksum files never break reading', async () => {
  const t = await smallTable()
  const s = await t.table.snapshot()
  assert.deepEqual(await validateChecksum(s), { status: 'missing' })
  const malformed = readFileSync(`${CORPORA}/kernel-rs/crc-malformed/_delta_log/00000000000000000000.crc`)
  for (const bytes of [malformed, enc.encode('{"numFiles":"x"}'), new Uint8Array([0xff, 0xfe]), enc.encode('[]'), enc.encode('{"tableSizeBytes":1,"numFiles":1,"numMetadata":1,"numProtocol":1}')]) {
    await t.engine.fileSystem.put(crcPath(t, 1), bytes)
    assert.deepEqual(await validateChecksum(s), { status: 'malformed' })
    assert.equal(await readChecksum(t.engine, t.root, 1), undefined)
    // The table itself still loads.
    assert.equal((await t.table.snapshot()).numFiles, 2)
  }
  assert.equal(parseChecksum(malformed.toString('utf8'), 'x'), undefined)
})

test("Spark's full .crc (crc-full) parses, and disagrees with its trimmed log exactly where expected", async () => {
  const table = Table.open(tableUrl(`${CORPORA}/kernel-rs/crc-full`), createNodeEngine())
  const s = await table.snapshot()
  const crc = await readChecksum(s.engine, s.tableRoot, 0)
  assert.ok(crc)
  assert.equal(crc.numFiles, 10)
  assert.equal(crc.tableSizeBytes, 5259)
  // The corpus log keeps only commitInfo, protocol and metaData: no files, txns or domains, while
  // the .crc (written for the full table) lists 10 files, 2 txns and 3 domains.
  assert.equal(s.numFiles, 0)
  const r = await validateChecksum(s)
  assert.ok(r.status === 'mismatch')
  const text = r.mismatches.join('\n')
  assert.match(text, /numFiles: \.crc says 10, the log gives 0/)
  assert.match(text, /tableSizeBytes: \.crc says 5259, the log gives 0/)
  assert.match(text, /setTransactions/)
  assert.match(text, /domainMetadata/)
  assert.doesNotMatch(text, /metadata differs|protocol differs/)
})

test('the state after a commit, computed without the log, matches a replay of it', async () => {
  const t = await smallTable()
  const before = await t.table.snapshot()
  await t.commit([removeLine('b', 2_000), addLine('d', 5), { txn: { appId: 'app', version: 4 } }, { domainMetadata: { domain: 'x', configuration: '{}', removed: false } }])
  const actions = await readCommitActions(t.engine, t.root, 2)
  const incremental = checksumSourceAfterCommit(before, actions, 2)
  const replayed = await t.table.snapshot()
  assert.deepEqual(computeChecksum(incremental), computeChecksum(replayed))
  assert.equal(computeChecksum(incremental).numFiles, 2) // c and d
  assert.equal(computeChecksum(incremental).tableSizeBytes, 12)
  assert.equal(await writeChecksum(incremental), true)
  assert.deepEqual(await validateChecksum(replayed), { status: 'valid' })
})
