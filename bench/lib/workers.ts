/**
 * A pool of long-lived child processes speaking a line protocol (see `workers/commit-worker.ts`):
 * they start, load their modules, say `ready`, then run one round per command, answering with one
 * JSON line. A child that exits or writes something unexpected rejects the round with its stderr.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'

interface Child {
  readonly process: ChildProcess
  readonly next: () => Promise<string>
  stderr: string
}

function startChild(script: string, args: readonly string[], cwd: string, nodeArgs: readonly string[]): Child {
  const proc = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script, ...args], { cwd, stdio: ['pipe', 'pipe', 'pipe'] })
  const child: Child = { process: proc, next: undefined as unknown as () => Promise<string>, stderr: '' }
  proc.stderr!.on('data', (d: Buffer) => (child.stderr = (child.stderr + d.toString()).slice(-4000)))
  const lines = createInterface({ input: proc.stdout! })[Symbol.asyncIterator]()
  const exited = new Promise<never>((_, reject) =>
    proc.on('exit', (code, signal) => reject(new Error(`worker ${args.join(' ')} exited (${code ?? signal}): ${child.stderr.trim()}`))),
  )
  exited.catch(() => undefined)
  return Object.assign(child, {
    next: async () => {
      const r = await Promise.race([lines.next(), exited])
      if (r.done) throw new Error(`worker ${args.join(' ')} closed its output: ${child.stderr.trim()}`)
      return r.value
    },
  })
}

/** Running workers. */
export interface WorkerPool {
  readonly size: number
  /** Sends each worker its command (by index) and returns each one's JSON answer. */
  round<T>(command: (worker: number) => string): Promise<T[]>
  close(): Promise<void>
}

/** Starts `size` workers running `script <index>` and waits until every one is ready. */
export async function startWorkers(script: string, size: number, cwd: string, nodeArgs: readonly string[] = []): Promise<WorkerPool> {
  const children = Array.from({ length: size }, (_, w) => startChild(script, [String(w)], cwd, nodeArgs))
  const pool: WorkerPool = {
    size,
    async round<T>(command: (worker: number) => string) {
      children.forEach((c, w) => c.process.stdin!.write(command(w) + '\n'))
      const answers = await Promise.all(children.map((c) => c.next()))
      return answers.map((a) => JSON.parse(a) as T)
    },
    async close() {
      await Promise.all(
        children.map(
          (c) =>
            new Promise<void>((resolve) => {
              if (c.process.exitCode !== null) return resolve()
              c.process.on('exit', () => resolve())
              c.process.stdin!.end('exit\n')
              setTimeout(() => c.process.kill(), 10_000).unref()
            }),
        ),
      )
    },
  }
  try {
    const hello = await Promise.all(children.map((c) => c.next()))
    const bad = hello.find((h) => h !== 'ready')
    if (bad !== undefined) throw new Error(`worker said '${bad}' instead of 'ready'`)
  } catch (e) {
    children.forEach((c) => c.process.kill())
    throw e
  }
  return pool
}
