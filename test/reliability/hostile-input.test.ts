/**
 * Hostile and broken tables, built by mutating real corpus tables in memory. Each one must either
 * read exactly like the unbroken table (forward-compatible changes, lying hints, files the reader
 * should ignore) or fail with the named typed `DeltaError` and no rows: never an untyped error,
 * never partial or wrong output.
 */
import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import type { FileSystem } from '../../src/engine/file-system.js'
import { DeltaError, type DeltaErrorCode } from '../../src/errors.js'
import { Scan } from '../../src/scan/scan.js'
import { rowToJson } from '../../src/protocol/value-encoding.js'
import { ROOT, corpusFs, describeError, engineOn, reporter } from './helpers.js'
import { Table } from '../../src/table.js'
import type { LogLimits } from '../../src/engine/limits.js'

const report = reporter('hostile and broken input')
after(() => report.print())

const LOG = `${ROOT}_delta_log/`
const commit = (v: number) => `${LOG}${String(v).padStart(20, '0')}.json`
const enc = (s: string) => new TextEncoder().encode(s)
const dec = (b: Uint8Array) => new TextDecoder().decode(b)

/** simple_table_with_checkpoint: commits 0..10, a classic checkpoint at 10. */
const CP_TABLE = 'delta-rs/simple_table_with_checkpoint'
const CP10 = `${LOG}00000000000000000010.checkpoint.parquet`
/** table-with-dv-small: one file of values 0..9 whose DV deletes 0 and 9 (commit 1: `DELETE ... value IN (0, 9)`). */
const DV_TABLE = 'kernel-rs/table-with-dv-small'
const DV_FILE = `${ROOT}deletion_vector_61d16c75-6994-46b7-a15b-8b538852e50e.bin`
const DV_ROWS = [1, 2, 3, 4, 5, 6, 7, 8].map((value) => JSON.stringify({ value }))
/** delta-0.8.0-numeric-partition: partitioned by x (long) and y (double). */
const PART_TABLE = 'delta-rs/delta-0.8.0-numeric-partition'

interface Outcome {
  readonly version?: number
  readonly files?: readonly string[]
  readonly rows?: readonly string[]
  readonly error?: unknown
  /** Rows yielded before the error (must be none). */
  readonly partialRows: number
}

/** Loads the latest snapshot and scans every row; captures the error instead of throwing. */
async function outcome(fs: FileSystem, limits?: LogLimits): Promise<Outcome> {
  let partialRows = 0
  try {
    const snapshot = await Table.open(ROOT, { ...engineOn(fs), ...(limits ? { limits } : {}) }).snapshot()
    const rows: string[] = []
    for await (const b of new Scan(snapshot).batches()) {
      for (let i = 0; i < b.numRows; i++) rows.push(JSON.stringify(rowToJson(b, i)))
      partialRows = rows.length
    }
    return { version: snapshot.version, files: snapshot.files().map((f) => f.path).sort(), rows: rows.sort(), partialRows: 0 }
  } catch (error) {
    return { error, partialRows }
  }
}

const baselines = new Map<string, Outcome>()
async function baseline(name: string): Promise<Outcome> {
  let b = baselines.get(name)
  if (!b) baselines.set(name, (b = await outcome(corpusFs(name))))
  assert.equal(b.error, undefined, `baseline ${name} must read`)
  return b
}

type Expect = { readonly code: DeltaErrorCode } | { readonly same: true } | { readonly rows: readonly string[] }

interface Case {
  readonly name: string
  readonly table: string
  readonly mutate: (fs: FileSystem) => Promise<void>
  readonly expect: Expect
  readonly limits?: LogLimits
}

async function rewriteLines(fs: FileSystem, location: string, edit: (action: Record<string, Record<string, unknown>>) => void): Promise<void> {
  const lines = dec(await fs.read(location)).split('\n').filter((l) => l.trim() !== '')
  const out = lines.map((l) => {
    const o = JSON.parse(l) as Record<string, Record<string, unknown>>
    edit(o)
    return JSON.stringify(o)
  })
  await fs.put(location, enc(out.join('\n')))
}

const editDv = (edit: (dv: Record<string, unknown>) => void) => (fs: FileSystem) =>
  rewriteLines(fs, commit(1), (o) => {
    if (o.add?.deletionVector) edit(o.add.deletionVector as Record<string, unknown>)
  })
const editAdd = (edit: (add: Record<string, unknown>) => void) => (fs: FileSystem) =>
  rewriteLines(fs, commit(1), (o) => {
    if (o.add) edit(o.add)
  })
