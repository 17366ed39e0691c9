/** The fault-injecting wrapper itself: each fault does exactly what its documentation says. */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { CrashError, withFaults } from '../../src/engines/fault-injection.js'
import { createMemoryFileSystem } from '../../src/engines/memory.js'
import { AbortedError, DeltaError, FileNotFoundError, StorageError } from '../../src/errors.js'
import type { FileSystem } from '../../src/engine/file-system.js'

const R = 'memory:///r/'
const bytes = (s: string) => new TextEncoder().encode(s)
const text = (b: Uint8Array) => new TextDecoder().decode(b)

async function names(fs: FileSystem, dir = R): Promise<string[]> {
  const out: string[] = []
  for await (const m of fs.list(dir)) out.push(m.location.slice(dir.length))
  return out
}

test('fail on the nth matching call only, as a StorageError, without touching the store', async () => {
  const inner = createMemoryFileSystem()
  const fs = withFaults(inner, { rules: [{ ops: 'put', match: /\.json$/, nth: 2, fault: { kind: 'fail' } }] })
  await fs.put(`${R}a.json`, bytes('a'))
  await fs.put(`${R}x.bin`, bytes('x')) // does not match: not counted
  await assert.rejects(fs.put(`${R}b.json`, bytes('b')), (e: unknown) => e instanceof StorageError && e.code === 'STORAGE_ERROR')
  await fs.put(`${R}c.json`, bytes('c')) // third match: the rule fired once already
  assert.deepEqual(await names(inner), ['a.json', 'c.json', 'x.bin'])
  assert.deepEqual(fs.faults.injected.map((f) => [f.call.seq, f.fault]), [[3, 'fail']])
})

test("fail 'after' lands the write, then reports an error (a lost acknowledgement)", async () => {
  const inner = createMemoryFileSystem()
  const fs = withFaults(inner, { rules: [{ ops: 'putIfAbsent', fault: { kind: 'fail', when: 'after' } }] })
  await assert.rejects(fs.putIfAbsent(`${R}a`, bytes('a')), StorageError)
  assert.equal(text(await inner.read(`${R}a`)), 'a')
})

test('notFound makes a read of an existing object throw FileNotFoundError', async () => {
  const inner = createMemoryFileSystem()
  await inner.put(`${R}a`, bytes('a'))
  const fs = withFaults(inner, { rules: [{ ops: ['read', 'head'], fault: { kind: 'notFound' } }] })
  await assert.rejects(fs.read(`${R}a`), FileNotFoundError)
  await assert.rejects(fs.head(`${R}a`), FileNotFoundError)
  assert.equal(text(await fs.readRange(`${R}a`, 0, 1)), 'a')
})

test('a delay ends early with AbortedError when the call is aborted', async () => {
  const fs = withFaults(createMemoryFileSystem(), { rules: [{ ops: 'read', fault: { kind: 'delay', ms: 3_600_000 } }] })
  await fs.put(`${R}a`, bytes('a'))
  const ctl = new AbortController()
  const p = fs.read(`${R}a`, { signal: ctl.signal })
  ctl.abort()
  await assert.rejects(p, AbortedError)
})

test('a delay lets a later rule decide the outcome', async () => {
  const fs = withFaults(createMemoryFileSystem(), {
    rules: [
      { ops: 'put', fault: { kind: 'delay', ms: 1 } },
      { ops: 'put', fault: { kind: 'fail' } },
    ],
  })
  await assert.rejects(fs.put(`${R}a`, bytes('a')), StorageError)
  assert.deepEqual(fs.faults.injected.map((f) => f.fault), ['delay', 'fail'])
})

test('a torn write stores exactly the prefix, then crashes; the dead process makes no more calls', async () => {
  const inner = createMemoryFileSystem()
  const fs = withFaults(inner, { rules: [{ ops: 'put', fault: { kind: 'tear', keep: 3, point: 'mid-write' } }] })
  await assert.rejects(fs.put(`${R}a`, bytes('abcdefgh')), (e: unknown) => e instanceof CrashError && e.point === 'mid-write' && !(e instanceof DeltaError))
  assert.equal(text(await inner.read(`${R}a`)), 'abc')
  await assert.rejects(fs.read(`${R}a`), CrashError)
  await assert.rejects(names(fs), CrashError)
  assert.equal(fs.faults.crashed?.point, 'mid-write')
})

