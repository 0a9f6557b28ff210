// `npm start`: builds what is out of date, then opens the studio — in Electron when its binary is
// installed, otherwise in the browser through the web shell (`kiln serve --open`).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
process.chdir(root);

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const index = 'dist/renderer/index.html';
const sourcesChanged = Math.max(newest('src/renderer'), newest('src/shared'));
if (!existsSync(index) || statSync(index).mtimeMs < sourcesChanged) {
  console.log('Building the studio…');
  run(process.execPath, [path.join(path.dirname(require.resolve('vite/package.json')), 'bin/vite.js'), 'build', '--logLevel', 'warn']);
}

let electronBinary = null;
try {
  const p = require('electron');
  if (typeof p === 'string' && existsSync(p)) electronBinary = p;
} catch {
  /* the package or its binary is missing */
}

const passThrough = process.argv.slice(2);
if (electronBinary && !process.env.KILN_NO_ELECTRON) {
  run(process.execPath, ['scripts/buildElectron.mjs']);
  const child = spawn(electronBinary, ['.', ...passThrough], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log('Electron is not installed here (its binary could not be downloaded), so Kiln opens as a web shell in your browser instead.');
  console.log('No board? Create a demo project from the project picker ("Motion demo" / "Keywords demo").');
  const child = spawn(process.execPath, ['bin/kiln.js', 'serve', '--open', ...passThrough], { stdio: 'inherit' });
  const forward = (sig) => child.kill(sig);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code) => process.exit(code ?? 0));
}
