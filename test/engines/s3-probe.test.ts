/**
 * A store that ignores conditional PUT is detected and refused: s3rver (started here on
 * 127.0.0.1, stopped by pid) answers `If-None-Match: *` with success and overwrites. The probe
 * must say so, the commit path must refuse with CommitFailedError, and a commit coordinator must
 * make commits possible again.
 */
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { resolveCommitPut, type CommitCoordinator } from '../../src/engine/commit-coordinator.js'
import { verifyPutIfAbsent } from '../../src/engine/put-if-absent-probe.js'
import type { FileSystem } from '../../src/engine/file-system.js'
import { CommitFailedError } from '../../src/errors.js'
import { createHyparquetHandler } from '../../src/engines/hyparquet/index.js'
import { createS3FileSystem } from '../../src/engines/s3.js'
import { createTable } from '../../src/txn/create-table.js'
import { startChildServer } from './servers/child-server.js'
import { drainLocations } from './object-store-cases.js'

const BUCKET = 'no-conditional-puts'
const server = await startChildServer('s3rver/bin/s3rver.js', (port, dir) => [
  '-d', dir, '-a', '127.0.0.1', '-p', String(port), '--silent', '--no-vhost-buckets', '--configure-bucket', BUCKET,
])
after(() => server.stop())

const s3rver = (): FileSystem =>
  createS3FileSystem({
    bucket: BUCKET,
    endpoint: `http://127.0.0.1:${server.port}`,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  })

const text = (s: string) => new TextEncoder().encode(s)

test('s3rver: the raw engine shows the defect the probe is for (a conditional PUT overwrites)', async () => {
  const fs = s3rver()
  const loc = `s3://${BUCKET}/raw/${crypto.randomUUID()}/_delta_log/00000000000000000000.json`
  assert.equal((await fs.putIfAbsent(loc, text('first'))).status, 'created')
  assert.equal((await fs.putIfAbsent(loc, text('second'))).status, 'created')
  assert.equal(new TextDecoder().decode(await fs.read(loc)), 'second')
})

test('s3rver: verifyPutIfAbsent reports false, once per store, and removes its probe object', async () => {
  const fs = s3rver()
  const root = `s3://${BUCKET}/probe/${crypto.randomUUID()}/`
  assert.equal(await verifyPutIfAbsent(fs, root), false)
  assert.deepEqual(await drainLocations(fs, root, { recursive: true }), [])
  // Cached per store object: a second call makes no request (an aborted signal would fail one).
  const aborted = AbortSignal.abort()
  assert.equal(await verifyPutIfAbsent(fs, root, { signal: aborted }), false)
})

test('s3rver: creating a table is refused with CommitFailedError and writes no commit', async () => {
  const fs = s3rver()
  const root = `s3://${BUCKET}/table/${crypto.randomUUID()}/`
  const engine = { fileSystem: fs, parquet: createHyparquetHandler(fs) }
  const schema = { type: 'struct' as const, fields: [{ name: 'id', type: { type: 'long' as const }, nullable: true, metadata: {} }] }
  await assert.rejects(createTable(root, engine, { schema }), (e: unknown) => {
    assert.ok(e instanceof CommitFailedError, String(e))
    assert.match(e.message, /does not honour conditional writes/)
    assert.match(e.message, /commit coordinator/)
    return true
  })
  assert.deepEqual(await drainLocations(fs, root, { recursive: true }), [])
})

test('s3rver: with a commit coordinator plugged into the engine, commits go through it', async () => {
  const fs = s3rver()
  const root = `s3://${BUCKET}/coordinated/${crypto.randomUUID()}/`
  // A single-process coordinator: the winner of each version is decided in memory, then written.
  const decided = new Set<string>()
  const calls: number[] = []
  const coordinator: CommitCoordinator = {
    async commit(tableRoot, version, bytes) {
      calls.push(version)
      const key = `${tableRoot}@${version}`
      if (decided.has(key)) return 'exists'
      decided.add(key)
      await fs.put(`${tableRoot}_delta_log/${String(version).padStart(20, '0')}.json`, bytes)
      return 'committed'
    },
  }
  const engine = { fileSystem: fs, parquet: createHyparquetHandler(fs), commitCoordinator: coordinator }
  const schema = { type: 'struct' as const, fields: [{ name: 'id', type: { type: 'long' as const }, nullable: true, metadata: {} }] }
  assert.equal((await createTable(root, engine, { schema })).version, 0)
  assert.deepEqual(calls, [0])
  assert.deepEqual(await drainLocations(fs, root + '_delta_log/'), [root + '_delta_log/00000000000000000000.json'])
  const put = await resolveCommitPut(engine, root)
  assert.equal(await put(root + '_delta_log/00000000000000000000.json', 0, text('late')), 'exists')
})
