// Bundles the Electron main process and preload (CommonJS: a sandboxed preload cannot be ESM).
import { build } from 'esbuild';

const external = ['electron', 'better-sqlite3', 'serialport', '@serialport/*', 'onnxruntime-node', '@tensorflow/*', 'bufferutil', 'utf-8-validate'];
const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', external, sourcemap: false, logLevel: 'warning' };

await build({
  ...common,
  entryPoints: { main: 'src/main/electron/main.ts' },
  outdir: 'dist/electron',
  outExtension: { '.js': '.cjs' },
  banner: { js: "const __import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__import_meta_url' },
});
await build({ ...common, entryPoints: { preload: 'src/main/electron/preload.ts' }, outdir: 'dist/electron', outExtension: { '.js': '.cjs' } });
console.log('built dist/electron (main.cjs, preload.cjs)');
