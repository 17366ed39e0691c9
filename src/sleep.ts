/**
 * Waiting that respects cancellation (retry backoffs, stream polling).
 *
 * @packageDocumentation
 */
import { AbortedError } from './errors.js'

/** `setTimeout` as a promise that rejects with `AbortedError` when `signal` aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new AbortedError('operation aborted', { cause: signal.reason }))
    const onAbort = () => {
      clearTimeout(timer)
      reject(new AbortedError('operation aborted', { cause: signal?.reason }))
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
