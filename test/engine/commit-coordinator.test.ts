/**
 * The commit-point gate and the put-if-absent probe, on in-memory stores (no server): which
 * stores are probed, what a store that overwrites gets, caching, and coordinators.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { resolveCommitPut, type CommitCoordinator } from '../../src/engine/commit-coordinator.js'
import type { FileSystem } from '../../src/engine/file-system.js'
import { verifyPutIfAbsent } from '../../src/engine/put-if-absent-probe.js'
import { CommitFailedError, StorageError } from '../../src/errors.js'
import { createMemoryFileSystem } from '../../src/engines/memory.js'

const ROOT = 'memory:///t/'
const bytes = (s: string) => new TextEncoder().encode(s)

/** A memory store whose putIfAbsent behaves as `mode` says, counting calls. */
function store(mode: 'honest' | 'overwrites' | 'lies-exists' | 'fails', verify = true) {
  const inner = createMemoryFileSystem()
  const calls = { putIfAbsent: 0, delete: 0 }
  const fs: FileSystem = {
    ...inner,
    capabilities: { atomicPutIfAbsent: true, verifyPutIfAbsent: verify } as FileSystem['capabilities'],
    async putIfAbsent(location, data, o) {
      calls.putIfAbsent++
      if (mode === 'fails') throw new StorageError('store down')
      if (mode === 'lies-exists') return { status: 'exists' }
      if (mode === 'overwrites') {
        await inner.put(location, data, o)
        return { status: 'created' }
      }
      return inner.putIfAbsent(location, data, o)
    },
    async delete(location, o) {
      calls.delete++
      return inner.delete(location, o)
    },
  }
  return { fs, calls, inner }
}

test('the probe passes on an honest store, once per store object, and cleans up', async () => {
  const { fs, calls, inner } = store('honest')
  assert.equal(await verifyPutIfAbsent(fs, ROOT), true)
  assert.equal(await verifyPutIfAbsent(fs, 'memory:///other/'), true)
  assert.deepEqual(calls, { putIfAbsent: 2, delete: 1 })
  const left: string[] = []
  for await (const m of inner.list(ROOT + '_delta_log/')) left.push(m.location)
  assert.deepEqual(left, [])
})

test('the probe fails a store that overwrites, and one that says "exists" for a fresh name', async () => {
  assert.equal(await verifyPutIfAbsent(store('overwrites').fs, ROOT), false)
  assert.equal(await verifyPutIfAbsent(store('lies-exists').fs, ROOT), false)
})

test('a storage failure during the probe propagates and is not cached', async () => {
  const { fs, calls } = store('fails')
  await assert.rejects(verifyPutIfAbsent(fs, ROOT), StorageError)
  await assert.rejects(verifyPutIfAbsent(fs, ROOT), StorageError)
  assert.equal(calls.putIfAbsent, 2)
})

test('the gate: refuses a store that overwrites, probes only stores that ask, puts through putIfAbsent', async () => {
  const bad = store('overwrites')
  await assert.rejects(resolveCommitPut({ fileSystem: bad.fs, parquet: undefined as never }, ROOT), (e: unknown) => {
    assert.ok(e instanceof CommitFailedError)
    assert.match(e.message, /memory:\/\/\/t\/: the store does not honour conditional writes/)
    return true
  })
  const unprobed = store('overwrites', false)
  const put = await resolveCommitPut({ fileSystem: unprobed.fs, parquet: undefined as never }, ROOT)
  assert.equal(unprobed.calls.putIfAbsent, 0, 'no probe without capabilities.verifyPutIfAbsent')
  assert.equal(await put(ROOT + '_delta_log/00000000000000000000.json', 0, bytes('x')), 'created')

  const honest = store('honest')
  const honestPut = await resolveCommitPut({ fileSystem: honest.fs, parquet: undefined as never }, ROOT)
  assert.equal(await honestPut(ROOT + '_delta_log/00000000000000000000.json', 0, bytes('a')), 'created')
  assert.equal(await honestPut(ROOT + '_delta_log/00000000000000000000.json', 0, bytes('b')), 'exists')
})

test('the gate: without atomic put-if-absent and without a coordinator, CommitFailedError names the way out', async () => {
  const fs: FileSystem = { ...createMemoryFileSystem(), capabilities: { atomicPutIfAbsent: false } }
  await assert.rejects(resolveCommitPut({ fileSystem: fs, parquet: undefined as never }, ROOT), /no commit coordinator is plugged in/)
})

test('the gate: a coordinator takes every commit, from the options or the engine, whatever the store says', async () => {
  const seen: [string, number, string][] = []
  const coordinator: CommitCoordinator = {
    async commit(tableRoot, version, data) {
      seen.push([tableRoot, version, new TextDecoder().decode(data)])
      return seen.length === 1 ? 'committed' : 'exists'
    },
  }
  const fs: FileSystem = { ...createMemoryFileSystem(), capabilities: { atomicPutIfAbsent: false } }
  const viaEngine = await resolveCommitPut({ fileSystem: fs, parquet: undefined as never, commitCoordinator: coordinator } as never, ROOT)
  assert.equal(await viaEngine('ignored', 3, bytes('c3')), 'created')
  const viaOptions = await resolveCommitPut({ fileSystem: store('overwrites').fs, parquet: undefined as never }, ROOT, { coordinator })
  assert.equal(await viaOptions('ignored', 3, bytes('again')), 'exists')
  assert.deepEqual(seen, [[ROOT, 3, 'c3'], [ROOT, 3, 'again']])
})
