/**
 * The README's TypeScript examples compile against the public API and run.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import ts from 'typescript'

const ROOT = resolve(import.meta.dirname, '..')

function examples(): string[] {
  const md = readFileSync(join(ROOT, 'README.md'), 'utf8')
  return [...md.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!)
}

/** Points the package imports at the sources, so the examples check against the current API. */
function localise(code: string): string {
  return code.replaceAll("from 'delta-kernel/node'", "from '../src/node.js'").replaceAll("from 'delta-kernel'", "from '../src/index.js'")
}

test('README has TypeScript examples', () => {
  assert.ok(examples().length >= 1)
})

test('README examples type-check and run', () => {
  const dir = join(ROOT, '.tmp')
  mkdirSync(dir, { recursive: true })
  const files = examples().map((code, i) => {
    const f = join(dir, `readme-example-${i}.ts`)
    writeFileSync(f, `${localise(code)}\nexport {}\n`)
    return f
  })
  try {
    const program = ts.createProgram(files, {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      skipLibCheck: true,
      types: ['node'],
    })
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))
    assert.deepEqual(diagnostics, [])
    for (const f of files) {
      // Run from the repository root, where the examples' relative table paths point.
      const out = execFileSync(process.execPath, ['--import', 'tsx', f], { cwd: ROOT, encoding: 'utf8' })
      assert.ok(out.length > 0, `${f} printed nothing`)
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
