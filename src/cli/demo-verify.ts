/**
 * The end of the demo: read the final table and check that every event the writers committed is
 * in it exactly once (each `(device, seq)` unique, seqs 0..n-1 of every device, nothing else),
 * and that the streaming reader was delivered the same events exactly once. Plus the statistics
 * of the summary.
 *
 * @packageDocumentation
 */
import { Scan } from '../scan/scan.js'
import type { Table } from '../table.js'
import type { DemoReader } from './demo-reader.js'

/** Outcome of {@link verifyDemo}. */
export interface DemoVerification {
  readonly ok: boolean
  /** Rows in the final table. */
  readonly rows: number
  /** Events the writers reported as committed. */
  readonly expected: number
  readonly problems: readonly string[]
  readonly version: number
  /** Time to load the final snapshot, ms. */
  readonly snapshotLoadMs: number
  readonly files: number
}

/** At most this many problems are listed (a broken run could have millions). */
const MAX_PROBLEMS = 10

/** Checks the final table and the reader against what the writers committed (`sent`: device to count). */
export async function verifyDemo(table: Table, sent: ReadonlyMap<string, number>, reader: DemoReader | undefined): Promise<DemoVerification> {
  const problems: string[] = []
  const problem = (p: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push(p)
  }
  const started = performance.now()
  const snapshot = await table.snapshot()
  const snapshotLoadMs = performance.now() - started
  const seen = new Map<string, Uint8Array>()
  for (const [device, n] of sent) seen.set(device, new Uint8Array(n))
  let rows = 0
  for await (const b of new Scan(snapshot, { columns: ['device', 'seq'] }).batches()) {
    const device = b.getChild('device')!
    const seq = b.getChild('seq')!
    for (let i = 0; i < b.numRows; i++) {
      rows++
      const d = device.get(i) as string
      const s = Number(seq.get(i) as bigint)
      const marks = seen.get(d)
      if (!marks || s < 0 || s >= marks.length) {
        problem(`unexpected event (${d}, ${s}): no writer reported it`)
        continue
      }
      if (marks[s]) problem(`duplicate event (${d}, ${s})`)
      marks[s] = 1
    }
  }
  let expected = 0
  for (const [device, marks] of seen) {
    expected += marks.length
    const missing = marks.indexOf(0)
    if (missing >= 0) problem(`lost event (${device}, ${missing}) (and ${marks.reduce((n, m) => n + (m ? 0 : 1), 0) - 1} more of ${device})`)
    if (reader) {
      for (let s = 0; s < marks.length; s++) {
        if (!reader.seen(device, s)) {
          problem(`the streaming reader never saw (${device}, ${s})`)
          break
        }
      }
    }
  }
  if (reader && reader.duplicates > 0) problem(`the streaming reader was delivered ${reader.duplicates} events twice`)
  if (reader && reader.events !== expected) problem(`the streaming reader counted ${reader.events} events, the writers committed ${expected}`)
  if (rows !== expected) problem(`the table has ${rows} rows, the writers committed ${expected} events`)
  return { ok: problems.length === 0, rows, expected, problems, version: snapshot.version, snapshotLoadMs, files: snapshot.numFiles }
}

/** The `p`-th percentile (0..100) of `values`, nearest rank; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!
}
