/**
 * The S3 engine against a real S3 server: Ceph radosgw on 127.0.0.1, started here and stopped
 * by pid. The whole engine conformance suite, plus what only S3 has: paged listings, the
 * put-if-absent probe, racing clients and a Delta table written and read through the engine.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3'
import { createS3FileSystem } from '../../src/engines/s3.js'
import { verifyPutIfAbsent } from '../../src/engine/put-if-absent-probe.js'
import type { FileSystem } from '../../src/engine/file-system.js'
import { runFileSystemConformance } from '../../src/testing/index.js'
import { type S3Server, startRadosgw } from './servers/radosgw.js'
import { drainLocations, objectStoreTableCases } from './object-store-cases.js'

const started = await startRadosgw()
const skip = 'skip' in started ? started.skip : undefined
const server = 'skip' in started ? undefined : (started as S3Server)
const BUCKET = 'delta-kernel-test'

function s3(options: { listPageSize?: number } = {}): FileSystem {
  if (!server) throw new Error('no S3 server')
  return createS3FileSystem({
    bucket: BUCKET,
    endpoint: server.endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
    ...options,
  })
}

async function emptyUnder(fs: FileSystem, root: string): Promise<void> {
  for (const loc of await drainLocations(fs, root, { recursive: true })) await fs.delete(loc)
}

if (skip !== undefined) {
  test(`s3 engine against radosgw (skipped: ${skip})`, { skip })
} else {
  before(async () => {
    const client = new S3Client({
      endpoint: server!.endpoint,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: { accessKeyId: server!.accessKeyId, secretAccessKey: server!.secretAccessKey },
    })
    await client.send(new CreateBucketCommand({ Bucket: BUCKET }))
    client.destroy()
  })
  after(() => server!.stop())

  runFileSystemConformance({
    name: 's3 (radosgw)',
    test,
    makeFs: async () => {
      const fs = s3()
      const root = `s3://${BUCKET}/conformance/${crypto.randomUUID()}/`
      return { fs, root, cleanup: () => emptyUnder(fs, root) }
    },
  })

  test('s3: listings page with continuation tokens and StartAfter, same-directory and recursive', async () => {
    const fs = s3({ listPageSize: 2 })
    const root = `s3://${BUCKET}/paged/${crypto.randomUUID()}/`
    const names = Array.from({ length: 9 }, (_, i) => `_delta_log/${String(i).padStart(20, '0')}.json`)
    for (const n of [...names, '_delta_log/sub/x', 'part-0.parquet']) await fs.put(root + n, new Uint8Array([1]))
    const log = root + '_delta_log/'
    assert.deepEqual(await drainLocations(fs, log), names.map((n) => root + n))
    assert.deepEqual(await drainLocations(fs, log, { startAfter: root + names[4] }), names.slice(5).map((n) => root + n))
    assert.deepEqual(await drainLocations(fs, log, { startAfter: log + '00000000000000000007' }), names.slice(7).map((n) => root + n))
    assert.deepEqual(
      await drainLocations(fs, root, { recursive: true }),
      [...names, '_delta_log/sub/x', 'part-0.parquet'].map((n) => root + n),
    )
    await emptyUnder(fs, root)
  })

  test('s3: radosgw honours If-None-Match, so the put-if-absent probe passes and leaves nothing behind', async () => {
    const fs = s3()
    const root = `s3://${BUCKET}/probe/${crypto.randomUUID()}/`
    assert.equal(await verifyPutIfAbsent(fs, root), true)
    assert.deepEqual(await drainLocations(fs, root, { recursive: true }), [])
  })

  test('s3: separate clients racing putIfAbsent for one key: exactly one creates', async () => {
    const root = `s3://${BUCKET}/race/${crypto.randomUUID()}/`
    const loc = root + '_delta_log/00000000000000000000.json'
    const racers = Array.from({ length: 8 }, () => s3())
    const results = await Promise.all(racers.map((fs, i) => fs.putIfAbsent(loc, new TextEncoder().encode(`writer ${i}`))))
    const winners = results.flatMap((r, i) => (r.status === 'created' ? [i] : []))
    assert.equal(winners.length, 1, JSON.stringify(results))
    assert.equal(new TextDecoder().decode(await racers[0]!.read(loc)), `writer ${winners[0]}`)
    await emptyUnder(racers[0]!, root)
  })

  test('s3: a missing bucket is a StorageError, not a missing file', async () => {
    const fs = createS3FileSystem({
      bucket: 'no-such-bucket-here',
      endpoint: server!.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: server!.accessKeyId, secretAccessKey: server!.secretAccessKey },
      retry: { maxAttempts: 1 },
    })
    await assert.rejects(fs.read('s3://no-such-bucket-here/x'), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'STORAGE_ERROR', e.message)
      assert.match(e.message, /NoSuchBucket/)
      return true
    })
  })

  for (const c of objectStoreTableCases) {
    test(`s3: ${c.name}`, () => c.run(s3(), `s3://${BUCKET}/tables/${crypto.randomUUID()}/`))
  }
}
