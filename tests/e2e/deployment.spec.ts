import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { test as base, expect, shot, startKiln, stopKiln, type KilnServer } from './fixtures';

// A home with the motion demo "gestures": impulse saved, features generated and, when `train`, a model trained.
async function prepared(train: boolean): Promise<KilnServer> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'kiln-e2e-deploy-'));
  // an async function, not top-level await: --input-type would be inherited by the feature workers
  const script = `(async () => {
    const [home, train] = process.argv.slice(1);
    const kit = await import('./src/main/training/testKit.ts');
    await kit.prepareTrainingHome(home, 'gestures');
    if (train === 'yes') {
      const { createServices } = await import('./src/main/app/services.ts');
      const { createDispatcher } = await import('./src/main/api/index.ts');
      const services = createServices({ home, host: 'cli' });
      const r = await createDispatcher(services).call('model.train', { project: 'gestures', settings: { epochs: 3, seed: 1, learningRate: 0.005 } });
      if (!r.ok) throw new Error(r.error.message);
      const job = await services.jobs.wait(r.result.jobId);
      services.dispose();
      if (job.state !== 'succeeded') throw new Error('training ' + job.state + ': ' + job.error?.message);
    }
  })().catch((e) => { console.error(e); process.exit(1); })`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script, home, train ? 'yes' : 'no'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`setup failed: ${r.stderr}`);
  return startKiln(home);
}

const test = base.extend<{ trained: KilnServer; untrained: KilnServer }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright requires an object pattern here
  trained: async ({}, use) => {
    const k = await prepared(true);
    await use(k);
    await stopKiln(k);
  },
  // eslint-disable-next-line no-empty-pattern -- Playwright requires an object pattern here
  untrained: async ({}, use) => {
    const k = await prepared(false);
    await use(k);
    await stopKiln(k);
  },
});

test.use({ viewport: { width: 1440, height: 900 } });

/** Every file under a folder, relative to it. */
function walk(dir: string, rel = ''): string[] {
  return readdirSync(path.join(dir, rel)).flatMap((f) => {
    const r = path.join(rel, f);
    return statSync(path.join(dir, r)).isDirectory() ? walk(dir, r) : [r];
  });
}

test('without a trained model the Deployment page says what to do first', async ({ page, untrained }, testInfo) => {
  await page.goto(`${untrained.url}#/p/gestures/deployment`);
  await expect(page.getByTestId('deploy-empty')).toContainText('No trained model yet');
  await shot(page, testInfo, 'empty');
  await page.getByRole('button', { name: 'Go to Training' }).click();
  await expect(page.getByRole('heading', { name: 'Training', exact: true })).toBeVisible();
});

test('an engineer picks the Nano 33 BLE Sense, reads the estimate, builds the C library, downloads it and compiles it with gcc', async ({
  page,
  trained,
}, testInfo) => {
  test.setTimeout(120_000);
  await page.goto(`${trained.url}#/p/gestures`);
  // the navigation entry is enabled and opens the page
  await page.getByRole('button', { name: 'Deployment' }).click();
  await expect(page.getByRole('heading', { name: 'Deployment', exact: true })).toBeVisible();
  await expect(page.getByTestId('deploy-model')).toContainText('Model #1 (classifier)');

  // keyboard: the format choices are one radio group
  const c = page.getByRole('radio', { name: /C library/ });
  await c.focus();
  await expect(c).toBeChecked();
  await page.getByRole('radio', { name: /int8/ }).check();
  await page.getByTestId('deploy-board').selectOption('arduino-nano-33-ble-sense');
  await expect(page.getByTestId('deploy-fits')).toHaveText('✓ Fits the Arduino Nano 33 BLE Sense');
  await expect(page.getByTestId('estimate-flash')).toContainText(/[\d.]+ KB/);
  await expect(page.getByTestId('estimate-flash')).toContainText('of 1.0 MB');
  await expect(page.getByTestId('estimate-ram')).toContainText('of 256.0 KB');
  await expect(page.getByTestId('estimate-latency')).toContainText(/[\d.]+ ms/);
  const int8Flash = await page.getByTestId('estimate-flash').locator('.stat-value').innerText();
  await page.getByRole('radio', { name: /float32/ }).check();
  await expect(page.getByTestId('estimate-flash').locator('.stat-value')).not.toHaveText(int8Flash);
  await page.getByRole('radio', { name: /int8/ }).check();
  await expect(page.getByTestId('estimate-flash').locator('.stat-value')).toHaveText(int8Flash);
  await shot(page, testInfo, 'estimate');

  await page.getByTestId('deploy-build').click();
  await expect(page.getByTestId('deploy-job')).toContainText('Built and kept below.', { timeout: 60_000 });
  const row = page.getByTestId('built-libraries').locator('tbody tr').first();
  await expect(row).toContainText('C library');
  await expect(row).toContainText('int8');
  await expect(row).toContainText('Arduino Nano 33 BLE Sense');
  await expect(row).toContainText('#1');
  await shot(page, testInfo, 'built');

  const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('button', { name: /Download/ }).click()]);
  expect(download.suggestedFilename()).toBe('gestures_c_int8.zip');
  const work = mkdtempSync(path.join(os.tmpdir(), 'kiln-e2e-lib-'));
  const zipFile = path.join(work, 'lib.zip');
  await download.saveAs(zipFile);
  const files = unzipSync(new Uint8Array((await import('node:fs')).readFileSync(zipFile)));
  const lib = path.join(work, 'lib');
  for (const [name, bytes] of Object.entries(files)) {
    if (name.endsWith('/')) continue;
    mkdirSync(path.dirname(path.join(lib, name)), { recursive: true });
    writeFileSync(path.join(lib, name), bytes);
  }
  const all = walk(lib);
  const sources = all.filter((f) => f.endsWith('.c'));
  const includeDirs = [...new Set(all.filter((f) => f.endsWith('.h')).map((f) => path.dirname(f)))];
  expect(sources.length).toBeGreaterThan(3);
  const gcc = spawnSync(
    'gcc',
    ['-std=c99', '-O2', '-Wall', '-Wextra', '-Werror', ...includeDirs.map((d) => `-I${d}`), ...sources, '-lm', '-o', path.join(work, 'classify')],
    {
      cwd: lib,
      encoding: 'utf8',
    },
  );
  expect(gcc.stderr).toBe('');
  expect(gcc.status).toBe(0);

  await page.getByLabel('Theme').selectOption('dark');
  await shot(page, testInfo, 'built dark');
});
