/**
 * The Azure engine against Azurite 3.35 (started here on 127.0.0.1, stopped by pid): the whole
 * engine conformance suite, abfss locations, racing clients, and Delta tables through the engine.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { BlobServiceClient } from '@azure/storage-blob'
import type { FileSystem } from '../../src/engine/file-system.js'
import { createAzureFileSystem } from '../../src/engines/azure.js'
import { runFileSystemConformance } from '../../src/testing/index.js'
import { startChildServer } from './servers/child-server.js'
import { drainLocations, objectStoreTableCases } from './object-store-cases.js'

// Azurite's documented development account (public, fixed in Azurite itself).
const ACCOUNT = 'devstoreaccount1'
const KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
const CONTAINER = 'delta-kernel-test'

const server = await startChildServer('azurite/dist/src/blob/main.js', (port, dir) => [
  '--blobHost', '127.0.0.1', '--blobPort', String(port), '--location', dir, '--silent', '--disableTelemetry', '--skipApiVersionCheck',
])
const connectionString = `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${KEY};BlobEndpoint=http://127.0.0.1:${server.port}/${ACCOUNT};`

const azure = (extra: { listPageSize?: number } = {}): FileSystem => createAzureFileSystem({ connectionString, account: ACCOUNT, ...extra })

async function emptyUnder(fs: FileSystem, root: string): Promise<void> {
  for (const loc of await drainLocations(fs, root, { recursive: true })) await fs.delete(loc)
}

before(async () => {
  await BlobServiceClient.fromConnectionString(connectionString).getContainerClient(CONTAINER).create()
})
after(() => server.stop())

runFileSystemConformance({
  name: 'azure (azurite)',
  test,
  makeFs: async () => {
    const fs = azure()
    const root = `az://${CONTAINER}/conformance/${crypto.randomUUID()}/`
    return { fs, root, cleanup: () => emptyUnder(fs, root) }
  },
})

runFileSystemConformance({
  name: 'azure (azurite, abfss locations, 2-blob pages)',
  test,
  makeFs: async () => {
    const fs = azure({ listPageSize: 2 })
    const root = `abfss://${CONTAINER}@${ACCOUNT}.dfs.core.windows.net/abfss/${crypto.randomUUID()}/`
    return { fs, root, cleanup: () => emptyUnder(fs, root) }
  },
})

test('azure: az:// and abfss:// name the same blob; other accounts and schemes are refused', async () => {
  const fs = azure()
  const id = crypto.randomUUID()
  await fs.put(`az://${CONTAINER}/same/${id}/a%20b`, new TextEncoder().encode('one blob'))
  const viaAbfss = await fs.read(`abfss://${CONTAINER}@${ACCOUNT}.dfs.core.windows.net/same/${id}/a%20b`)
  assert.equal(new TextDecoder().decode(viaAbfss), 'one blob')
  const listed = await drainLocations(fs, `abfss://${CONTAINER}@${ACCOUNT}.dfs.core.windows.net/same/${id}/`)
  assert.deepEqual(listed, [`abfss://${CONTAINER}@${ACCOUNT}.dfs.core.windows.net/same/${id}/a%20b`])
  await assert.rejects(fs.read(`abfss://${CONTAINER}@otheraccount.dfs.core.windows.net/x`), { code: 'INVALID_ARGUMENT' })
  await assert.rejects(fs.read(`s3://${CONTAINER}/x`), { code: 'INVALID_ARGUMENT' })
  await fs.delete(`az://${CONTAINER}/same/${id}/a%20b`)
})

test('azure: separate clients racing putIfAbsent for one blob: exactly one creates', async () => {
  const loc = `az://${CONTAINER}/race/${crypto.randomUUID()}/_delta_log/00000000000000000000.json`
  const racers = Array.from({ length: 8 }, () => azure())
  const results = await Promise.all(racers.map((fs, i) => fs.putIfAbsent(loc, new TextEncoder().encode(`writer ${i}`))))
  const winners = results.flatMap((r, i) => (r.status === 'created' ? [i] : []))
  assert.equal(winners.length, 1, JSON.stringify(results))
  assert.equal(new TextDecoder().decode(await racers[0]!.read(loc)), `writer ${winners[0]}`)
})

test('azure: a missing container is a StorageError, not a missing file', async () => {
  const fs = createAzureFileSystem({ connectionString, retry: { maxAttempts: 1 } })
  await assert.rejects(fs.read('az://no-such-container/x'), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'STORAGE_ERROR', e.message)
    assert.match(e.message, /ContainerNotFound/)
    return true
  })
})

for (const c of objectStoreTableCases) {
  test(`azure: ${c.name}`, () => c.run(azure(), `az://${CONTAINER}/tables/${crypto.randomUUID()}/`))
}
