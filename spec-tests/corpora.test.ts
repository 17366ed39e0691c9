/**
 * Conformance over ../shared/corpora (public API only):
 * - golden tables: the latest snapshot's rows equal `expected/` as multisets; the negative cases
 *   raise their typed errors; `checkpoint` loads from its checkpoint and equals a JSON-only replay;
 * - every kernel-rs / delta-rs table loads and scans, or raises UnsupportedFeatureError naming
 *   the feature.
 * Prints a summary table (ok / unsupported(feature) / wrong / error) and fails on wrong or error.
 */
import { after, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import {
  DeltaError,
  MissingMetadataError,
  Scan,
  TableNotFoundError,
  UnsupportedFeatureError,
  type Engine,
  type FileSystem,
} from '../src/index.js'
import { createNodeEngine } from '../src/node.js'
import { collect, diffRows, goldenTables, openCorpusTable, otherTables, rowsOf } from './corpora.js'

type Status = 'ok' | `unsupported(${string})` | `wrong: ${string}` | `error: ${string}`
const summary: [string, Status][] = []

after(() => {
  const width = Math.max(...summary.map(([n]) => n.length))
  const lines = summary.map(([n, s]) => `${n.padEnd(width)}  ${s.length > 140 ? s.slice(0, 140) + '…' : s}`)
  const counts = new Map<string, number>()
  for (const [, s] of summary) {
    const k = s.startsWith('unsupported') ? 'unsupported' : s.split(':')[0]!
    counts.set(k, (counts.get(k) ?? 0) + 1)
  }
  console.log(`\nconformance summary (${summary.length} tables)\n${lines.join('\n')}\n${[...counts].map(([k, c]) => `${k}: ${c}`).join(', ')}`)
})

/** Runs `body`, recording ok / unsupported / error; rethrows anything but UnsupportedFeatureError. */
async function record(name: string, body: () => Promise<void>): Promise<void> {
  try {
    await body()
    summary.push([name, 'ok'])
  } catch (e) {
    if (e instanceof UnsupportedFeatureError) {
      summary.push([name, `unsupported(${e.feature})`])
      return
    }
    if (e instanceof assert.AssertionError) summary.push([name, `wrong: ${e.message.split('\n')[0]}`])
    else summary.push([name, `error: ${e instanceof DeltaError ? e.code : ''} ${(e as Error).message}`])
    throw e
  }
}

/** An engine that hides checkpoints and `_last_checkpoint`, forcing a JSON-only replay. */
function jsonOnlyEngine(base: Engine): Engine {
  const fs: FileSystem = {
    ...base.fileSystem,
    capabilities: base.fileSystem.capabilities,
    async *list(dir, options) {
      for await (const m of base.fileSystem.list(dir, options)) {
        const name = m.location.slice(m.location.lastIndexOf('/') + 1)
        if (name.includes('.checkpoint.') || name === '_last_checkpoint') continue
        yield m
      }
    },
    read: (loc, o) => (loc.endsWith('/_last_checkpoint') ? base.fileSystem.read(loc + '.hidden', o) : base.fileSystem.read(loc, o)),
    readRange: base.fileSystem.readRange.bind(base.fileSystem),
    head: base.fileSystem.head.bind(base.fileSystem),
    putIfAbsent: base.fileSystem.putIfAbsent.bind(base.fileSystem),
    put: base.fileSystem.put.bind(base.fileSystem),
    delete: base.fileSystem.delete.bind(base.fileSystem),
  }
  return { ...base, fileSystem: fs }
}

/** Whether `_delta_log` holds any commit or checkpoint file (checked independently of the kernel). */
function hasLogFiles(dir: string): boolean {
  return readdirSync(join(dir, '_delta_log')).some((n) => /^\d{20}\.(json|checkpoint\.)/.test(n))
}

/** Whether a data file referenced by the log exists on disk with the size the log states. */
function dataFileMatches(dir: string, path: string, size: number): boolean {
  try {
    return statSync(join(dir, decodeURIComponent(path))).size === size
  } catch {
    return false
  }
}

describe('golden tables', () => {
  const engine = createNodeEngine()
  for (const t of goldenTables()) {
    test(t.name, async () => {
      await record(t.name, async () => {
        const table = openCorpusTable(t.dir, engine)
        if (t.name === 'golden/no-delta-log-folder') {
          await assert.rejects(table.snapshot(), TableNotFoundError)
          return
        }
        if (t.name === 'golden/deltalog-state-reconstruction-without-metadata') {
          await assert.rejects(table.snapshot(), MissingMetadataError)
          return
        }
        const snapshot = await table.snapshot()
        if (t.expectedDir) {
          const actual = rowsOf(await collect(new Scan(snapshot)))
          // Expected rows: the Parquet files Spark wrote, read with the table's logical schema.
          const files = readdirSync(t.expectedDir).filter((f) => f.endsWith('.parquet')).sort()
          const expected: string[] = []
          for (const f of files) {
            const location = pathToFileURL(join(t.expectedDir, f)).href
            const meta = await engine.fileSystem.head(location)
            const batches = []
            for await (const { batch } of engine.parquet.read(meta, { schema: snapshot.schema })) batches.push(batch)
            expected.push(...rowsOf(batches))
          }
          assert.equal(diffRows(actual, expected), '', `${t.name}: rows differ from expected/`)
        } else {
          // No expected rows: the checkpoint-based snapshot must equal a JSON-only replay.
          assert.ok(snapshot.logSegment.checkpoint, `${t.name}: expected a checkpoint to be used`)
          const jsonOnly = await openCorpusTable(t.dir, jsonOnlyEngine(engine)).snapshot()
          assert.equal(jsonOnly.logSegment.checkpoint, undefined)
          assert.equal(jsonOnly.version, snapshot.version)
          const files = (s: typeof snapshot) => s.files().map((f) => `${f.path} ${f.size} ${JSON.stringify(f.partitionValues)}`).sort()
          assert.deepEqual(files(snapshot), files(jsonOnly))
          assert.deepEqual(snapshot.protocol, jsonOnly.protocol)
          assert.deepEqual(snapshot.metadata, jsonOnly.metadata)
          assert.deepEqual(snapshot.appTransactions(), jsonOnly.appTransactions())
          assert.deepEqual(snapshot.domainMetadataEntries(), jsonOnly.domainMetadataEntries())
        }
      })
    })
  }
})

describe('kernel-rs and delta-rs tables load and scan', () => {
  const engine = createNodeEngine()
  for (const t of otherTables()) {
    test(t.name, async () => {
      await record(t.name, async () => {
        if (!hasLogFiles(t.dir)) {
          // Nothing to reconstruct (e.g. only a .crc file): must be rejected as "not a table".
          await assert.rejects(openCorpusTable(t.dir, engine).snapshot(), TableNotFoundError)
          return
        }
        const snapshot = await openCorpusTable(t.dir, engine).snapshot()
        const present = snapshot.files().every((f) => dataFileMatches(t.dir, f.path, f.size))
        if (present) {
          const batches = await collect(new Scan(snapshot))
          let rows = 0
          for (const b of batches) rows += b.numRows
          // The rows are exactly what the stats promise: numRecords minus the rows each DV deletes.
          const counts = snapshot.files().map((f) => {
            const n = f.stats ? (JSON.parse(f.stats) as { numRecords?: number }).numRecords : undefined
            return n === undefined ? undefined : n - (f.deletionVector?.cardinality ?? 0)
          })
          if (counts.every((c) => typeof c === 'number')) {
            assert.equal(rows, counts.reduce((a, b) => a! + b!, 0), 'row count differs from the sum of numRecords')
          }
        } else {
          // Some data files are not in the corpus (log-only fixtures): reading must fail with a typed error.
          await assert.rejects(collect(new Scan(snapshot)), (e) => e instanceof DeltaError && ['FILE_NOT_FOUND', 'PARQUET_ERROR'].includes(e.code))
        }
      })
    })
  }
})
