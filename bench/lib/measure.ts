/**
 * Timing harness: warm-up runs, then measured runs, reporting median, min and max. A subject and
 * its baseline are measured alternately in the same process, so drift (GC pressure, thermal
 * throttling, a noisy neighbour) hits both alike and their ratio stays meaningful.
 */

/** Summary of several timed runs, in milliseconds. */
export interface Timing {
  readonly median: number
  readonly min: number
  readonly max: number
  readonly runs: readonly number[]
}

/** How many times to run. */
export interface RunPlan {
  readonly warmup: number
  readonly runs: number
}

/** Median, min and max of a non-empty list of samples. */
export function summarise(samples: readonly number[]): Timing {
  if (samples.length === 0) throw new Error('summarise: expected at least one sample, got none')
  const sorted = [...samples].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, runs: samples }
}

/** Percentile (nearest rank) of samples, e.g. `percentile(xs, 99)`. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN
  const sorted = [...samples].sort((a, b) => a - b)
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)))
  return sorted[rank - 1]!
}

/** Milliseconds one call of `fn` takes. */
export async function timeOnce(fn: () => Promise<unknown> | unknown): Promise<number> {
  const t0 = performance.now()
  await fn()
  return performance.now() - t0
}

/** Times `fn` after `plan.warmup` untimed calls. */
export async function measure(fn: () => Promise<unknown> | unknown, plan: RunPlan): Promise<Timing> {
  for (let i = 0; i < plan.warmup; i++) await fn()
  const samples: number[] = []
  for (let i = 0; i < plan.runs; i++) samples.push(await timeOnce(fn))
  return summarise(samples)
}

/** Times a subject and its baseline, interleaved run by run. */
export async function measurePair(
  subject: () => Promise<unknown> | unknown,
  baseline: () => Promise<unknown> | unknown,
  plan: RunPlan,
): Promise<{ subject: Timing; baseline: Timing }> {
  for (let i = 0; i < plan.warmup; i++) {
    await baseline()
    await subject()
  }
  const s: number[] = []
  const b: number[] = []
  for (let i = 0; i < plan.runs; i++) {
    b.push(await timeOnce(baseline))
    s.push(await timeOnce(subject))
  }
  return { subject: summarise(s), baseline: summarise(b) }
}
