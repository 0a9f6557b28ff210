import { existsSync } from 'node:fs';
import path from 'node:path';
import { test, expect, shot } from './fixtures';

// the shared real recordings sit beside the repository (never copied into it)
const dataset = path.resolve(import.meta.dirname, '../..', '../shared/datasets/door-motion');

test('a maker brings an Edge Impulse export folder, trains it with the defaults and reads how validation was split', async ({ page, kiln }, testInfo) => {
  test.skip(!existsSync(dataset), `${dataset} is absent`);
  test.setTimeout(180_000);
  await page.goto(kiln.url);
  await page.getByRole('button', { name: 'New project' }).first().click();
  await page.getByLabel('Project name').fill('Door');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Door' })).toBeVisible();
  await page.getByRole('button', { name: 'Data acquisition', exact: true }).click();
  await expect(page.getByTestId('dataset-empty')).toBeVisible();

  // the folder as exported: training/, testing/, info.labels (sent as one zip)
  await page.getByTestId('import-folder-input').setInputFiles(dataset);
  const dialog = page.getByRole('dialog', { name: 'Import 1 file' });
  await expect(dialog).toBeVisible();
  await shot(page, testInfo, 'export folder to import');
  await dialog.getByRole('button', { name: 'Import' }).click();
  await expect(page.getByTestId('sample-row').first()).toBeVisible({ timeout: 60_000 });
  // the categories as exported: 45 train, 15 test, three labels
  const counts = page.getByTestId('dataset-counts');
  for (const [label, train, test] of [
    ['closed', 15, 5],
    ['knock', 15, 5],
    ['opening', 15, 5],
  ] as const) {
    await expect(counts.getByRole('row', { name: new RegExp(`^${label}`) })).toContainText(`${train}`);
    await expect(counts.getByRole('row', { name: new RegExp(`^${label}`) })).toContainText(`${test}`);
  }
  await expect(counts).toContainText('60');
  await shot(page, testInfo, 'export imported');

  // the suggested impulse, saved as it is, and its features
  await page.getByRole('button', { name: 'Impulse design', exact: true }).click();
  await page.getByRole('button', { name: 'Save impulse' }).click();
  await expect(page.getByTestId('save-state')).toHaveText('Saved');
  await page.getByRole('button', { name: 'Generate features' }).click();
  await expect(page.getByTestId('feature-status')).toContainText(/\d+ windows, 0 samples stale/, { timeout: 120_000 });

  // train with the default settings
  await page.getByRole('button', { name: 'Training', exact: true }).click();
  await page.getByTestId('start-training').click();
  await expect(page.getByTestId('results')).toBeVisible({ timeout: 120_000 });
  const split = page.getByTestId('validation-split');
  await expect(split).toContainText('Validation split by sample, stratified by label (seed 1): 9 samples');
  await expect(split).toContainText('uncertain = the highest score of a window is below 0.6');
  await expect(page.getByTestId('top1')).toContainText('%');
  await expect(page.getByTestId('int8-accuracy')).toContainText(/\d+\.\d %/);
  await page.getByTestId('validation-split').scrollIntoViewIfNeeded();
  await shot(page, testInfo, 'results with validation split and int8');
});
