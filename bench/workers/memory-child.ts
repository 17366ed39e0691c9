/**
 * Child process of the memory benchmark (run with --expose-gc). Args: `<mode> <tableRoot>
 * <expectedFiles>`. `snapshot` measures the heap a loaded snapshot retains; `json` measures the
 * same live `add` actions held as plain `JSON.parse` objects (the naive floor). Prints one JSON
 * {@link MemoryReport} line.
 */
import { createNodeEngine } from '../../src/node.js'
import { serializeActions } from '../../src/protocol/actions.js'
import { Table } from '../../src/table.js'

/** What the child measured, in bytes (RSS from the OS, peak over the child's life). */
export interface MemoryReport {
  readonly files: number
  readonly heapBefore: number
  readonly heapAfter: number
  /** Highest heapUsed seen by a 5 ms sampler (sync work hides peaks; a lower bound). */
  readonly heapPeak: number
  readonly externalDelta: number
  readonly peakRss: number
  readonly loadMs: number
}

const gc = (globalThis as { gc?: () => void }).gc
if (!gc) throw new Error('memory-child: run with --expose-gc')
const [mode, root, expectedText] = process.argv.slice(2)
const expected = Number(expectedText)
const engine = createNodeEngine({ sync: false })

function settle(): NodeJS.MemoryUsage {
  for (let i = 0; i < 3; i++) gc!()
  return process.memoryUsage()
}

let jsonLines: string[] | undefined
if (mode === 'json') {
  // Prepare the floor's input outside the measured window, then drop everything else.
  const files = (await Table.open(root!, engine).snapshot()).files()
  jsonLines = serializeActions(files.map((add) => ({ kind: 'add', add }))).split('\n').filter((l) => l !== '')
}
const before = settle()
let peak = before.heapUsed
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 5)
const t0 = performance.now()
let held: unknown
let count: number
if (mode === 'json') {
  const objects = jsonLines!.map((l) => JSON.parse(l) as unknown)
  count = objects.length
  held = objects
} else {
  const snapshot = await Table.open(root!, engine).snapshot()
  count = snapshot.files().length
  held = snapshot
}
const loadMs = performance.now() - t0
peak = Math.max(peak, process.memoryUsage().heapUsed)
clearInterval(sampler)
const after = settle()
if (count !== expected) throw new Error(`memory-child ${mode}: expected ${expected} live files, found ${count}`)
const report: MemoryReport = {
  files: count,
  heapBefore: before.heapUsed,
  heapAfter: after.heapUsed,
  heapPeak: peak,
  externalDelta: after.external + after.arrayBuffers - before.external - before.arrayBuffers,
  peakRss: process.resourceUsage().maxRSS * 1024,
  loadMs,
}
process.stdout.write(JSON.stringify(report) + '\n')
// Keeps `held` reachable until after the measurement above.
if (held === undefined) process.exitCode = 3
