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
    rollupOptions: {
      onwarn(warning, warn) {
        // harmless notes about third-party bundles ("use client" directives, misplaced /*#__PURE__*/ comments)
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE' || warning.code === 'INVALID_ANNOTATION') return;
        warn(warning);
      },
    },
  },
  worker: { format: 'es' },
});