test("a torn write with then 'fail' is a StorageError and the process lives on", async () => {
  const inner = createMemoryFileSystem()
  const fs = withFaults(inner, { rules: [{ ops: 'putIfAbsent', fault: { kind: 'tear', then: 'fail' } }] })
  await assert.rejects(fs.putIfAbsent(`${R}a`, bytes('abcd')), StorageError)
  assert.equal(text(await fs.read(`${R}a`)), 'ab')
})

test("crash 'before' has no effect on the store; 'after' lands the write first", async () => {
  const inner = createMemoryFileSystem()
  const before = withFaults(inner, { rules: [{ match: 'x', fault: { kind: 'crash', point: 'p1' } }] })
  await assert.rejects(before.put(`${R}x`, bytes('x')), CrashError)
  assert.deepEqual(await names(inner), [])
  const after = withFaults(inner, { rules: [{ match: 'x', fault: { kind: 'crash', point: 'p2', when: 'after' } }] })
  await assert.rejects(after.put(`${R}x`, bytes('x')), CrashError)
  assert.deepEqual(await names(inner), ['x'])
})

test('held writes are visible to the process but not durable; a crash loses them while later writes survive (reordering)', async () => {
  const inner = createMemoryFileSystem()
  const fs = withFaults(inner, { rules: [{ match: 'first', fault: { kind: 'hold' } }] })
  await fs.put(`${R}first`, bytes('1'))
  await fs.put(`${R}second`, bytes('2'))
  assert.equal(text(await fs.read(`${R}first`)), '1')
  assert.equal((await fs.head(`${R}first`)).size, 1)
  assert.deepEqual(await names(fs), ['first', 'second'])
  assert.deepEqual(await names(inner), ['second'])
  assert.deepEqual(await fs.putIfAbsent(`${R}first`, bytes('again')), { status: 'exists' })
  fs.faults.crash('power loss')
  assert.deepEqual(await names(inner), ['second'])
})

test('releasing held writes makes them durable, in the order asked', async () => {
  const inner = createMemoryFileSystem()
  const fs = withFaults(inner, { rules: [{ ops: 'putIfAbsent', fault: { kind: 'hold' } }] })
  await fs.putIfAbsent(`${R}a`, bytes('a'))
  await fs.putIfAbsent(`${R}b`, bytes('b'))
  assert.deepEqual(fs.faults.held(), [`${R}a`, `${R}b`])
  await fs.faults.releaseHeld('lifo')
  assert.deepEqual(fs.faults.held(), [])
  assert.deepEqual(await names(inner), ['a', 'b'])
})

test('a lagging listing hides new keys for K list calls; reads see them at once', async () => {
  const inner = createMemoryFileSystem()
  await inner.put(`${R}old`, bytes('o'))
  const fs = withFaults(inner, { listLag: { calls: 2 } })
  await fs.put(`${R}new`, bytes('n'))
  assert.equal(text(await fs.read(`${R}new`)), 'n')
  assert.deepEqual(await names(fs), ['old'])
  assert.deepEqual(await names(fs), ['old'])
  assert.deepEqual(await names(fs), ['new', 'old'])
})

test('every call is recorded with its operation and location, and onCall sees it first', async () => {
  const seen: string[] = []
  const fs = withFaults(createMemoryFileSystem(), { onCall: (c) => void seen.push(`${c.op} ${c.location}`) })
  await fs.put(`${R}a`, bytes('a'))
  await fs.read(`${R}a`)
  await names(fs)
  await fs.delete(`${R}a`)
  const expected = [`put ${R}a`, `read ${R}a`, `list ${R}`, `delete ${R}a`]
  assert.deepEqual(seen, expected)
  assert.deepEqual(fs.faults.calls.map((c) => `${c.op} ${c.location}`), expected)
  assert.deepEqual(fs.faults.calls.map((c) => c.seq), [1, 2, 3, 4])
})
