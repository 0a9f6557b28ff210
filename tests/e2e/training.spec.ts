import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base, expect, shot, startKiln, stopKiln, type KilnServer } from './fixtures';

// A home with a motion demo project whose impulse is saved and features generated.
async function prepared(learning: string): Promise<KilnServer> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'kiln-e2e-train-'));
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '-e',
      "import('./src/main/training/testKit.ts').then((m) => m.prepareTrainingHome(process.argv[1], 'gestures', [process.argv[2]])).catch((e) => { console.error(e); process.exit(1); })",
      home,
      learning,
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`setup failed: ${r.stderr}`);
  return startKiln(home);
}

const test = base.extend<{ trained: KilnServer; anomaly: KilnServer }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright requires an object pattern here
  trained: async ({}, use) => {
    const k = await prepared('classification');
    await use(k);
    await stopKiln(k);
  },
  // eslint-disable-next-line no-empty-pattern -- Playwright requires an object pattern here
  anomaly: async ({}, use) => {
    const k = await prepared('anomaly-kmeans');
    await use(k);
    await stopKiln(k);
  },
});

test('a student trains the demo impulse, watches the curves, reads the results and tests the model', async ({ page, trained }, testInfo) => {
  test.setTimeout(120_000);
  await page.goto(`${trained.url}#/p/gestures/training`);
  await expect(page.getByRole('heading', { name: 'Training', exact: true })).toBeVisible();
  await expect(page.getByTestId('backend')).toHaveText('kiln-js');
  // default architecture for spectral features: two dense layers
  await expect(page.getByTestId('layer-1')).toContainText('Dense');
  await expect(page.getByTestId('layer-2')).toContainText('Dense');
  await expect(page.getByTestId('spec-totals')).toContainText('parameters');
  await expect(page.getByText('No trained models yet')).toBeVisible();

  // an invalid stack is explained, and training is refused until it is fixed
  await page.getByTestId('add-layer-type').selectOption('conv1d');
  await page.getByTestId('add-layer').click();
  await expect(page.getByTestId('spec-error')).toContainText('Layer 3 (conv1d) needs input shaped [steps, channels]');
  await expect(page.getByTestId('layer-3')).toHaveClass(/layer-bad/);
  await expect(page.getByTestId('start-training')).toBeDisabled();
  await shot(page, testInfo, 'invalid stack');
  await page.getByRole('button', { name: 'Remove layer 3' }).click();
  await expect(page.getByTestId('spec-error')).toHaveCount(0);

  // expert mode shows the same network as JSON
  await page.getByTestId('expert-mode').click();
  await expect(page.getByTestId('spec-json')).toContainText('"units": 20', { timeout: 15_000 });
  await shot(page, testInfo, 'expert mode');
  // an edit in JSON that cannot work is marked inline and explained; the layer list follows
  await page.getByTestId('spec-json').locator('.view-lines').click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Backspace');
  await expect(page.getByTestId('spec-json').locator('.view-lines')).not.toContainText('inputShape');
  await page.keyboard.insertText('{ "inputShape": [39], "layers": [ { "type": "dense", "units": 8 }, { "type": "conv1d", "filters": 4, "kernelSize": 3 } ] }');
  await expect(page.getByTestId('spec-error')).toContainText('Layer 2 (conv1d) needs input shaped [steps, channels]');
  await expect(page.getByTestId('spec-json').locator('.squiggly-error').first()).toBeAttached({ timeout: 10_000 });
  await shot(page, testInfo, 'expert mode error');
  await page.getByRole('tab', { name: 'Layers' }).click();
  await expect(page.getByTestId('layer-2')).toContainText('1D convolution');
  await expect(page.getByTestId('layer-2')).toHaveClass(/layer-bad/);
  await page.getByRole('button', { name: 'Reset to default' }).click();
  await expect(page.getByTestId('layer-2')).toContainText('Dense');
  await expect(page.getByTestId('spec-error')).toHaveCount(0);

  // bad settings are caught in the form
  await page.getByTestId('epochs').fill('0');
  await expect(page.getByText('Training cycles must be a whole number from 1 to 10000')).toBeVisible();
  await expect(page.getByTestId('start-training')).toBeDisabled();
  await page.getByTestId('epochs').fill('12');
  await page.getByTestId('learning-rate').fill('0.005');
  await page.getByTestId('start-training').click();

  // live curves while training, then the results
  await expect(page.getByTestId('loss-curve')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('results')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('train-log')).toContainText('Epoch 12', { timeout: 15_000 });
  await expect(page.getByTestId('loss-curve').locator('.scatterlayer .trace').first()).toBeVisible();
  const confusion = page.getByTestId('confusion');
  await expect(confusion.locator('tbody tr')).toHaveCount(4);
  await expect(confusion.locator('thead')).toContainText('circle');
  await expect(confusion.locator('tbody tr').first()).toContainText('%');
  await expect(page.getByTestId('class-metrics')).toContainText('Weighted');
  const acc = Number((await page.getByTestId('accuracy').textContent())!.replace(/[^\d.]/g, ''));
  expect(acc).toBeGreaterThan(60);
  await expect(page.getByTestId('acc-int8')).toContainText('%', { timeout: 15_000 });
  await expect(page.getByTestId('estimate')).toContainText('int8', { timeout: 15_000 });
  await expect(page.getByTestId('model-list').locator('tbody tr')).toHaveCount(1);
  await expect(page.getByTestId('model-list')).toContainText('active');
  await shot(page, testInfo, 'trained');
  await page.getByTestId('results').scrollIntoViewIfNeeded();
  await shot(page, testInfo, 'results');
  await page.getByTestId('quantization').scrollIntoViewIfNeeded();
  await shot(page, testInfo, 'float32 vs int8');
  await page.getByTestId('estimate').scrollIntoViewIfNeeded();
  await shot(page, testInfo, 'estimate and models');

  // another board changes the estimate
  const before = await page.getByTestId('estimate').locator('tbody').textContent();
  const options = await page.getByTestId('board-select').locator('option').allTextContents();
  expect(options.length).toBeGreaterThan(1);
  await page.getByTestId('board-select').selectOption({ index: options.length - 1 });
  await expect(page.getByTestId('estimate').locator('tbody')).not.toHaveText(before!);

  // model testing
  await page.getByRole('button', { name: 'Model testing' }).click();
  await expect(page.getByRole('heading', { name: 'Model testing' })).toBeVisible();
  await page.getByTestId('run-test').click();
  await expect(page.getByTestId('test-samples').locator('tbody tr')).toHaveCount(8, { timeout: 30_000 });
  await expect(page.getByTestId('test-confusion').locator('tbody tr')).toHaveCount(4);
  await expect(page.getByTestId('test-accuracy')).toContainText('%');
  await expect(page.locator('.timeline').first().locator('span')).toHaveCount(17);
  await shot(page, testInfo, 'model testing');
  await page.getByTestId('test-samples').scrollIntoViewIfNeeded();
  await shot(page, testInfo, 'model testing samples');
});