const appendCommit11 = (text: string | Uint8Array) => async (fs: FileSystem) => {
  await fs.put(commit(11), typeof text === 'string' ? enc(text) : text)
}
const metaDataLine = (schemaString: string) =>
  JSON.stringify({ metaData: { id: 'hostile', format: { provider: 'parquet', options: {} }, schemaString, partitionColumns: [], configuration: {} } })
const nestedSchema = (depth: number) =>
  '{"type":"struct","fields":[{"name":"x","nullable":true,"metadata":{},"type":' +
  '{"type":"struct","fields":[{"name":"a","nullable":true,"metadata":{},"type":'.repeat(depth) +
  '"long"' +
  '}]}'.repeat(depth) +
  '}]}'
const flipLastByte = (location: string) => async (fs: FileSystem) => {
  const b = (await fs.read(location)).slice()
  b[b.length - 1]! ^= 1
  await fs.put(location, b)
}

const CASES: Case[] = [
  // Malformed JSON lines.
  { name: 'commit with a truncated JSON line', table: CP_TABLE, mutate: appendCommit11('{"commitInfo":{}}\n{"add": {"path":'), expect: { code: 'INVALID_LOG' } },
  { name: 'commit line that is an array', table: CP_TABLE, mutate: appendCommit11('[1,2]'), expect: { code: 'INVALID_LOG' } },
  { name: 'commit line that is null', table: CP_TABLE, mutate: appendCommit11('null'), expect: { code: 'INVALID_LOG' } },
  { name: 'commit that is not UTF-8', table: CP_TABLE, mutate: appendCommit11(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])), expect: { code: 'INVALID_LOG' } },
  { name: 'add with a string size', table: CP_TABLE, mutate: appendCommit11('{"add":{"path":"x.parquet","partitionValues":{},"size":"1","modificationTime":1,"dataChange":true}}'), expect: { code: 'INVALID_LOG' } },
  { name: 'add without a path', table: CP_TABLE, mutate: appendCommit11('{"add":{"partitionValues":{},"size":1,"modificationTime":1,"dataChange":true}}'), expect: { code: 'INVALID_LOG' } },
  { name: 'protocol with reader version 99', table: CP_TABLE, mutate: appendCommit11('{"protocol":{"minReaderVersion":99,"minWriterVersion":2}}'), expect: { code: 'UNSUPPORTED_FEATURE' } },
  // Forward compatibility: unknown fields and actions are ignored.
  {
    name: 'unknown fields on every action',
    table: DV_TABLE,
    mutate: async (fs) => {
      for (const v of [0, 1]) {
        await rewriteLines(fs, commit(v), (o) => {
          for (const a of Object.values(o)) a.futureField = { nested: [1, { deep: true }] }
        })
      }
    },
    expect: { rows: DV_ROWS },
  },
  {
    name: 'unknown actions (own lines and beside known ones)',
    table: DV_TABLE,
    mutate: async (fs) => {
      const text = dec(await fs.read(commit(1)))
      await fs.put(commit(1), enc(`{"futureAction":{"a":1}}\n${text.replace('{"remove":', '{"zzz":{},"remove":')}\n{"anotherOne":[1,2,3]}\n`))
    },
    expect: { rows: DV_ROWS },
  },
  // Checkpoints.
  // A corrupt checkpoint is skipped (the spec lets readers use an older checkpoint or none): with
  // the commits it covers still present, the table reads correctly; without them, a typed error.
  {
    name: 'truncated checkpoint, commits it covers cleaned up',
    table: CP_TABLE,
    mutate: async (fs) => {
      await fs.put(CP10, (await fs.read(CP10)).subarray(0, 5000))
      for (let v = 0; v < 10; v++) await fs.delete(commit(v))
    },
    expect: { code: 'CORRUPT_CHECKPOINT' },
  },
  { name: 'truncated checkpoint (first half)', table: CP_TABLE, mutate: async (fs) => fs.put(CP10, (await fs.read(CP10)).subarray(0, 5000)), expect: { same: true } },
  { name: 'empty checkpoint file', table: CP_TABLE, mutate: async (fs) => fs.put(CP10, new Uint8Array()), expect: { same: true } },
  { name: 'checkpoint that is JSON, not Parquet', table: CP_TABLE, mutate: async (fs) => fs.put(CP10, await fs.read(commit(1))), expect: { same: true } },
  {
    name: 'checkpoint with a garbage footer',
    table: CP_TABLE,
    mutate: async (fs) => {
      const b = (await fs.read(CP10)).slice()
      b.fill(0xff, b.length - 200, b.length - 8)
      await fs.put(CP10, b)
    },
    expect: { same: true },
  },
  {
    name: 'checkpoint footer length beyond the file',
    table: CP_TABLE,
    mutate: async (fs) => {
      const b = (await fs.read(CP10)).slice()
      b[b.length - 5] = 0x7f
      await fs.put(CP10, b)
    },
    expect: { same: true },
  },
  {
    name: 'checkpoint that is a data file (no protocol in it)',
    table: CP_TABLE,
    mutate: async (fs) => fs.put(CP10, await fs.read(`${ROOT}part-00000-3810fbe0-9892-431d-bcfd-7de5788dfe8d-c000.snappy.parquet`)),
    expect: { code: 'MISSING_PROTOCOL' },
  },
  // _last_checkpoint is only a hint.
  { name: '_last_checkpoint points at a version without a checkpoint', table: CP_TABLE, mutate: async (fs) => fs.put(`${LOG}_last_checkpoint`, enc('{"version":7,"size":3}')), expect: { same: true } },
  { name: '_last_checkpoint points past the end of the log', table: CP_TABLE, mutate: async (fs) => fs.put(`${LOG}_last_checkpoint`, enc('{"version":99,"size":3}')), expect: { same: true } },
  { name: '_last_checkpoint claims 5 parts', table: CP_TABLE, mutate: async (fs) => fs.put(`${LOG}_last_checkpoint`, enc('{"version":10,"size":3,"parts":5}')), expect: { same: true } },
  { name: '_last_checkpoint with a negative version', table: CP_TABLE, mutate: async (fs) => fs.put(`${LOG}_last_checkpoint`, enc('{"version":-1}')), expect: { same: true } },
  { name: '_last_checkpoint that is binary garbage', table: CP_TABLE, mutate: async (fs) => fs.put(`${LOG}_last_checkpoint`, new Uint8Array([0, 1, 0xff, 0x7b])), expect: { same: true } },
  // Missing and duplicate versions.
  {
    name: 'missing commit 4, no checkpoint',
    table: CP_TABLE,
    mutate: async (fs) => {
      await fs.delete(commit(4))
      await fs.delete(CP10)
      await fs.delete(`${LOG}_last_checkpoint`)
    },
    expect: { code: 'LOG_GAP' },
  },
  { name: 'missing commit 11 before commit 12', table: CP_TABLE, mutate: async (fs) => fs.put(commit(12), enc('{"commitInfo":{}}')), expect: { code: 'LOG_GAP' } },
  { name: 'missing commit 4 covered by the checkpoint at 10', table: CP_TABLE, mutate: async (fs) => fs.delete(commit(4)), expect: { same: true } },
  { name: 'garbage V2 JSON checkpoint beside the classic one (same version)', table: CP_TABLE, mutate: async (fs) => fs.put(`${LOG}00000000000000000010.checkpoint.3a0d65cd-4056-49b8-937b-95f9e3ee90e5.json`, enc('garbage')), expect: { same: true } },
  {
    name: 'incomplete multi-part checkpoint instead of the classic one',
    table: CP_TABLE,
    mutate: async (fs) => {
      await fs.delete(CP10)
      await fs.put(`${LOG}00000000000000000010.checkpoint.0000000001.0000000002.parquet`, enc('garbage'))
    },
    expect: { same: true },
  },
  { name: 'garbage compaction file over versions 4-5', table: CP_TABLE, mutate: async (fs) => fs.put(`${LOG}00000000000000000004.00000000000000000005.compacted.json`, enc('garbage')), expect: { same: true } },
  { name: 'garbage .crc file', table: CP_TABLE, mutate: async (fs) => fs.put(`${LOG}00000000000000000010.crc`, enc('garbage')), expect: { same: true } },
  { name: 'commit named with a version beyond 2^53', table: CP_TABLE, mutate: async (fs) => fs.put(`${LOG}99999999999999999999.json`, enc('garbage')), expect: { same: true } },
  // Enormous lines and files.
  { name: '2 MB line within default limits', table: CP_TABLE, mutate: appendCommit11(`{"commitInfo":{"x":"${'a'.repeat(2_000_000)}"}}`), expect: { same: true } },
  { name: '2 MB line over maxLineBytes 1 MB', table: CP_TABLE, mutate: appendCommit11(`{"commitInfo":{"x":"${'a'.repeat(2_000_000)}"}}`), limits: { maxLineBytes: 1 << 20 }, expect: { code: 'LIMIT_EXCEEDED' } },
  { name: '2 MB commit over maxLogFileBytes 1 MB', table: CP_TABLE, mutate: appendCommit11(`{"commitInfo":{}}\n${'{"commitInfo":{}}\n'.repeat(120_000)}`), limits: { maxLogFileBytes: 1 << 20 }, expect: { code: 'LIMIT_EXCEEDED' } },
  { name: '1000 actions over maxActionsPerFile 100', table: CP_TABLE, mutate: appendCommit11('{"commitInfo":{}}\n'.repeat(1000)), limits: { maxActionsPerFile: 100 }, expect: { code: 'LIMIT_EXCEEDED' } },
  // Deep nesting.
  { name: 'schema nested 50 deep', table: CP_TABLE, mutate: appendCommit11(metaDataLine(nestedSchema(50))), expect: { rows: Array.from({ length: 11 }, () => '{"x":null}') } },
  { name: 'schema nested 100,000 deep', table: CP_TABLE, mutate: appendCommit11(metaDataLine(nestedSchema(100_000))), expect: { code: 'INVALID_SCHEMA' } },
  { name: 'add.tags nested 5,000 deep', table: CP_TABLE, mutate: appendCommit11(`{"add":{"path":"x","partitionValues":{},"size":1,"modificationTime":1,"dataChange":true,"tags":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}}`), expect: { code: 'INVALID_LOG' } },
  { name: 'commitInfo nested 200,000 deep', table: CP_TABLE, mutate: appendCommit11(`{"commitInfo":{"a":${'['.repeat(200_000)}${']'.repeat(200_000)}}}`), expect: { same: true } },
  { name: 'schema string that is not JSON', table: CP_TABLE, mutate: appendCommit11(metaDataLine('{{')), expect: { code: 'INVALID_SCHEMA' } },
  { name: 'decimal(1000, 2) column', table: CP_TABLE, mutate: appendCommit11(metaDataLine('{"type":"struct","fields":[{"name":"d","type":"decimal(1000,2)","nullable":true,"metadata":{}}]}')), expect: { code: 'INVALID_SCHEMA' } },
  // Partition values.
  { name: "long partition value 'abc'", table: PART_TABLE, mutate: (fs) => rewritePartition(fs, 'x', 'abc'), expect: { code: 'INVALID_PARTITION_VALUE' } },
  { name: "long partition value '1e3'", table: PART_TABLE, mutate: (fs) => rewritePartition(fs, 'x', '1e3'), expect: { code: 'INVALID_PARTITION_VALUE' } },
  { name: 'long partition value beyond int64', table: PART_TABLE, mutate: (fs) => rewritePartition(fs, 'x', '99999999999999999999'), expect: { code: 'INVALID_PARTITION_VALUE' } },
  { name: "double partition value 'one'", table: PART_TABLE, mutate: (fs) => rewritePartition(fs, 'y', 'one'), expect: { code: 'INVALID_PARTITION_VALUE' } },
  { name: 'partition value that is a number, not a string', table: PART_TABLE, mutate: (fs) => rewritePartition(fs, 'x', 5), expect: { code: 'INVALID_LOG' } },
  // Deletion vectors.
  { name: 'DV offset beyond the DV file', table: DV_TABLE, mutate: editDv((dv) => void (dv.offset = 1000)), expect: { code: 'STORAGE_ERROR' } },
  { name: 'DV size 2^40 bytes', table: DV_TABLE, mutate: editDv((dv) => void (dv.sizeInBytes = 2 ** 40)), expect: { code: 'STORAGE_ERROR' } },
  { name: 'DV size smaller than stored', table: DV_TABLE, mutate: editDv((dv) => void (dv.sizeInBytes = 30)), expect: { code: 'DELETION_VECTOR_ERROR' } },
  { name: 'DV with a bad checksum', table: DV_TABLE, mutate: flipLastByte(DV_FILE), expect: { code: 'DELETION_VECTOR_ERROR' } },
  { name: 'DV with a wrong cardinality', table: DV_TABLE, mutate: editDv((dv) => void (dv.cardinality = 3)), expect: { code: 'DELETION_VECTOR_ERROR' } },
  { name: 'DV with a negative offset', table: DV_TABLE, mutate: editDv((dv) => void (dv.offset = -1)), expect: { code: 'INVALID_LOG' } },
  { name: 'DV with a negative size', table: DV_TABLE, mutate: editDv((dv) => void (dv.sizeInBytes = -5)), expect: { code: 'INVALID_LOG' } },
  { name: 'DV with an unknown storage type', table: DV_TABLE, mutate: editDv((dv) => void (dv.storageType = 'x')), expect: { code: 'INVALID_LOG' } },
  { name: 'DV path that is not Z85', table: DV_TABLE, mutate: editDv((dv) => void (dv.pathOrInlineDv = '~'.repeat(20))), expect: { code: 'DELETION_VECTOR_ERROR' } },
  { name: 'inline DV too short for its size', table: DV_TABLE, mutate: editDv((dv) => Object.assign(dv, { storageType: 'i', pathOrInlineDv: 'abcde', offset: null })), expect: { code: 'DELETION_VECTOR_ERROR' } },
  { name: 'DV file missing', table: DV_TABLE, mutate: async (fs) => fs.delete(DV_FILE), expect: { code: 'FILE_NOT_FOUND' } },
  { name: 'DV file truncated', table: DV_TABLE, mutate: async (fs) => fs.put(DV_FILE, (await fs.read(DV_FILE)).subarray(0, 20)), expect: { code: 'STORAGE_ERROR' } },
  // Sizes.
  { name: 'add with a negative size', table: DV_TABLE, mutate: editAdd((a) => void (a.size = -1)), expect: { code: 'INVALID_LOG' } },
  { name: 'add with a size of 1e300', table: DV_TABLE, mutate: editAdd((a) => void (a.size = 1e300)), expect: { code: 'INVALID_LOG' } },
  { name: 'add with a size of 2^50 (beyond the file)', table: DV_TABLE, mutate: editAdd((a) => void (a.size = 2 ** 50)), expect: { code: 'STORAGE_ERROR' } },
  { name: 'add with a size of 10 (smaller than the file)', table: DV_TABLE, mutate: editAdd((a) => void (a.size = 10)), expect: { code: 'PARQUET_ERROR' } },
  {
    name: 'remove with a negative size',
    table: DV_TABLE,
    mutate: (fs) => rewriteLines(fs, commit(1), (o) => void (o.remove && (o.remove.size = -7))),
    expect: { code: 'INVALID_LOG' },
  },
  // Not tables.
  { name: 'log without metaData', table: 'golden/deltalog-state-reconstruction-without-metadata/delta', mutate: async () => {}, expect: { code: 'MISSING_METADATA' } },
  { name: 'folder without _delta_log', table: 'golden/no-delta-log-folder', mutate: async () => {}, expect: { code: 'TABLE_NOT_FOUND' } },
]

