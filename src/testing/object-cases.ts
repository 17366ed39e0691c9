/**
 * Conformance cases for reading and writing single objects: exact bytes, ranged reads, head,
 * missing objects, overwrite, delete, put-if-absent and its atomicity under contention, buffer
 * ownership and cancellation.
 *
 * @packageDocumentation
 */
import type { FileSystem } from '../engine/file-system.js'
import { check, checkBytes, checkEqual, checkList, checkRejects } from './assert.js'
import { at, drain, noise, utf8 } from './fixtures.js'
import type { FileSystemCase } from './types.js'

/** Options that shape the object cases. */
export interface ObjectCaseOptions {
  /** Concurrent `putIfAbsent` calls racing for one location. Default 32. */
  readonly contenders?: number
}

const missingCode = 'FILE_NOT_FOUND'

async function checkMissing(fs: FileSystem, location: string): Promise<void> {
  await checkRejects(() => fs.read(location), missingCode, `read(${location})`)
  await checkRejects(() => fs.readRange(location, 0, 1), missingCode, `readRange(${location}, 0, 1)`)
  await checkRejects(() => fs.readRange(location, 0, 0), missingCode, `readRange(${location}, 0, 0)`)
  await checkRejects(() => fs.head(location), missingCode, `head(${location})`)
}

