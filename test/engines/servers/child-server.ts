/**
 * Runs a Node-based test server from node_modules (s3rver, Azurite) as a child process bound to
 * 127.0.0.1 and a free port, waits until it accepts connections, and stops it by pid.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort, stopPids } from './free-port.js'

/** A running child server. */
export interface ChildServer {
  readonly port: number
  readonly pid: number
  readonly dataDir: string
  stop(): Promise<void>
}

/**
 * Starts `node node_modules/<script>` with `args(port, dataDir)`; rejects with the server's
 * output if it exits or is not listening within `timeoutMs`.
 */
export async function startChildServer(
  script: string,
  args: (port: number, dataDir: string) => string[],
  timeoutMs = 30_000,
): Promise<ChildServer> {
  const path = fileURLToPath(new URL(`../../../node_modules/${script}`, import.meta.url))
  const dataDir = await mkdtemp(join(tmpdir(), 'dk-server-'))
  const port = await freePort()
  const child = spawn(process.execPath, [path, ...args(port, dataDir)], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr.on('data', (d: Buffer) => (output += d.toString()))
  let exited = false
  child.on('exit', () => (exited = true))
  const pid = child.pid!
  const stop = async () => {
    await stopPids([pid])
    await rm(dataDir, { recursive: true, force: true })
  }
  const deadline = Date.now() + timeoutMs
  while (!(await accepts(port))) {
    if (exited || Date.now() > deadline) {
      await stop()
      throw new Error(`${script} did not start on 127.0.0.1:${port}:\n${output.slice(-3000)}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  return { port, pid, dataDir, stop }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}
