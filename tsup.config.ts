import { defineConfig, type Options } from 'tsup'

/**
 * `delta-kernel/browser`: one self-contained ES module for browsers (dependencies bundled, no
 * `node:*`: esbuild fails the build if anything pulls one in). Written to dist/browser/, which the
 * main build's clean leaves alone (the two builds run in parallel). Also used by
 * test/browser/scan.test.ts to build the bundle it loads.
 */
export const browserConfig: Options = {
  entry: { browser: 'src/browser.ts' },
  outDir: 'dist/browser',
  format: ['esm'],
  platform: 'browser',
  target: 'es2022',
  dts: { entry: { browser: 'src/browser.ts' } },
  noExternal: [/.*/],
  minify: true,
  sourcemap: true,
  clean: false,
  splitting: false,
  shims: false,
}

export default defineConfig([
  {
    entry: { index: 'src/index.ts', node: 'src/node.ts', testing: 'src/testing/index.ts', cli: 'src/cli/main.ts', 'scan-worker': 'src/engines/worker-pool/scan-worker.ts' },
    format: ['esm', 'cjs'],
    dts: { entry: { index: 'src/index.ts', node: 'src/node.ts', testing: 'src/testing/index.ts' } },
    target: 'node20',
    sourcemap: true,
    clean: ['!browser/**'],
    splitting: true,
    // The scan worker pool finds its worker script from import.meta.url, which CommonJS lacks.
    shims: true,
  },
  browserConfig,
])