/** The object cases. */
export function objectCases(options: ObjectCaseOptions = {}): readonly FileSystemCase[] {
  const contenders = options.contenders ?? 32
  return [
    {
      name: 'read returns exactly the bytes written',
      async run({ fs, root }) {
        const every = Uint8Array.from({ length: 256 }, (_, i) => i)
        const big = noise(300_000, 7)
        await fs.put(at(root, 'every-byte'), every)
        await fs.put(at(root, 'big'), big)
        checkBytes(await fs.read(at(root, 'every-byte')), every, 'read(every-byte)')
        checkBytes(await fs.read(at(root, 'big')), big, 'read(big)')
      },
    },
    {
      name: 'readRange returns bytes [start, end)',
      async run({ fs, root }) {
        const data = noise(100_000, 11)
        const loc = at(root, 'ranged.bin')
        await fs.put(loc, data)
        const ranges: Array<[number, number]> = [
          [0, 1], [0, 4096], [50_000, 50_001], [12_345, 67_890], [99_992, 100_000], [0, 100_000],
          [0, 0], [777, 777], [100_000, 100_000],
        ]
        for (const [start, end] of ranges) {
          checkBytes(await fs.readRange(loc, start, end), data.subarray(start, end), `readRange(${start}, ${end})`)
        }
      },
    },
    {
      name: 'head reports size and an integer lastModified',
      async run({ fs, root }) {
        await fs.put(at(root, 'seven'), utf8('1234567'))
        await fs.put(at(root, 'empty'), new Uint8Array(0))
        const seven = await fs.head(at(root, 'seven'))
        checkEqual(seven.location, at(root, 'seven'), 'head location')
        checkEqual(seven.size, 7, 'head size')
        check(Number.isSafeInteger(seven.lastModified) && seven.lastModified > 0,
          `head lastModified: expected epoch milliseconds (a positive integer), got ${seven.lastModified}`)
        checkEqual((await fs.head(at(root, 'empty'))).size, 0, 'head size of an empty object')
        checkEqual((await fs.read(at(root, 'empty'))).length, 0, 'read of an empty object')
      },
    },
    {
      name: 'read, readRange and head of a missing object throw FileNotFoundError',
      async run({ fs, root }) {
        await checkMissing(fs, at(root, 'nothing-here'))
        await checkMissing(fs, at(root, 'no-dir/nothing-here'))
        await fs.put(at(root, 'was-here'), utf8('x'))
        await fs.delete(at(root, 'was-here'))
        await checkMissing(fs, at(root, 'was-here'))
      },
    },
    {
      name: 'put creates parent directories and overwrites completely',
      async run({ fs, root }) {
        const loc = at(root, 'deep/er/file.json')
        await fs.put(loc, utf8('a longer first version'))
        await fs.put(loc, utf8('short'))
        checkBytes(await fs.read(loc), utf8('short'), 'read after overwrite')
        checkEqual((await fs.head(loc)).size, 5, 'head size after overwrite')
        checkList((await drain(fs, at(root, 'deep/er/'))).map((m) => m.location), [loc], 'list after overwrite')
      },
    },
    {
      name: 'delete removes an object; deleting a missing object is not an error',
      async run({ fs, root }) {
        const loc = at(root, 'doomed')
        await fs.put(loc, utf8('x'))
        await fs.delete(loc)
        await checkMissing(fs, loc)
        checkList((await drain(fs, root)).map((m) => m.location), [], 'list after delete')
        await fs.delete(loc)
        await fs.delete(at(root, 'never/existed'))
      },
    },
    {
      name: 'putIfAbsent creates once, then reports exists and keeps the first content',
      async run({ fs, root }) {
        const loc = at(root, '_delta_log/00000000000000000000.json')
        checkEqual((await fs.putIfAbsent(loc, utf8('first'))).status, 'created', 'first putIfAbsent')
        checkEqual((await fs.putIfAbsent(loc, utf8('second'))).status, 'exists', 'second putIfAbsent')
        checkBytes(await fs.read(loc), utf8('first'), 'content after a losing putIfAbsent')
        await fs.put(at(root, 'plain'), utf8('p'))
        checkEqual((await fs.putIfAbsent(at(root, 'plain'), utf8('q'))).status, 'exists', 'putIfAbsent over put')
        checkList((await drain(fs, at(root, '_delta_log/'))).map((m) => m.location), [loc], 'list after putIfAbsent')
      },
    },
    {
      name: `putIfAbsent is atomic: of ${contenders} concurrent calls exactly one creates`,
      async run({ fs, root }) {
        if (!fs.capabilities.atomicPutIfAbsent) return // The store says it cannot promise this.
        const loc = at(root, '_delta_log/00000000000000000001.json')
        // Distinct, large-ish contents so a torn or mixed write would be visible.
        const contents = Array.from({ length: contenders }, (_, i) => noise(20_000 + i, i + 1))
        const results = await Promise.all(contents.map((c) => fs.putIfAbsent(loc, c)))
        const winners = results.flatMap((r, i) => (r.status === 'created' ? [i] : []))
        checkEqual(winners.length, 1, 'number of putIfAbsent calls that report created')
        check(results.every((r) => r.status === 'created' || r.status === 'exists'), 'putIfAbsent statuses')
        checkBytes(await fs.read(loc), contents[winners[0]!]!, 'stored content vs the winner')
      },
    },
    {
      name: 'stored bytes do not alias the caller buffers',
      async run({ fs, root }) {
        const loc = at(root, 'owned')
        const data = utf8('original')
        await fs.put(loc, data)
        data.fill(0)
        const first = await fs.read(loc)
        checkBytes(first, utf8('original'), 'read after the caller reused its buffer')
        first.fill(0)
        checkBytes(await fs.read(loc), utf8('original'), 'read after the caller changed a read result')
      },
    },
    {
      name: 'an aborted signal rejects with AbortedError and writes nothing',
      async run({ fs, root }) {
        const controller = new AbortController()
        controller.abort()
        const signal = controller.signal
        const loc = at(root, 'cancelled')
        await checkRejects(() => fs.put(loc, utf8('x'), { signal }), 'ABORTED', 'put with an aborted signal')
        await checkRejects(() => fs.putIfAbsent(loc, utf8('x'), { signal }), 'ABORTED', 'putIfAbsent, aborted')
        await checkMissing(fs, loc)
        await fs.put(loc, utf8('x'))
        await checkRejects(() => fs.read(loc, { signal }), 'ABORTED', 'read with an aborted signal')
        await checkRejects(() => fs.readRange(loc, 0, 1, { signal }), 'ABORTED', 'readRange, aborted')
        await checkRejects(() => fs.head(loc, { signal }), 'ABORTED', 'head with an aborted signal')
        await checkRejects(() => drain(fs, root, { signal }), 'ABORTED', 'list with an aborted signal')
        await checkRejects(() => fs.delete(loc, { signal }), 'ABORTED', 'delete with an aborted signal')
        checkBytes(await fs.read(loc), utf8('x'), 'content after an aborted delete')
      },
    },
  ]
}
