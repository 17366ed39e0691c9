/**
 * `delete` on copies of tables with deletion vectors, run as a user does: a row predicate marks
 * rows in a DV and commits; the counts in `--json` come from the table's own expected rows
 * (rows a DV already deleted are not counted again, also for partition-only deletes).
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { cpSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { parquetReadObjects } from 'hyparquet'
import { CORPORA_ROOT } from '../corpora-root.js'
import { ok, sortedLines, tempDir } from './cli-run.js'

test('delete on a Databricks DV table: a DV for a row predicate, the file removed when emptied', async () => {
  const dir = tempDir()
  try {
    const table = join(dir, 't')
    cpSync(join(CORPORA_ROOT, 'kernel-rs', 'table-with-dv-small'), table, { recursive: true })
    // Values 0..9 with 0 and 9 deleted by the table's DV.
    const one = JSON.parse(await ok('delete', table, '--where', 'value = 3', '--json')) as Record<string, unknown>
    assert.deepEqual(one, { version: 2, committed: true, filesRemoved: 0, filesAdded: 0, deletionVectorsAdded: 1, rowsDeleted: 1 })
    assert.deepEqual(sortedLines(await ok('scan', table, '--format', 'ndjson')), [1, 2, 4, 5, 6, 7, 8].map((v) => JSON.stringify({ value: v })).sort())
    const text = await ok('delete', table, '--where', 'value >= 0')
    assert.match(text, /committed version 3: deleted 7 rows; removed 1 file/)
    assert.deepEqual(sortedLines(await ok('scan', table, '--format', 'ndjson')), [])
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('a partition-only delete on a DV table counts only live rows', async () => {
  const dir = tempDir()
  try {
    const golden = join(CORPORA_ROOT, 'golden', 'dv-partitioned-with-checkpoint')
    const table = join(dir, 't')
    cpSync(join(golden, 'delta'), table, { recursive: true })
    let live = 0
    for (const name of readdirSync(join(golden, 'expected')).filter((n) => n.endsWith('.parquet'))) {
      const bytes = readFileSync(join(golden, 'expected', name))
      const rows = await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer })
      live += rows.filter((r) => Number(r.part) === 8).length
    }
    const out = JSON.parse(await ok('delete', table, '--where', 'part = 8', '--json')) as Record<string, unknown>
    assert.equal(out.rowsDeleted, live)
    assert.equal(out.committed, true)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
