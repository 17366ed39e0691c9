/** The `checkpoint`, `cleanup` and `vacuum` commands, run as a user would (a child process). */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { existsSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { CORPORA } from '../../spec-tests/corpora.js'
import { copyTable } from '../log/snapshot-state.js'

const MAIN = join(import.meta.dirname, '../../src/cli/main.ts')

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', MAIN, ...args])
    return { code: 0, stdout, stderr }
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string }
    return { code: x.code, stdout: x.stdout, stderr: x.stderr }
  }
}

test('checkpoint, vacuum and cleanup from the command line', async () => {
  const dir = copyTable(join(CORPORA, 'golden/basic-with-inserts-deletes-checkpoint/delta'))
  try {
    const cp = await cli('checkpoint', dir, '--json')
    assert.equal(cp.code, 0, cp.stderr)
    const r = JSON.parse(cp.stdout) as { version: number; kind: string; existed: boolean }
    assert.deepEqual([r.version, r.kind, r.existed], [13, 'classic', false])
    assert.ok(existsSync(join(dir, '_delta_log/00000000000000000013.checkpoint.parquet')))

    const refused = await cli('vacuum', dir, '--retain-hours', '1')
    assert.equal(refused.code, 2, 'invalid argument exit code')
    assert.equal(refused.stdout, '')
    assert.match(refused.stderr, /INVALID_ARGUMENT.*168 hours/)

    const dry = await cli('vacuum', dir, '--retain-hours', '0', '--force', '--dry-run', '--json')
    assert.equal(dry.code, 0, dry.stderr)
    const planned = (JSON.parse(dry.stdout) as { deleted: string[] }).deleted
    assert.ok(planned.length > 0)
    const done = await cli('vacuum', dir, '--retain-hours', '0', '--force', '--json')
    assert.deepEqual((JSON.parse(done.stdout) as { deleted: string[] }).deleted, planned)

    const clean = await cli('cleanup', dir, '--json')
    assert.equal(clean.code, 0, clean.stderr)
    assert.deepEqual((JSON.parse(clean.stdout) as { deleted: string[] }).deleted, [])

    const usage = await cli('cleanup')
    assert.equal(usage.code, 2)
    assert.match(usage.stderr, /usage: delta-kernel cleanup <table>/)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