test('models can be compared, activated and deleted with undo', async ({ page, trained }, testInfo) => {
  test.setTimeout(120_000);
  await page.goto(`${trained.url}#/p/gestures/training`);
  await page.getByTestId('epochs').fill('2');
  await page.getByTestId('start-training').click();
  await expect(page.getByTestId('model-list').locator('tbody tr')).toHaveCount(1, { timeout: 60_000 });
  await expect(page.getByTestId('start-training')).toBeEnabled({ timeout: 30_000 });
  await page.getByTestId('seed').fill('5');
  await page.getByTestId('start-training').click();
  await expect(page.getByTestId('model-list').locator('tbody tr')).toHaveCount(2, { timeout: 60_000 });
  await page.getByRole('button', { name: 'Compare' }).click();
  await expect(page.getByTestId('compare')).toContainText('Seed');
  await shot(page, testInfo, 'compare');
  await page.getByRole('button', { name: 'Activate' }).click();
  await expect(page.getByTestId('model-list').getByText('active')).toHaveCount(1);
  await page.getByRole('button', { name: 'Delete model 1' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByTestId('model-list').locator('tbody tr')).toHaveCount(1);
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(page.getByTestId('model-list').locator('tbody tr')).toHaveCount(2);
});

test('an anomaly block trains from the same page and shows clusters, threshold and per-sample scores', async ({ page, anomaly }, testInfo) => {
  test.setTimeout(90_000);
  await page.goto(`${anomaly.url}#/p/gestures/training`);
  await expect(page.getByRole('heading', { name: 'Anomaly detection' })).toBeVisible();
  await page.getByTestId('clusters').fill('0');
  await expect(page.getByText('Clusters must be a whole number ≥ 1')).toBeVisible();
  await page.getByTestId('clusters').fill('6');
  await page.getByTestId('start-training').click();
  await expect(page.getByTestId('anomaly-summary')).toContainText('6 clusters', { timeout: 60_000 });
  await expect(page.getByTestId('anomaly-summary')).toContainText('threshold');
  await page.getByTestId('results').scrollIntoViewIfNeeded();
  await shot(page, testInfo, 'anomaly results');
  await page.getByRole('button', { name: 'Model testing' }).click();
  await page.getByTestId('run-test').click();
  await expect(page.getByTestId('test-samples').locator('tbody tr')).toHaveCount(8, { timeout: 30_000 });
  await expect(page.getByTestId('test-samples').locator('thead')).toContainText('Anomaly');
  await shot(page, testInfo, 'anomaly testing');
});
