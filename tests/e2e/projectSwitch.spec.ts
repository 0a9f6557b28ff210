import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, expect, shot } from './fixtures';

function cli(home: string, ...args: string[]): string {
  const r = spawnSync(process.execPath, ['bin/kiln.js', ...args, '--home', home], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`kiln ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

test('switching projects shows only the new project, and closing one leaves a complete, unlocked file', async ({ page, kiln }, testInfo) => {
  cli(kiln.home, 'projects', 'create', 'Gestures', '--demo', 'motion');
  cli(kiln.home, 'projects', 'create', 'Keywords', '--demo', 'keywords');
  for (const p of ['Gestures', 'Keywords']) {
    cli(kiln.home, 'features', '--project', p);
    cli(kiln.home, 'train', '--project', p, '--epochs', '1');
  }
  await page.setViewportSize({ width: 1440, height: 900 });

  // motion: record panel on the accelerometer, a label typed, the live page on a motion
  await page.goto(`${kiln.url}#/p/Gestures/data`);
  const record = page.getByRole('form', { name: 'Record a sample' });
  await expect(record.getByLabel('Device', { exact: true })).toHaveValue('virtual-accelerometer');
  await record.getByLabel('Label').fill('wave');
  await expect(page.getByRole('cell', { name: 'circle' }).first()).toBeVisible();
  await page.getByRole('button', { name: 'Live classification' }).click();
  await expect(page.getByRole('form', { name: 'Live source' }).getByLabel('Device', { exact: true })).toHaveValue('virtual-accelerometer');
  await shot(page, testInfo, 'motion live');

  // leave it: the project is closed, and a plain copy of its file alone has every sample
  await page.getByRole('button', { name: 'Close project' }).click();
  const row = page.getByTestId('project-row').filter({ hasText: 'Gestures' });
  await expect(row).toBeVisible();
  const file = path.join(kiln.home, 'Gestures.kiln');
  await expect.poll(() => existsSync(`${file}-wal`)).toBe(false);
  const copyHome = mkdtempSync(path.join(os.tmpdir(), 'kiln-copy-'));
  copyFileSync(file, path.join(copyHome, 'Copied.kiln'));
  expect(JSON.parse(cli(copyHome, 'projects', 'info', 'Copied', '--json')) as { samples: { total: number } }).toMatchObject({ samples: { total: 48 } });
  await shot(page, testInfo, 'picker after close');

  // keywords: nothing of the motion project is left on any page
  await page.goto(`${kiln.url}#/p/Keywords/data`);
  await expect(record.getByLabel('Device', { exact: true })).toHaveValue('virtual-microphone');
  await expect(record.getByLabel('Label')).toHaveValue('');
  await expect(page.getByRole('cell', { name: 'yes' }).first()).toBeVisible();
  await expect(page.getByRole('cell', { name: 'circle' })).toHaveCount(0);
  await shot(page, testInfo, 'keywords data');
  await page.getByRole('button', { name: 'Live classification' }).click();
  await expect(page.getByRole('form', { name: 'Live source' }).getByLabel('Device', { exact: true })).toHaveValue('virtual-microphone');
  await page.getByRole('button', { name: 'Impulse design' }).click();
  await expect(page.locator('.react-flow__node').filter({ hasText: 'Audio (MFCC)' })).toBeVisible();
  await expect(page.locator('.react-flow__node').filter({ hasText: 'Spectral' })).toHaveCount(0);
  await shot(page, testInfo, 'keywords impulse');

  // back in motion, its own form is remembered
  await page.goto(`${kiln.url}#/p/Gestures/data`);
  await expect(record.getByLabel('Label')).toHaveValue('wave');
});

test('the dashboard shows deleted samples with their size and purges them after a confirmation', async ({ page, kiln }, testInfo) => {
  cli(kiln.home, 'projects', 'create', 'Trash', '--demo', 'motion');
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`${kiln.url}#/p/Trash/data`);
  await page.getByRole('cell', { name: 'circle' }).first().click();
  await page.getByRole('button', { name: 'Select all' }).click();
  await page.getByRole('button', { name: /^Delete/ }).click();
  const confirm = page.getByRole('dialog');
  if (await confirm.isVisible().catch(() => false)) await confirm.getByRole('button', { name: /Delete/ }).click();
  await page.getByRole('button', { name: 'Dashboard' }).click();
  await expect(page.getByText(/48 deleted samples \(/)).toBeVisible();
  await shot(page, testInfo, 'trash');
  await page.getByRole('button', { name: /Purge now/ }).click();
  await page.getByRole('dialog', { name: 'Purge deleted samples?' }).getByRole('button', { name: 'Purge' }).click();
  await expect(page.getByText(/Purged 48 deleted samples; freed/)).toBeVisible();
  await expect(page.getByText('No deleted samples.')).toBeVisible();
  await expect(page.getByTestId('sample-total')).toHaveText('0');
});

test('creating the keywords demo shows its progress, then opens the project', async ({ page, kiln }, testInfo) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(kiln.url);
  await page.getByRole('button', { name: 'Keywords demo' }).first().click();
  const bar = page.getByRole('progressbar', { name: 'Creating the demo project' });
  await expect(bar).toBeVisible();
  await expect(page.getByText(/Recording "/)).toBeVisible();
  await shot(page, testInfo, 'demo progress');
  await expect(page.getByRole('heading', { name: 'Keywords demo' })).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('sample-total')).toHaveText('800');
});
