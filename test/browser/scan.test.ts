/**
 * End to end in a real browser: the `delta-kernel/browser` bundle (built here from the tsup
 * browser config) is loaded by a page in headless Chromium, which opens golden tables served by a
 * static HTTP server on 127.0.0.1, scans them with the HTTP engine and hyparquet, and hands the
 * rows back. They must equal Spark's expected rows, read independently in Node by DuckDB.
 *
 * Needs Debian's Chromium at /usr/bin/chromium (`apt-get install -y chromium`); skips with that
 * message when it is missing.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { build } from 'tsup'
import { chromium, type Browser, type Page } from 'playwright-core'
import { browserConfig } from '../../tsup.config.js'
import { GOLDEN, canonicalRows, expectedGoldenRows } from '../engines/golden-rows.js'
import { type StaticServer, startStaticServer } from '../engines/servers/static-server.js'

const CHROMIUM = '/usr/bin/chromium'
// As /work/.library/env/machines/node.md prescribes: without the background-networking flags
// Chromium keeps trying to reach Google's hosts, which this machine's closed network refuses.
const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
]
const TABLES = ['basic-with-inserts-deletes-checkpoint', 'multi-part-checkpoint', 'v2-checkpoint-json', 'data-reader-escaped-chars']

const skip = existsSync(CHROMIUM) ? undefined : `no Chromium at ${CHROMIUM}: install it with apt-get install -y chromium`

if (skip !== undefined) {
  test(`browser end-to-end scan (skipped: ${skip})`, { skip })
} else {
  let bundleDir: string
  let server: StaticServer
  let browser: Browser
  let page: Page
  const pageErrors: string[] = []
  const pageRequests: string[] = []

  before(async () => {
    bundleDir = await mkdtemp(join(tmpdir(), 'dk-browser-'))
    await build({ ...browserConfig, outDir: bundleDir, dts: false, sourcemap: false, silent: true, config: false })
    await writeFile(join(bundleDir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>delta-kernel</title>')
    server = await startStaticServer({ '/golden/': GOLDEN, '/app/': bundleDir })
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true })
    page = await browser.newPage()
    page.on('pageerror', (e) => pageErrors.push(e.message))
    page.on('request', (r) => pageRequests.push(r.url()))
    await page.goto(`${server.origin}/app/index.html`)
  })

  after(async () => {
    await browser?.close()
    await server?.close()
    await rm(bundleDir, { recursive: true, force: true })
  })

  test('the browser bundle is one self-contained module with no node:* imports', async (t) => {
    const js = await readFile(join(bundleDir, 'browser.js'))
    assert.doesNotMatch(js.toString(), /["']node:[a-z]/)
    assert.doesNotMatch(js.toString(), /^import .* from ["'](?!\.)/m, 'no bare imports left for the page to resolve')
    t.diagnostic(`browser.js: ${(await stat(join(bundleDir, 'browser.js'))).size} bytes minified, ${gzipSync(js).length} gzipped`)
  })

  for (const table of TABLES) {
    test(`headless Chromium scans golden table ${table} over HTTP and gets Spark's expected rows`, async () => {
      const tableUrl = `${server.origin}/golden/${table}/delta/`
      const result = await page.evaluate(async (url: string) => {
        // Runs in the page: only the bundle's public API.
        const bundle = '/app/browser.js'
        const dk = (await import(bundle)) as typeof import('../../src/browser.js')
        const snapshot = await dk.Table.open(url, dk.createHttpEngine()).snapshot()
        const rows: unknown[] = []
        for await (const batch of new dk.Scan(snapshot).batches()) {
          for (let i = 0; i < batch.numRows; i++) rows.push(dk.rowToJson(batch, i))
        }
        return { version: snapshot.version, rows: JSON.stringify(rows), hasProcess: typeof (globalThis as { process?: unknown }).process }
      }, tableUrl)
      assert.equal(result.hasProcess, 'undefined', 'a real browser page, without Node globals')
      const expected = await expectedGoldenRows(table)
      assert.ok(expected.length > 0)
      assert.deepEqual(canonicalRows(JSON.parse(result.rows) as Record<string, unknown>[]), expected)
      assert.deepEqual(pageErrors, [])
    })
  }

  test('the page only talked to the local server, and only with GET, HEAD and ranged reads', () => {
    assert.ok(pageRequests.length > 0)
    assert.deepEqual(pageRequests.filter((u) => !u.startsWith(server.origin + '/')), [])
    const methods = new Set(server.requests.map((r) => r.method))
    assert.ok([...methods].every((m) => m === 'GET' || m === 'HEAD'), [...methods].join(','))
    assert.ok(server.requests.some((r) => r.range !== undefined), 'Parquet footers and columns are read with Range requests')
  })
}
