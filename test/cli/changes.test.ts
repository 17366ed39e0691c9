/** `delta-kernel changes`: the change data feed on the command line (rows per delta-kernel-rs's partition_table test). */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'

const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url))
const corpus = (name: string) => fileURLToPath(new URL(`../../../shared/corpora/kernel-rs/${name}`, import.meta.url))
const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8' })

test('changes prints one NDJSON row per change; CSV has a header', () => {
  const r = run('changes', corpus('cdf-table-partitioned'), '--from', '1', '--to', '2', '--columns', 'id,text')
  assert.equal(r.status, 0, r.stderr)
  const rows = r.stdout.trim().split('\n').map((l) => {
    const o = JSON.parse(l) as Record<string, unknown>
    return `${o.id}/${o.text}/${o._change_type}/${o._commit_version}`
  })
  assert.deepEqual(rows.sort(), ['0/old/delete/2', '1/new/update_postimage/1', '1/old/update_preimage/1', '2/old/delete/2', '3/old/delete/1', '4/old/delete/2'])
  const csv = run('changes', corpus('cdf-table-partitioned'), '--from', '2', '--format', 'csv')
  assert.equal(csv.status, 0, csv.stderr)
  assert.equal(csv.stdout.split('\n')[0], 'id,text,part,_change_type,_commit_version,_commit_timestamp')
  assert.equal(csv.stdout.trim().split('\n').length, 4)
})

test('changes over a range where CDF is disabled fails with nothing on stdout', () => {
  const r = run('changes', corpus('table-with-cdf'), '--from', '0')
  assert.notEqual(r.status, 0)
  assert.equal(r.stdout, '')
  assert.match(r.stderr, /CDF_NOT_ENABLED/)
  assert.equal(run('changes', corpus('cdf-table')).status, 2, 'usage error without --from')
})
