/**
 * The Azure engine's own logic against a scripted fake client (no server): error mapping as the
 * SDK's RestError reports it (statusCode, code), retry rules, locations, and ranged downloads.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createAzureFileSystem } from '../../src/engines/azure.js'
import type { AzureServiceClientLike } from '../../src/engines/azure/sdk.js'
import { parseAzureLocation } from '../../src/engines/azure/locations.js'

interface Call {
  readonly container: string
  readonly blob: string
  readonly method: string
  readonly args: unknown[]
}

function restError(statusCode: number, code: string): Error {
  return Object.assign(new Error(`${code} happened\nRequestId:1`), { name: 'RestError', statusCode, code })
}

/** A fake service client whose blob methods answer with `answer` (an Error is thrown). */
function fakeService(answer: (call: Call, n: number) => unknown): { service: AzureServiceClientLike; calls: Call[] } {
  const calls: Call[] = []
  const respond = async (c: Call) => {
    calls.push(c)
    const out = answer(c, calls.length)
    if (out instanceof Error) throw out
    return out
  }
  const service = {
    getContainerClient: (container: string) => ({
      getBlockBlobClient: (blob: string) => ({
        upload: (...args: unknown[]) => respond({ container, blob, method: 'upload', args }),
        download: (...args: unknown[]) => respond({ container, blob, method: 'download', args }),
        getProperties: (...args: unknown[]) => respond({ container, blob, method: 'getProperties', args }),
        delete: (...args: unknown[]) => respond({ container, blob, method: 'delete', args }),
      }),
      listBlobsFlat: () => ({ byPage: () => [] }),
      listBlobsByHierarchy: () => ({ byPage: () => [] }),
    }),
  } as unknown as AzureServiceClientLike
  return { service, calls }
}

const noWait = { sleep: async () => undefined, random: () => 0.5 }
const fsWith = (answer: (call: Call, n: number) => unknown) => {
  const { service, calls } = fakeService(answer)
  return { fs: createAzureFileSystem({ serviceClient: service, account: 'acct', retry: noWait }), calls }
}
const body = (bytes: number[]) => ({ readableStreamBody: (async function* () { yield new Uint8Array(bytes) })() })

test('azure: 409 BlobAlreadyExists and 412 ConditionNotMet mean exists; the upload is conditional', async () => {
  for (const [status, code] of [[409, 'BlobAlreadyExists'], [412, 'ConditionNotMet']] as const) {
    const { fs, calls } = fsWith(() => restError(status, code))
    assert.deepEqual(await fs.putIfAbsent('az://c/t/_delta_log/00000000000000000000.json', new Uint8Array([1])), { status: 'exists' })
    assert.equal(calls.length, 1)
    assert.deepEqual((calls[0]!.args[2] as { conditions: unknown }).conditions, { ifNoneMatch: '*' })
    assert.equal(calls[0]!.blob, 't/_delta_log/00000000000000000000.json')
  }
})

test('azure: a conditional upload retries 503 ServerBusy but not 500; reads retry both', async () => {
  const busy = fsWith((_, n) => (n === 1 ? restError(503, 'ServerBusy') : {}))
  assert.deepEqual(await busy.fs.putIfAbsent('az://c/x', new Uint8Array([1])), { status: 'created' })
  assert.equal(busy.calls.length, 2)
  const failed = fsWith(() => restError(500, 'InternalError'))
  await assert.rejects(failed.fs.putIfAbsent('az://c/x', new Uint8Array([1])), /HTTP 500: RestError: InternalError: InternalError happened$/)
  assert.equal(failed.calls.length, 1)
  const read = fsWith((_, n) => (n < 3 ? restError(n === 1 ? 503 : 500, 'ServerBusy') : body([9, 8])))
  assert.deepEqual(await read.fs.read('az://c/x'), new Uint8Array([9, 8]))
  assert.equal(read.calls.length, 3)
})

test('azure: 404 BlobNotFound is FileNotFoundError, ContainerNotFound a StorageError; delete of a missing blob is fine', async () => {
  await assert.rejects(fsWith(() => restError(404, 'BlobNotFound')).fs.head('az://c/x'), { code: 'FILE_NOT_FOUND' })
  await assert.rejects(fsWith(() => restError(404, 'ContainerNotFound')).fs.head('az://c/x'), { code: 'STORAGE_ERROR' })
  await fsWith(() => restError(404, 'BlobNotFound')).fs.delete('az://c/x')
  await assert.rejects(fsWith(() => restError(404, 'ContainerNotFound')).fs.delete('az://c/x'), { code: 'STORAGE_ERROR' })
})

test('azure: ranged reads download (offset, count); an empty range asks for properties, never count 0', async () => {
  const { fs, calls } = fsWith((c) => (c.method === 'getProperties' ? { contentLength: 5 } : body([1, 2, 3])))
  assert.deepEqual(await fs.readRange('az://c/x', 2, 5), new Uint8Array([1, 2, 3]))
  assert.deepEqual(calls[0]!.args.slice(0, 2), [2, 3])
  assert.deepEqual(await fs.readRange('az://c/x', 5, 5), new Uint8Array(0))
  assert.equal(calls[1]!.method, 'getProperties')
  await assert.rejects(fs.readRange('az://c/x', 2, 6), /past the end/)
})

test('azure: location forms', () => {
  assert.deepEqual(parseAzureLocation('az://cont/a/b%20c'), { container: 'cont', name: 'a/b c' })
  assert.deepEqual(parseAzureLocation('abfss://cont@acct.dfs.core.windows.net/a/'), { container: 'cont', name: 'a/', account: 'acct' })
  assert.deepEqual(parseAzureLocation('wasbs://cont@acct.blob.core.windows.net/x'), { container: 'cont', name: 'x', account: 'acct' })
  assert.throws(() => parseAzureLocation('abfss://acct.dfs.core.windows.net/x'), { code: 'INVALID_ARGUMENT' })
  assert.throws(() => parseAzureLocation('az:///x'), { code: 'INVALID_ARGUMENT' })
  assert.throws(() => createAzureFileSystem({}), { code: 'INVALID_ARGUMENT' })
})
