/**
 * The file actions of commits as a stack of layers, so that a refreshed snapshot can share its
 * predecessor's state instead of copying it (see `ReplayState.fork`).
 *
 * A layer maps reconciliation keys to the newest `add` or `remove` seen for them in the commits it
 * covers; a key is in at most one of its two maps. Layers higher in the stack hold newer commits
 * and override lower ones. Every layer except the top is shared and never written again.
 *
 * Cost model: {@link settleLayers} merges the top layer into the one below while the top is at
 * least 1/{@link MERGE_RATIO} of its size, so sizes grow geometrically downwards: a stack over n
 * keys has O(log n) layers, a refresh that adds k keys copies O(k) entries amortised, and the big
 * bottom layer of a large table is never copied by a small refresh.
 *
 * @packageDocumentation
 */
import type { Add, Remove } from '../protocol/actions.js'

/** One layer of commit file actions. */
export interface FileLayer {
  readonly adds: Map<string, Add>
  readonly tombstones: Map<string, Remove>
}

/**
 * The top layer is merged into the one below it when it holds at least 1/MERGE_RATIO as many keys.
 * Higher: fewer merges, more layers to look through; 4 keeps stacks of a million keys under ~10.
 */
export const MERGE_RATIO = 4

/** A new, empty layer. */
export function emptyLayer(): FileLayer {
  return { adds: new Map(), tombstones: new Map() }
}

function sizeOf(layer: FileLayer): number {
  return layer.adds.size + layer.tombstones.size
}

/** Copies into `top` (owned) every entry of `below` that `top` does not override. */
function absorb(top: FileLayer, below: FileLayer): void {
  for (const [k, a] of below.adds) if (!top.adds.has(k) && !top.tombstones.has(k)) top.adds.set(k, a)
  for (const [k, r] of below.tombstones) if (!top.adds.has(k) && !top.tombstones.has(k)) top.tombstones.set(k, r)
}

/**
 * Restores the size invariant after writes to the top layer of `layers` (which the caller owns):
 * drops an empty top, and merges the top into lower layers while it is not much smaller. Lower
 * layers are only read, so stacks sharing them are unaffected. Returns the new stack.
 */
export function settleLayers(layers: readonly FileLayer[]): FileLayer[] {
  const out = layers.slice()
  if (out.length > 1 && sizeOf(out[out.length - 1]!) === 0) out.pop()
  while (out.length > 1) {
    const top = out[out.length - 1]!
    const below = out[out.length - 2]!
    if (sizeOf(top) * MERGE_RATIO < sizeOf(below)) break
    absorb(top, below)
    out.splice(out.length - 2, 1)
  }
  return out
}

/**
 * Keys of every layer but the bottom one, and for each layer the entries no higher layer
 * overrides. Walks top-down, so each entry is checked against one set.
 */
function visible<T>(layers: readonly FileLayer[], pick: (l: FileLayer) => Map<string, T>, out: T[]): Set<string> {
  const upper = new Set<string>()
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i]!
    if (upper.size === 0) for (const v of pick(layer).values()) out.push(v)
    else for (const [k, v] of pick(layer)) if (!upper.has(k)) out.push(v)
    if (i > 0) {
      for (const k of layer.adds.keys()) upper.add(k)
      for (const k of layer.tombstones.keys()) upper.add(k)
    }
  }
  return upper
}

/** Reconciled checkpoint entries (one per key), read by index. */
export interface BaseList<T> {
  readonly length: number
  at(i: number): T
  keyAt(i: number): string
}

/** An array of checkpoint entries as a {@link BaseList}. */
export function arrayBase<T>(items: readonly T[], keyOf: (v: T) => string): BaseList<T> {
  return { length: items.length, at: (i) => items[i]!, keyAt: (i) => keyOf(items[i]!) }
}

/**
 * The live entries of checkpoint bases under a layer stack, then those of the layers
 * themselves: what is live after replaying the checkpoint and every commit.
 */
export function resolveLive<T>(bases: readonly BaseList<T>[], layers: readonly FileLayer[], pick: (l: FileLayer) => Map<string, T>): T[] {
  const fromLayers: T[] = []
  const upper = visible(layers, pick, fromLayers)
  const bottom = layers[0]
  const touched = upper.size > 0 || (bottom !== undefined && sizeOf(bottom) > 0)
  const out: T[] = []
  for (const base of bases) {
    const n = base.length
    if (!touched) {
      for (let i = 0; i < n; i++) out.push(base.at(i))
      continue
    }
    for (let i = 0; i < n; i++) {
      const k = base.keyAt(i)
      if (upper.has(k) || bottom!.adds.has(k) || bottom!.tombstones.has(k)) continue
      out.push(base.at(i))
    }
  }
  for (const v of fromLayers) out.push(v)
  return out
}
