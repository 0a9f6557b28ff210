import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDispatcher } from '../api/index.js';
import { createServices } from '../app/services.js';
import { trainAndCompare } from './testKit.js';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const datasets = path.resolve(repoRoot, '../shared/datasets');

const home = mkdtempSync(path.join(os.tmpdir(), 'kiln-int8-real-'));
const services = createServices({ home, host: 'cli' });
const api = createDispatcher(services);
afterAll(() => {
  services.dispose();
  rmSync(home, { recursive: true, force: true });
});

/**
 * The integer-only int8 engine keeps the float32 accuracy on the test set: the suggested impulse
 * and the default settings (seed 1), as a new user gets them. "Within 1 point" allows one
 * window on test sets of fewer than 100 windows.
 */
describe('int8 keeps the float32 test accuracy on real recordings and both demos', () => {
  const cases: [string, { demo: 'motion' | 'keywords' } | { folder: string }][] = [
    ['the motion demo', { demo: 'motion' }],
    ['the keywords demo', { demo: 'keywords' }],
    ['door-motion', { folder: path.join(datasets, 'door-motion') }],
    ['phone-motion', { folder: path.join(datasets, 'phone-motion') }],
    ['casa-speech-lang', { folder: path.join(datasets, 'casa-speech-lang') }],
  ];
  for (const [name, source] of cases) {
    it(name, { timeout: 120_000 }, async () => {
      const r = await trainAndCompare(services, api, source, name, 1);
      expect(r.testWindows).toBeGreaterThan(50);
      const lost = r.float32Correct - r.int8Correct;
      expect(lost).toBeLessThanOrEqual(Math.max(1, Math.floor(r.testWindows / 100)));
      expect(r.int8Bytes).toBeGreaterThan(0);
    });
  }
});