/** Sets a partition value of the file a scan reads first (scans go in path order). */
async function rewritePartition(fs: FileSystem, column: string, value: unknown): Promise<void> {
  const lines = dec(await fs.read(commit(0))).split('\n').filter((l) => l.trim() !== '')
  const parsed = lines.map((l) => JSON.parse(l) as { add?: { path: string; partitionValues: Record<string, unknown> } })
  const first = parsed.filter((o) => o.add).sort((a, b) => (a.add!.path < b.add!.path ? -1 : 1))[0]!
  first.add!.partitionValues[column] = value
  await fs.put(commit(0), enc(parsed.map((o) => JSON.stringify(o)).join('\n')))
}

for (const c of CASES) {
  test(`hostile input: ${c.name}`, async () => {
    const fs = corpusFs(c.table)
    await c.mutate(fs)
    const got = await outcome(fs, c.limits)
    if ('code' in c.expect) {
      assert.ok(got.error !== undefined, `expected ${c.expect.code}, but the table read (version ${got.version}, ${got.rows?.length} rows)`)
      assert.ok(got.error instanceof DeltaError, `expected a DeltaError, got ${describeError(got.error)}`)
      assert.equal(got.error.code, c.expect.code, got.error.message)
      assert.equal(got.partialRows, 0, 'no rows before the error')
      report.add('hostile', c.name, describeError(got.error))
      return
    }
    assert.equal(got.error, undefined, `expected a correct read, got ${describeError(got.error)}: ${(got.error as Error | undefined)?.message}`)
    if ('rows' in c.expect) assert.deepEqual(got.rows, [...c.expect.rows].sort())
    else {
      const base = await baseline(c.table)
      // A case may append a commit that changes no state: compare the state, not the version.
      assert.deepEqual({ files: got.files, rows: got.rows }, { files: base.files, rows: base.rows })
      assert.ok(got.version === base.version || got.version === base.version! + 1)
    }
    report.add('hostile', c.name, `readable, correct (${got.rows!.length} rows)`)
  })
}

test('the unmodified DV table reads values 1..8 (the reference the DV cases start from)', async () => {
  const got = await outcome(corpusFs(DV_TABLE))
  assert.deepEqual(got.rows, DV_ROWS)
})
