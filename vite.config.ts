import { defineConfig } from 'vite';

// The renderer: one build served by the web shell and loaded by Electron from disk.
export default defineConfig({
  root: 'src/renderer',
  base: './',
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: '../../dist/renderer',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 6000,
    target: 'es2022',
  },
  worker: { format: 'es' },
});
