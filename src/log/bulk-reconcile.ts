/**
 * Reconciling a long run of file actions (every JSON commit of a table without a checkpoint) into
 * one action per key without a hash map over all of them.
 *
 * Keying hundreds of thousands of fresh path strings into a `Map` costs more than parsing their
 * JSON, yet in nearly every log each key occurs once. So: hash every key in JavaScript into a
 * Bloom filter while keeping the actions in order; an action whose key the filter may have seen
 * is a *suspect*. Every key that really occurs twice has a suspect occurrence, so only suspect
 * keys (true repeats plus a few false positives) go into exact sets. Every other action is the
 * only one for its key and is kept as is. Hash quality only affects speed, never the result.
 *
 * @packageDocumentation
 */
import type { Add, Remove } from '../protocol/actions.js'

/** 32-bit FNV-1a over UTF-16 code units. */
function hashKey(key: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193)
  return h | 0
}

/** A two-probe Bloom filter of 32-bit hashes with about 16 bits per expected entry. */
class Bloom {
  readonly #bits: Uint32Array
  readonly #mask: number
  constructor(expected: number) {
    let size = 1024
    while (size < expected * 16) size *= 2
    this.#bits = new Uint32Array(size >>> 5)
    this.#mask = size - 1
  }
  /** Adds `h`; returns whether it may have been added before. */
  addAndTest(h: number): boolean {
    const a = h & this.#mask
    const b = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) & this.#mask
    const seen = this.#has(a) && this.#has(b)
    this.#bits[a >>> 5]! |= 1 << (a & 31)
    this.#bits[b >>> 5]! |= 1 << (b & 31)
    return seen
  }
  mayHave(h: number): boolean {
    return this.#has(h & this.#mask) && this.#has(Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) & this.#mask)
  }
  #has(bit: number): boolean {
    return (this.#bits[bit >>> 5]! & (1 << (bit & 31))) !== 0
  }
}

/** File actions in replay order, reconciled at the end. */
export class BulkFiles {
  readonly #actions: (Add | Remove)[] = []
  readonly #isAdd: boolean[] = []
  readonly #keys: string[] = []
  readonly #hashes: number[] = []

  /** Number of actions collected. */
  get size(): number {
    return this.#actions.length
  }

  /** Appends one action with its reconciliation key. */
  push(action: Add | Remove, isAdd: boolean, key: string): void {
    this.#actions.push(action)
    this.#isAdd.push(isAdd)
    this.#keys.push(key)
    this.#hashes.push(hashKey(key))
  }

  /** The newest action of every key: adds live, removes as tombstones, appended to the outputs. */
  reconcileInto(adds: Add[], tombstones: Remove[]): void {
    const n = this.#actions.length
    const hashes = this.#hashes
    const keys = this.#keys
    const seen = new Bloom(n)
    const suspects = new Set<string>()
    for (let i = 0; i < n; i++) if (seen.addAndTest(hashes[i]!)) suspects.add(keys[i]!)
    const emit = (i: number) => {
      if (this.#isAdd[i]) adds.push(this.#actions[i] as Add)
      else tombstones.push(this.#actions[i] as Remove)
    }
    if (suspects.size === 0) {
      for (let i = 0; i < n; i++) emit(i)
      return
    }
    const suspectFilter = new Bloom(suspects.size)
    for (const k of suspects) suspectFilter.addAndTest(hashKey(k))
    const last = new Map<string, number>()
    for (let i = 0; i < n; i++) {
      if (suspectFilter.mayHave(hashes[i]!) && suspects.has(keys[i]!)) last.set(keys[i]!, i)
      else emit(i)
    }
    for (const i of last.values()) emit(i)
  }
}
