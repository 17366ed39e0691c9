/**
 * The few assertions the conformance suite needs, so it runs under any test runner (node:test,
 * vitest, jest) and in browsers, without importing `node:assert`.
 *
 * @packageDocumentation
 */

/** A broken engine contract; the message names the rule, the expected and the actual value. */
export class ConformanceError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ConformanceError'
  }
}

/** Fails unless `condition` holds. */
export function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new ConformanceError(message)
}

/** Fails unless `actual === expected`. */
export function checkEqual<T>(actual: T, expected: T, what: string): void {
  if (actual !== expected) {
    throw new ConformanceError(`${what}: expected ${show(expected)}, got ${show(actual)}`)
  }
}

/** Fails unless two string lists are equal element by element. */
export function checkList(actual: readonly string[], expected: readonly string[], what: string): void {
  const same = actual.length === expected.length && actual.every((a, i) => a === expected[i])
  if (!same) {
    throw new ConformanceError(`${what}:\n  expected ${JSON.stringify(expected)}\n  got      ${JSON.stringify(actual)}`)
  }
}

/** Fails unless two byte arrays hold the same bytes. */
export function checkBytes(actual: Uint8Array, expected: Uint8Array, what: string): void {
  check(actual instanceof Uint8Array, `${what}: expected a Uint8Array, got ${show(actual)}`)
  if (actual.length !== expected.length) {
    throw new ConformanceError(`${what}: expected ${expected.length} bytes, got ${actual.length}`)
  }
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] !== expected[i]) {
      throw new ConformanceError(`${what}: bytes differ at offset ${i}: expected ${expected[i]}, got ${actual[i]}`)
    }
  }
}

/** Fails unless `run` rejects with an error whose `code` is `code` (a `DeltaError` code). */
export async function checkRejects(run: () => Promise<unknown>, code: string, what: string): Promise<void> {
  let outcome: unknown
  try {
    outcome = await run()
  } catch (e) {
    const actual = typeof e === 'object' && e !== null && 'code' in e ? (e as { code: unknown }).code : undefined
    if (actual === code) return
    throw new ConformanceError(`${what}: expected an error with code ${code}, got ${show(e)} (code ${show(actual)})`)
  }
  throw new ConformanceError(`${what}: expected an error with code ${code}, but it resolved with ${show(outcome)}`)
}

function show(v: unknown): string {
  if (v instanceof Error) return `${v.name}: ${v.message}`
  if (v instanceof Uint8Array) return `Uint8Array(${v.length})`
  try {
    return JSON.stringify(v) ?? String(v)
  } catch {
    return String(v)
  }
}
