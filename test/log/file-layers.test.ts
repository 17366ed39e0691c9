import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ReplayState } from '../../src/log/replay.js'
import type { Action } from '../../src/protocol/actions.js'

const add = (path: string): Action => ({ kind: 'add', add: { path, partitionValues: {}, size: 1, modificationTime: 1, dataChange: true } })
const remove = (path: string): Action => ({ kind: 'remove', remove: { path, dataChange: true } })

test('a long chain of forks keeps few layers, every state right, and earlier states unchanged', () => {
  let state = new ReplayState()
  state.apply(Array.from({ length: 1000 }, (_, i) => add(`base${i}`)), 0)
  const kept: { state: ReplayState; live: string[] }[] = []
  const model = new Set(Array.from({ length: 1000 }, (_, i) => `base${i}`))
  let maxDepth = 0
  for (let v = 1; v <= 2000; v++) {
    state = state.fork()
    // Each commit adds a file and removes one written 7 commits earlier (or a base file).
    const acts = [add(`f${v}`), remove(v % 3 === 0 ? `base${v % 1000}` : `f${v - 7}`)]
    state.apply(acts, v)
    state.settle()
    model.add(`f${v}`)
    model.delete(v % 3 === 0 ? `base${v % 1000}` : `f${v - 7}`)
    maxDepth = Math.max(maxDepth, state.depth)
    if (v % 250 === 0) {
      const live = state.liveFiles().map((a) => a.path).sort()
      assert.deepEqual(live, [...model].sort(), `live files at ${v}`)
      kept.push({ state, live })
    }
  }
  // Sizes grow 4x per layer downwards: 1000 + 4000 keys fit in a handful.
  assert.ok(maxDepth <= 8, `depth ${maxDepth}`)
  for (const k of kept) assert.deepEqual(k.state.liveFiles().map((a) => a.path).sort(), k.live)
})

test('a state shared by a fork refuses further applies', () => {
  const state = new ReplayState()
  state.apply([add('a')], 0)
  state.fork()
  assert.throws(() => state.apply([add('b')], 1), { code: 'INVALID_ARGUMENT' })
})

test('a file re-added above a remove in a lower layer is live once; removed above an add it is a tombstone once', () => {
  const s0 = new ReplayState()
  s0.baseAdds.push({ path: 'cp', partitionValues: {}, size: 1, modificationTime: 1, dataChange: false })
  s0.apply([add('a'), remove('b')], 1)
  const s1 = s0.fork()
  s1.apply([remove('a'), add('b'), remove('cp')], 2)
  s1.settle()
  const s2 = s1.fork()
  s2.apply([add('a'), add('cp')], 3)
  assert.deepEqual(s2.liveFiles().map((a) => a.path).sort(), ['a', 'b', 'cp'])
  assert.deepEqual(s2.liveTombstones().map((r) => r.path), [])
  assert.deepEqual(s1.liveFiles().map((a) => a.path).sort(), ['b'])
  assert.deepEqual(s1.liveTombstones().map((r) => r.path).sort(), ['a', 'cp'])
  assert.deepEqual(s0.liveFiles().map((a) => a.path).sort(), ['a', 'cp'])
  assert.deepEqual(s0.liveTombstones().map((r) => r.path), ['b'])
})
