/**
 * Several OS processes append to one local table at once. Every batch must be in the table
 * exactly once and the log must have no gaps: the hard-link put-if-absent of the local engine and
 * the commit loop's rebasing together must never lose or duplicate a commit.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { test } from 'node:test'
import { createLocalFileSystem } from '../../src/engines/local-fs.js'
import { readCommitActions } from '../../src/log/commit-read.js'
import { createTable } from '../../src/txn/create-table.js'
import { SIMPLE, engineOn, readRows } from './helpers.js'

const WORKERS = 4
const APPENDS = 10

function runWorker(root: string, worker: number): Promise<{ version: number }[]> {
  const script = fileURLToPath(new URL('./append-worker.ts', import.meta.url))
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, root, String(worker), String(APPENDS)], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (err += d))
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`worker ${worker} exited ${code}: ${err}`))))
  })
}

test(`${WORKERS} processes × ${APPENDS} appends: each batch exactly once, versions gap-free`, { timeout: 120_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dk-mp-'))
  try {
    const root = pathToFileURL(dir).href + '/'
    const engine = engineOn(createLocalFileSystem({ sync: false }))
    await createTable(root, engine, { schema: SIMPLE, partitionColumns: ['part'] })
    const results = await Promise.all(Array.from({ length: WORKERS }, (_, w) => runWorker(root, w)))
    const versions = results.flat().map((o) => o.version).sort((a, b) => a - b)
    assert.deepEqual(versions, Array.from({ length: WORKERS * APPENDS }, (_, i) => i + 1))
    const logFiles = (await readdir(join(dir, '_delta_log'))).filter((f) => f.endsWith('.json')).sort()
    assert.deepEqual(logFiles, Array.from({ length: WORKERS * APPENDS + 1 }, (_, i) => `${String(i).padStart(20, '0')}.json`))
    for (let v = 1; v <= WORKERS * APPENDS; v++) {
      const adds = (await readCommitActions(engine, root, v)).filter((a) => a.kind === 'add')
      assert.equal(adds.length, 1, `commit ${v} holds one add`)
    }
    const ids = (await readRows(root, engine)).map((r) => Number(r.id))
    const expected = Array.from({ length: WORKERS }, (_, w) => Array.from({ length: APPENDS }, (_, i) => w * 1000 + i)).flat().sort((a, b) => a - b)
    assert.deepEqual(ids, expected)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
