/**
 * Starts a real S3 server for tests (Ceph radosgw, via ../shared/tools/s3-server-start.sh, which
 * installs it from Debian when missing) on 127.0.0.1 and a free port, and stops it by pid.
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort, stopPids } from './free-port.js'

const SCRIPT = fileURLToPath(new URL('../../../../shared/tools/s3-server-start.sh', import.meta.url))

/** A running radosgw. */
export interface S3Server {
  readonly endpoint: string
  readonly accessKeyId: string
  readonly secretAccessKey: string
  stop(): Promise<void>
}

/** Starts radosgw, or returns the reason it cannot start here (the caller skips with it). */
export async function startRadosgw(): Promise<S3Server | { skip: string }> {
  if (!existsSync(SCRIPT)) return { skip: `S3 tests need ${SCRIPT} (the shared tools folder beside the repo)` }
  if (process.getuid?.() !== 0) return { skip: 'S3 tests start Ceph radosgw, which needs root' }
  // Up to three times: a monitor stopped a moment ago can still hold its fixed port (6789), and
  // Ceph's daemons time out on a heavily loaded machine.
  let failure = ''
  for (let attempt = 1; attempt <= 3; attempt++) {
    const started = await startOnce()
    if ('stop' in started) return started
    failure = started.failure
    await new Promise((r) => setTimeout(r, 10_000))
  }
  throw new Error(`s3-server-start.sh failed three times:\n${failure}`)
}

async function startOnce(): Promise<S3Server | { failure: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'dk-rgw-'))
  const port = await freePort()
  const { code, output } = await run('bash', ['-x', SCRIPT, dir, String(port)], 600_000)
  const pids = /pids: ([\d ]+)/.exec(output)?.[1]?.trim().split(/\s+/).map(Number) ?? []
  // The script writes every daemon's pid file even when it fails half-way.
  const pidFiles = await readdir(join(dir, 'run')).catch(() => [] as string[])
  for (const f of pidFiles.filter((n) => n.endsWith('.pid'))) {
    const pid = Number((await readFile(join(dir, 'run', f), 'utf8').catch(() => '')).trim())
    if (Number.isSafeInteger(pid) && pid > 0 && !pids.includes(pid)) pids.push(pid)
  }
  const stop = async () => {
    await stopPids(pids)
    await rm(dir, { recursive: true, force: true })
  }
  if (code !== 0 || pids.length === 0) {
    await stop()
    return { failure: `exit ${code}:\n${output.slice(-3000)}` }
  }
  return { endpoint: `http://127.0.0.1:${port}`, accessKeyId: 'TESTKEY', secretAccessKey: 'TESTSECRET', stop }
}

function run(cmd: string, args: string[], timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (d: Buffer) => (output += d.toString()))
    child.stderr.on('data', (d: Buffer) => (output += d.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, output })
    })
  })
}
