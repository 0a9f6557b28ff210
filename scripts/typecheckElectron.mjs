// Typechecks the Electron shell when the `electron` package (which ships its type definitions)
// is installed; otherwise says why it was skipped. CI installs it without the binary.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';

const require = createRequire(import.meta.url);
let dts = null;
try {
  dts = path.join(path.dirname(require.resolve('electron/package.json')), 'electron.d.ts');
} catch {
  /* not installed */
}
if (!dts || !existsSync(dts)) {
  console.log('typecheck: skipped the Electron shell (the electron package is not installed here; CI installs it with ELECTRON_SKIP_BINARY_DOWNLOAD=1)');
  process.exit(0);
}
const r = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '--noEmit', '-p', 'tsconfig.electron.json'], { stdio: 'inherit' });
process.exit(r.status ?? 1);
