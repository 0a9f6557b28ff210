// Opens the real Electron app when its binary is installed; skips with the reason otherwise.
import { _electron as electron, test, expect } from '@playwright/test';
import { existsSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';

const require = createRequire(import.meta.url);
function electronBinary(): string | null {
  try {
    const p = require('electron') as unknown;
    return typeof p === 'string' && existsSync(p) ? p : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();

test('the Electron app opens and creates a project', async () => {
  test.skip(binary === null, 'Electron binary not installed on this machine (its download is blocked); the web shell specs cover the same renderer');
  execFileSync(process.execPath, ['scripts/buildElectron.mjs']);
  const home = mkdtempSync(path.join(os.tmpdir(), 'kiln-electron-'));
  const app = await electron.launch({ executablePath: binary!, args: ['.', '--no-sandbox'], env: { ...process.env, KILN_HOME: home } });
  const win = await app.firstWindow();
  // the page sees no Node and only the two bridge functions
  const page = await win.evaluate(() => ({
    require: typeof (globalThis as { require?: unknown }).require,
    process: typeof (globalThis as { process?: unknown }).process,
    bridge: Object.keys((globalThis as { kiln?: object }).kiln ?? {}).sort(),
  }));
  expect(page).toEqual({ require: 'undefined', process: 'undefined', bridge: ['call', 'subscribe'] });
  await win.getByRole('button', { name: 'New project' }).first().click();
  await win.getByLabel('Project name').fill('From Electron');
  await win.keyboard.press('Enter');
  await expect(win.getByRole('heading', { name: 'From Electron' })).toBeVisible();
  expect(existsSync(path.join(home, 'From Electron.kiln'))).toBe(true);
  await app.close();
});
