import { defineConfig } from 'tsup'

export default defineConfig({
  entry: { index: 'src/index.ts', node: 'src/node.ts', testing: 'src/testing/index.ts', cli: 'src/cli/main.ts' },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts', node: 'src/node.ts', testing: 'src/testing/index.ts' } },
  target: 'node20',
  sourcemap: true,
  clean: true,
  splitting: true,
  shims: false,
})
