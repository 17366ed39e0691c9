// Source-mode bootstrap of the scan worker (tests under tsx): worker threads do not inherit the
// parent's loader hooks, so register tsx's hooks in this thread, then load the TypeScript worker.
// Plain JavaScript so Node can run it before any hooks exist; never used from the built dist.
import { workerData } from 'node:worker_threads'
import { register } from 'tsx/esm/api'

register()
await import(workerData.workerEntry)
