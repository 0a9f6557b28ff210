// Starts a real `kiln serve` on a temporary KILN_HOME for each test and opens its URL.
import { test as base, expect, type Page, type TestInfo } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface KilnServer {
  url: string;
  port: number;
  token: string;
  home: string;
  process: ChildProcess;
}

export async function startKiln(home = mkdtempSync(path.join(os.tmpdir(), 'kiln-e2e-'))): Promise<KilnServer> {
  const child = spawn(process.execPath, ['bin/kiln.js', 'serve', '--json', '--home', home], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => (err += String(d)));
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += String(d);
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(out.slice(0, nl));
    });
    child.on('exit', (code) => reject(new Error(`kiln serve exited with ${code}: ${err}`)));
    setTimeout(() => reject(new Error(`kiln serve did not start: ${err}`)), 30_000);
  });
  const info = JSON.parse(line) as { url: string; port: number; token: string };
  return { ...info, home, process: child };
}

export async function stopKiln(k: KilnServer): Promise<void> {
  if (k.process.exitCode !== null) return;
  const exited = new Promise((r) => k.process.once('exit', r));
  k.process.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  if (k.process.exitCode === null) k.process.kill('SIGKILL');
}

/** Saves a named screenshot under test-results/screens (kept as a CI artefact). */
export async function shot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const dir = path.resolve('test-results/screens');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${testInfo.titlePath.slice(1).join(' - ').replace(/[^\w -]+/g, '_')} - ${name}.png`);
  // the studio scrolls inside its own frame: let the page grow for the shot so fullPage sees everything
  await page.evaluate(() => {
    const style = document.createElement('style');
    style.id = 'kiln-shot';
    style.textContent = 'html, body, #root, .studio { height: auto !important; } .content, .sidebar { overflow: visible !important; }';
    document.head.appendChild(style);
  });
  await page.screenshot({ path: file, fullPage: true });
  await page.evaluate(() => document.getElementById('kiln-shot')?.remove());
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
}

export const test = base.extend<{ kiln: KilnServer }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright requires an object pattern here
  kiln: async ({}, use) => {
    const k = await startKiln();
    await use(k);
    await stopKiln(k);
  },
});

/** Runs `kiln simulate-board --pty` (socat + simulator) and returns the path to connect to. */
export async function simulateBoard(args: string[]): Promise<{ path: string; proc: ChildProcess; stop: () => Promise<void> }> {
  const proc = spawn(process.execPath, ['bin/kiln.js', 'simulate-board', '--pty', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr!.on('data', (d) => (err += String(d)));
  const path = await new Promise<string>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d) => {
      out += String(d);
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(out.slice(0, nl).trim());
    });
    proc.on('exit', (code) => reject(new Error(`simulate-board exited with ${code}: ${err}`)));
    setTimeout(() => reject(new Error(`simulate-board did not start: ${err}`)), 20_000);
  });
  // wait until the simulator says it is streaming
  for (let i = 0; i < 100 && !err.includes('Press Ctrl+C'); i++) await new Promise((r) => setTimeout(r, 100));
  const stop = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGINT'); // by its own PID; it stops its socat too
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  };
  return { path, proc, stop };
}

export { expect };
