/**
 * The S3 engine's own logic against a scripted fake SDK (no server): error mapping as the real SDK
 * reports it (412 arrives as name PreconditionFailed, message UnknownError), retry rules, key and
 * location spelling, listing order and the store-side StartAfter.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createS3FileSystem } from '../../src/engines/s3.js'
import type { S3Sdk } from '../../src/engines/s3/sdk.js'

interface Sent {
  readonly command: string
  readonly input: Record<string, unknown>
}

/** A fake SDK whose client answers each command with `answer` and records what was sent. */
function fakeSdk(answer: (sent: Sent, n: number) => unknown): { sdk: S3Sdk; sent: Sent[] } {
  const sent: Sent[] = []
  const command = (name: string) =>
    class {
      readonly command = name
      constructor(readonly input: Record<string, unknown>) {}
    }
  const client = {
    async send(cmd: object) {
      const s = cmd as Sent
      sent.push({ command: s.command, input: s.input })
      const out = answer(s, sent.length)
      if (out instanceof Error) throw out
      return out
    },
  }
  const sdk = {
    S3Client: class {
      constructor() {
        return client
      }
    },
    ListObjectsV2Command: command('ListObjectsV2'),
    GetObjectCommand: command('GetObject'),
    HeadObjectCommand: command('HeadObject'),
    PutObjectCommand: command('PutObject'),
    DeleteObjectCommand: command('DeleteObject'),
  } as unknown as S3Sdk
  return { sdk, sent }
}

/** An error shaped like the SDK's service exceptions. */
function sdkError(status: number, name: string, message = name): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } })
}

const noWait = { sleep: async () => undefined, random: () => 0.5 }
const fsWith = (answer: (sent: Sent, n: number) => unknown, extra: Record<string, unknown> = {}) => {
  const { sdk, sent } = fakeSdk(answer)
  return { fs: createS3FileSystem({ bucket: 'bkt', loadSdk: async () => sdk, retry: noWait, ...extra }), sent }
}

test('s3: a 412 (name PreconditionFailed, message UnknownError) and a 409 both mean exists', async () => {
  for (const [status, name] of [[412, 'PreconditionFailed'], [409, 'ConditionalRequestConflict']] as const) {
    const { fs, sent } = fsWith(() => sdkError(status, name, 'UnknownError'))
    assert.deepEqual(await fs.putIfAbsent('s3://bkt/t/_delta_log/00000000000000000000.json', new Uint8Array([1])), { status: 'exists' })
    assert.equal(sent.length, 1)
    assert.equal(sent[0]!.input.IfNoneMatch, '*')
    assert.equal(sent[0]!.input.Key, 't/_delta_log/00000000000000000000.json')
  }
})

test('s3: idempotent requests retry throttling and 5xx; a conditional PUT retries only throttling', async () => {
  const get = fsWith((_, n) => (n < 3 ? sdkError(n === 1 ? 503 : 500, n === 1 ? 'SlowDown' : 'InternalError') : { Body: { transformToByteArray: async () => new Uint8Array([7]) } }))
  assert.deepEqual(await get.fs.read('s3://bkt/x'), new Uint8Array([7]))
  assert.equal(get.sent.length, 3)

  const throttled = fsWith((_, n) => (n === 1 ? sdkError(503, 'SlowDown') : {}))
  assert.deepEqual(await throttled.fs.putIfAbsent('s3://bkt/x', new Uint8Array([1])), { status: 'created' })
  assert.equal(throttled.sent.length, 2)

  // A 500 may have been applied: retrying would turn our own write into "exists". Report it instead.
  const failed = fsWith(() => sdkError(500, 'InternalError'))
  await assert.rejects(failed.fs.putIfAbsent('s3://bkt/x', new Uint8Array([1])), { code: 'STORAGE_ERROR' })
  assert.equal(failed.sent.length, 1)

  const gaveUp = fsWith(() => sdkError(503, 'SlowDown'), { retry: { ...noWait, maxAttempts: 4 } })
  await assert.rejects(gaveUp.fs.head('s3://bkt/x'), /s3: HEAD s3:\/\/bkt\/x failed: HTTP 503: SlowDown/)
  assert.equal(gaveUp.sent.length, 4)
})

test('s3: 404 is FileNotFoundError for a key, StorageError for a missing bucket; 403 is never retried', async () => {
  await assert.rejects(fsWith(() => sdkError(404, 'NoSuchKey')).fs.read('s3://bkt/k'), { code: 'FILE_NOT_FOUND' })
  await assert.rejects(fsWith(() => sdkError(404, 'NotFound')).fs.head('s3://bkt/k'), { code: 'FILE_NOT_FOUND' })
  await assert.rejects(fsWith(() => sdkError(404, 'NoSuchBucket')).fs.read('s3://bkt/k'), { code: 'STORAGE_ERROR' })
  const denied = fsWith(() => sdkError(403, 'AccessDenied'))
  await assert.rejects(denied.fs.read('s3://bkt/k'), /HTTP 403: AccessDenied/)
  assert.equal(denied.sent.length, 1)
})

