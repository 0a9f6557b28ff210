// `npm run dist [-- <electron-builder args>]`: packages the studio with electron-builder, e.g.
// `npm run dist -- --linux dir` for an unpacked app. electron-builder needs Electron's binary
// (its download is blocked on some machines): without it, say so and skip instead of failing.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let binary = null;
let why = '';
try {
  require.resolve('electron/package.json');
  try {
    const p = require('electron');
    if (typeof p === 'string' && existsSync(p)) binary = p;
  } catch {
    // the package throws when its binary was never downloaded
  }
  if (!binary) why = 'the electron package is installed without its binary (ELECTRON_SKIP_BINARY_DOWNLOAD, or the download failed)';
} catch {
  why = 'the optional electron package is not installed (its binary download failed)';
}
if (!binary) {
  process.stdout.write(`dist: skipped — ${why}. On a machine that can download Electron, \`npm install\` then \`npm run dist\`.\n`);
  process.exit(0);
}

const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
run('npm', ['run', 'build']);
run('npx', ['electron-builder', '--config', 'electron-builder.yml', ...process.argv.slice(2)]);
