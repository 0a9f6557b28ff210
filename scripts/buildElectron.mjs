// Bundles the Electron main process and preload (CommonJS: a sandboxed preload cannot be ESM).
import { build } from 'esbuild';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const external = ['electron', 'better-sqlite3', 'serialport', '@serialport/*', 'onnxruntime-node', '@tensorflow/*', 'bufferutil', 'utf-8-validate'];
const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', external, sourcemap: false, logLevel: 'warning' };

// worker_threads entries (`*Worker.ts` under src/main) are bundled beside main.cjs, where the
// services look for them (`new URL('./xWorker.cjs', import.meta.url)` once bundled)
const workers = Object.fromEntries(
  readdirSync('src/main', { recursive: true })
    .map(String)
    .filter((f) => /Worker\.ts$/.test(f) && !f.endsWith('.test.ts') && !f.split(path.sep).includes('testing'))
    .map((f) => [path.basename(f, '.ts'), path.join('src/main', f)]),
);

await build({
  ...common,
  entryPoints: { main: 'src/main/electron/main.ts', ...workers },
  outdir: 'dist/electron',
  outExtension: { '.js': '.cjs' },
  banner: { js: "const __import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__import_meta_url' },
});
await build({ ...common, entryPoints: { preload: 'src/main/electron/preload.ts' }, outdir: 'dist/electron', outExtension: { '.js': '.cjs' } });
console.log(`built dist/electron (main.cjs, preload.cjs, ${Object.keys(workers).map((w) => w + '.cjs').join(', ')})`);
