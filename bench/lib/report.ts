/**
 * Result rows, the printed table and `bench/results.json`. A row is `ok`, `skipped` (with the
 * reason: a missing feature, not a slow machine) or `error`; only errors and lost data fail a run.
 */
import { writeFile } from 'node:fs/promises'
import { cpus, loadavg, totalmem } from 'node:os'
import type { Timing } from './measure.js'

/** Extra numbers (or short labels) a benchmark reports beside its timing. */
export type Metrics = Readonly<Record<string, number | string>>

/** One line of the report. */
export interface BenchRow {
  /** Benchmark family, e.g. `snapshot-load`. */
  readonly bench: string
  /** The case within it, e.g. `300k adds, JSON`. */
  readonly case: string
  readonly status: 'ok' | 'skipped' | 'error'
  /** Timing of the measured operation, ms. */
  readonly timing?: Timing
  /** The floor it is compared with, measured in the same process run. */
  readonly baseline?: { readonly name: string; readonly timing: Timing }
  /** `timing.median / baseline.timing.median` (lower is better; 1 = as fast as the floor). */
  readonly ratio?: number
  readonly metrics: Metrics
  /** Why a row was skipped, or the error message. */
  readonly note?: string
}

/** A row with a subject and a baseline timing; the ratio is computed from the medians. */
export function pairRow(bench: string, name: string, timing: Timing, baselineName: string, baseline: Timing, metrics: Metrics): BenchRow {
  return { bench, case: name, status: 'ok', timing, baseline: { name: baselineName, timing: baseline }, ratio: timing.median / baseline.median, metrics }
}

/** A row saying why a benchmark did not run. */
export function skippedRow(bench: string, name: string, reason: string): BenchRow {
  return { bench, case: name, status: 'skipped', metrics: {}, note: reason }
}

/** A row for a benchmark that threw. */
export function errorRow(bench: string, name: string, error: unknown): BenchRow {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
  return { bench, case: name, status: 'error', metrics: {}, note: message }
}

const ms = (v: number | undefined) => (v === undefined ? '' : v >= 100 ? v.toFixed(0) : v.toFixed(1))

function formatMetric(v: number | string): string {
  if (typeof v === 'string') return v
  if (Number.isInteger(v)) return v.toLocaleString('en-US')
  return Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : v.toPrecision(3)
}

/** The report as a plain-text table. */
export function formatTable(rows: readonly BenchRow[]): string {
  const header = ['benchmark', 'case', 'median ms', 'min', 'max', 'baseline', 'base ms', 'ratio', 'details']
  const lines = rows.map((r) => [
    r.bench,
    r.case,
    r.status === 'ok' ? ms(r.timing?.median) : r.status.toUpperCase(),
    ms(r.timing?.min),
    ms(r.timing?.max),
    r.baseline?.name ?? '',
    ms(r.baseline?.timing.median),
    r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}x`,
    [...Object.entries(r.metrics).map(([k, v]) => `${k}=${formatMetric(v)}`), ...(r.note ? [r.note] : [])].join('  '),
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (i === header.length - 1 ? 0 : l[i]!.length))))
  const fmt = (cells: readonly string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : i >= 2 && i <= 7 && i !== 5 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ')
  return [fmt(header), fmt(header.map((_, i) => '-'.repeat(i === header.length - 1 ? 7 : widths[i]!))), ...lines.map(fmt)].join('\n')
}

/** Writes the machine-readable results (with the environment they were measured in). */
export async function writeResults(path: string, rows: readonly BenchRow[], mode: 'quick' | 'full', seconds: number): Promise<void> {
  const doc = {
    generatedAt: new Date().toISOString(),
    mode,
    seconds: Math.round(seconds),
    environment: {
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryGB: Math.round(totalmem() / 2 ** 30),
      /** 1-minute load average at the end of the run: above the CPU count, timings are noisy. */
      loadAverage: Number(loadavg()[0]!.toFixed(2)),
    },
    rows,
  }
  await writeFile(path, JSON.stringify(doc, null, 2) + '\n')
}