test('s3: keys are the percent-decoded location path; other buckets and keys outside the prefix are refused', async () => {
  const { fs, sent } = fsWith(() => ({}), { prefix: 'warehouse/' })
  await fs.put('s3://bkt/warehouse/part=a%20b%253A/x%C3%A9.parquet', new Uint8Array(0))
  assert.equal(sent[0]!.input.Key, 'warehouse/part=a b%3A/xé.parquet')
  await assert.rejects(fs.put('s3://other/warehouse/x', new Uint8Array(0)), { code: 'INVALID_ARGUMENT' })
  await assert.rejects(fs.put('s3://bkt/elsewhere/x', new Uint8Array(0)), { code: 'INVALID_ARGUMENT' })
  await assert.rejects(fs.put('gs://bkt/warehouse/x', new Uint8Array(0)), { code: 'INVALID_ARGUMENT' })
  await assert.rejects(fs.put('s3://bkt/warehouse/x?y', new Uint8Array(0)), { code: 'INVALID_ARGUMENT' })
})

test('s3: listing pages through continuation tokens and yields locations in UTF-8 order of their spelling', async () => {
  // Key order (what S3 returns) differs from location order once keys need escaping:
  // 'a b' < 'a!b' as keys, but 'a%20b' > 'a!b' as locations.
  const pages = [
    { Contents: [{ Key: 't/a b', Size: 1, LastModified: new Date(1_700_000_000_999) }, { Key: 't/a!b', Size: 2 }], IsTruncated: true, NextContinuationToken: 'p2' },
    { Contents: [{ Key: 't/dir/', Size: 0 }, { Key: 't/é', Size: 3 }, { Key: 't/../x', Size: 4 }], IsTruncated: false },
  ]
  const { fs, sent } = fsWith((_, n) => pages[n - 1])
  const listed: { location: string; size: number; lastModified: number }[] = []
  for await (const m of fs.list('s3://bkt/t/')) listed.push(m)
  assert.deepEqual(listed.map((m) => m.location), ['s3://bkt/t/%C3%A9', 's3://bkt/t/a!b', 's3://bkt/t/a%20b'])
  assert.equal(listed[2]!.lastModified, 1_700_000_000_000, 'whole seconds, as HEAD reports them')
  assert.deepEqual(sent.map((s) => [s.input.Prefix, s.input.Delimiter, s.input.ContinuationToken]), [['t/', '/', undefined], ['t/', '/', 'p2']])
})

test('s3: StartAfter sent to the store is a prefix that cannot skip a wanted entry', async () => {
  const cases: [string, string | undefined][] = [
    ['s3://bkt/t/_delta_log/00000000000000000007', 't/_delta_log/00000000000000000007'],
    ['s3://bkt/t/_delta_log/00000000000000000007.json', 't/_delta_log/00000000000000000007.json'],
    ['s3://bkt/t/_delta_log/a%20b', 't/_delta_log/a'],
    ['s3://bkt/t/_delta_log/%C3%A9', undefined],
    ['s3://bkt/t/_delta_log', undefined],
  ]
  for (const [startAfter, expected] of cases) {
    const { fs, sent } = fsWith(() => ({ Contents: [] }))
    for await (const _ of fs.list('s3://bkt/t/_delta_log/', { startAfter })) void _
    assert.equal(sent[0]!.input.StartAfter, expected, startAfter)
  }
  const { fs, sent } = fsWith(() => ({ Contents: [] }))
  for await (const _ of fs.list('s3://bkt/t/', { recursive: true })) void _
  assert.equal(sent[0]!.input.Delimiter, undefined)
})

test('s3: readRange asks for bytes a..end-1 and refuses a short answer; empty ranges use HEAD', async () => {
  const { fs, sent } = fsWith((s) =>
    s.command === 'HeadObject' ? { ContentLength: 10 } : { Body: { transformToByteArray: async () => new Uint8Array([1, 2]) } },
  )
  assert.deepEqual(await fs.readRange('s3://bkt/k', 3, 5), new Uint8Array([1, 2]))
  assert.equal(sent[0]!.input.Range, 'bytes=3-4')
  await assert.rejects(fs.readRange('s3://bkt/k', 3, 8), /past the end/)
  assert.deepEqual(await fs.readRange('s3://bkt/k', 10, 10), new Uint8Array(0))
  await assert.rejects(fs.readRange('s3://bkt/k', 11, 11), /past the end/)
  assert.deepEqual(sent.map((s) => s.command), ['GetObject', 'GetObject', 'HeadObject', 'HeadObject'])
})

test('s3: the SDK is loaded on first use only, and a failed load is reported and retried', async () => {
  let loads = 0
  const fs = createS3FileSystem({
    bucket: 'bkt',
    loadSdk: async () => {
      loads++
      throw new Error('Cannot find package @aws-sdk/client-s3')
    },
  })
  assert.equal(loads, 0)
  await assert.rejects(fs.head('s3://bkt/x'), { code: 'STORAGE_ERROR' })
  await assert.rejects(fs.head('s3://bkt/x'), { code: 'STORAGE_ERROR' })
  assert.equal(loads, 2)
})
