import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base, expect, shot, startKiln, stopKiln, type KilnServer } from './fixtures';

const test = base.extend<{ demo: KilnServer }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright requires an object pattern here
  demo: async ({}, use) => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'kiln-e2e-versions-'));
    const r = spawnSync(process.execPath, ['bin/kiln.js', '--home', home, 'projects', 'create', 'gestures', '--demo', 'motion'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`setup failed: ${r.stderr}`);
    const k = await startKiln(home);
    await use(k);
    await stopKiln(k);
  },
});

test('a maker keeps a version, relabels a sample, reads the diff and restores the first version', async ({ page, demo }, testInfo) => {
  test.setTimeout(120_000);
  await page.goto(`${demo.url}#/p/gestures/versioning`);
  await expect(page.getByRole('heading', { name: 'Versioning', exact: true })).toBeVisible();
  await expect(page.getByText('No versions yet')).toBeVisible();
  await expect(page.getByTestId('create-version')).toBeDisabled();
  await page.getByTestId('version-message').fill('x'.repeat(201));
  await expect(page.getByTestId('create-version')).toBeDisabled();
  await expect(page.getByText('At most 200 characters')).toBeVisible();
  await page.getByTestId('version-message').fill('baseline');
  await page.getByTestId('create-version').click();
  await expect(page.getByTestId('version-1')).toContainText('baseline');
  await shot(page, testInfo, 'first version');

  // relabel one sample on the Data page
  await page.goto(`${demo.url}#/p/gestures/data`);
  const rows = page.getByTestId('sample-row');
  await rows.first().click();
  await expect(page.getByTestId('selection-count')).toHaveText('1 selected');
  await page.getByRole('button', { name: 'Relabel…' }).click();
  await page.getByLabel('New label').fill('odd-one');
  await page.keyboard.press('Enter');
  await expect(rows.filter({ hasText: 'odd-one' })).toHaveCount(1);

  await page.goto(`${demo.url}#/p/gestures/versioning`);
  await page.getByTestId('version-message').fill('relabelled one');
  await page.getByTestId('create-version').click();
  await expect(page.getByTestId('version-2')).toContainText('odd-one 1+0');

  await page.getByRole('checkbox', { name: 'Compare version 1' }).check();
  await page.getByRole('checkbox', { name: 'Compare version 2' }).check();
  const diff = page.getByTestId('version-diff');
  await expect(diff).toContainText('Changes from #1 to #2');
  await expect(page.getByTestId('diff-summary')).toHaveText('0 added, 0 removed, 1 relabelled, 0 moved between train and test');
  await expect(diff.getByRole('row', { name: /odd-one/ })).toContainText('1');
  await shot(page, testInfo, 'diff');

  await page.getByTestId('restore-1').click();
  await page.getByTestId('confirm-restore-1').click();
  await expect(page.getByRole('status')).toContainText('Restored version #1; the state before is version #3');
  await expect(page.getByTestId('version-3')).toContainText('Before restoring version #1');
  await shot(page, testInfo, 'restored');

  await page.goto(`${demo.url}#/p/gestures/data`);
  await expect(rows.first()).toBeVisible();
  await expect(rows.filter({ hasText: 'odd-one' })).toHaveCount(0);
});
