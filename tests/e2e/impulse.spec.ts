import type { Page } from '@playwright/test';
import { test, expect, shot } from './fixtures';

test('a student designs an impulse on the motion demo, tunes a block, generates features and explores them', async ({ page, kiln }, testInfo) => {
  test.setTimeout(180_000);
  page.setDefaultTimeout(15_000);
  await page.goto(kiln.url);
  await page.getByRole('button', { name: 'Motion demo' }).first().click();
  await expect(page.getByRole('heading', { name: 'Motion demo' })).toBeVisible({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Impulse design' }).click();

  // the demo starts with the impulse suggested for motion data: spectral analysis → classifier
  await expect(page.getByRole('heading', { name: 'Impulse design' })).toBeVisible();
  const canvas = page.getByTestId('pipeline-canvas');
  await expect(page.getByTestId('node-spectral-analysis')).toBeVisible();
  await shot(page, testInfo, 'suggested impulse');

  // clear it: select each block and press Delete; the problems say what is missing
  for (const id of ['spectral-analysis', 'classifier']) {
    await page.getByTestId(`node-${id}`).click();
    await page.keyboard.press('Delete');
    await expect(page.getByTestId(`node-${id}`)).toHaveCount(0);
  }
  await expect(page.getByRole('list', { name: 'Problems' })).toContainText('Add at least one processing block');

  // build it again by dragging from the palette: a classifier first (red: no input) …
  await page.getByTestId('palette-learning:classification').dragTo(canvas, { targetPosition: { x: 620, y: 200 } });
  const classifier = page.getByTestId('node-classification');
  await expect(classifier).toBeVisible();
  await expect(classifier.getByRole('note')).toContainText('has no input');
  // … then spectral analysis, which feeds the classifier that had no input
  await page.getByTestId('palette-dsp:spectral_analysis').dragTo(canvas, { targetPosition: { x: 300, y: 120 } });
  await expect(page.getByTestId('node-spectral-analysis')).toBeVisible();
  await expect(classifier.getByRole('note')).toHaveCount(0);
  // and flatten, which is not connected yet
  await page.getByTestId('palette-dsp:flatten').dragTo(canvas, { targetPosition: { x: 300, y: 380 } });
  const flatten = page.getByTestId('node-flatten');
  await expect(flatten.getByRole('note')).toContainText('not connected to a learning block');
  await shot(page, testInfo, 'built by dragging');

  // connect flatten → classifier by dragging between the handles
  await flatten.locator('.react-flow__handle.source').dragTo(classifier.locator('.react-flow__handle.target'));
  await expect(flatten.getByRole('note')).toHaveCount(0);
  await expect(page.locator('.react-flow__edge.edge-feature')).toHaveCount(2);

  // undo and redo with the keyboard, then disconnect and reconnect from the block menu
  await page.locator('.react-flow__pane').click({ position: { x: 10, y: 10 } });
  await page.keyboard.press('Control+z');
  await expect(page.locator('.react-flow__edge.edge-feature')).toHaveCount(1);
  await page.keyboard.press('Control+Shift+z');
  await expect(page.locator('.react-flow__edge.edge-feature')).toHaveCount(2);
  await flatten.getByRole('button', { name: /Actions for/ }).click();
  await page.getByRole('menuitemcheckbox', { name: /Feeds Classification/ }).click();
  await expect(page.locator('.react-flow__edge.edge-feature')).toHaveCount(1);
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(page.locator('.react-flow__edge.edge-feature')).toHaveCount(2);

  // without a mouse: Enter on a palette entry adds the block (selected, its settings shown); Delete on the focused node removes it
  await page.getByTestId('palette-dsp:raw').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('node-raw')).toBeVisible();
  await expect(page.getByRole('complementary', { name: 'Block settings' })).toContainText('Axes it reads');
  await page.locator('.react-flow__node[data-id="raw"]').focus();
  await page.keyboard.press('Delete');
  await expect(page.getByTestId('node-raw')).toHaveCount(0);
  await page.locator('.react-flow__controls-fitview').click();

  // the input block: a bad window size is shown and not applied
  await page.getByTestId('node-input').click();
  await page.getByTestId('input-window').fill('-5');
  await expect(page.getByRole('alert').filter({ hasText: 'Must be more than 0' })).toBeVisible();
  await page.getByTestId('input-window').fill('2000');
  await shot(page, testInfo, 'connected, input selected');

  // save
  await page.getByRole('button', { name: 'Save impulse' }).click();
  await expect(page.getByTestId('save-state')).toHaveText('Saved');

  // the spectral analysis block page: change the FFT length and the preview follows at once
  await page
    .getByTestId('node-spectral-analysis')
    .getByRole('button', { name: /Actions for/ })
    .click();
  await page.getByRole('menuitem', { name: 'Parameters & preview' }).click();
  await expect(page.getByRole('heading', { name: 'Spectral Analysis' })).toBeVisible();
  await expect(page.getByTestId('output-chart')).toHaveAttribute('aria-busy', 'false', { timeout: 30_000 });
  const count = page.getByTestId('feature-count');
  const before = await count.textContent();
  await expect(page.getByTestId('device-time')).toContainText(/≈ [\d.]+ ms per window/);
  await shot(page, testInfo, 'block page');
  await page.getByRole('textbox', { name: 'FFT length' }).fill('64');
  await expect(count).not.toHaveText(before ?? '');
  await expect(page.getByTestId('preview-facts')).toContainText(`${await count.textContent()} features`);
  // a bad number stays in its box with the reason and is not applied
  await page.getByTestId('param-scale-axes').fill('abc');
  await expect(page.getByRole('alert').filter({ hasText: 'is not a number' })).toBeVisible();
  await page.getByTestId('param-scale-axes').fill('1');
  await expect(page.getByTestId('save-state')).toHaveText('Unsaved changes');
  await shot(page, testInfo, 'block page after change');
  await page.keyboard.press('Control+s');
  await expect(page.getByTestId('save-state')).toHaveText('Saved');

  // generate features: a job with progress, then the status line
  await page.getByRole('button', { name: 'Generate features' }).click();
  await expect(page.getByTestId('feature-status')).toContainText(/\d+ windows, 0 samples stale/, { timeout: 120_000 });
  await shot(page, testInfo, 'features generated');

  // the feature explorer draws every window, coloured by label
  await page.getByRole('button', { name: 'Feature explorer' }).click();
  await expect(page.getByRole('heading', { name: 'Feature explorer' })).toBeVisible();
  await expect(page.getByTestId('explorer-count')).toContainText('windows', { timeout: 60_000 });
  await expect(page.getByTestId('explorer-chart')).toHaveAttribute('aria-busy', 'false');
  await expect(page.locator('.legendtext')).toHaveCount(4);
  await expect(page.locator('.scatterlayer .point').first()).toBeVisible();
  await shot(page, testInfo, 'feature explorer');

  // clicking a point opens that sample and window in the block preview
  const box = (await page.locator('.scatterlayer .point').nth(5).boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await expect(page).toHaveURL(/\/impulse\/spectral-analysis\/\d+\/\d+$/);
  const [, sampleId, windowIndex] = /\/(\d+)\/(\d+)$/.exec(page.url())!;
  await expect(page.getByRole('combobox', { name: 'Sample' })).toHaveValue(sampleId!);
  await expect(page.getByText(`Window ${Number(windowIndex) + 1} of`)).toBeVisible();
  await shot(page, testInfo, 'opened from the explorer');

  // both themes: charts and the canvas follow the dark theme
  await page.getByLabel('Theme').selectOption('dark');
  await shot(page, testInfo, 'block page dark');
  await page.getByRole('button', { name: 'Impulse design' }).first().click();
  await expect(page.getByTestId('node-flatten')).toBeVisible();
  await shot(page, testInfo, 'pipeline dark');
});

test('a maker writes a custom processing block, sees its error on the right line, saves it and adds it to the impulse', async ({
  page,
  context,
  kiln,
}, testInfo) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  test.setTimeout(120_000);
  page.setDefaultTimeout(15_000);
  await page.goto(kiln.url);
  await page.getByRole('button', { name: 'Motion demo' }).first().click();
  await expect(page.getByRole('heading', { name: 'Motion demo' })).toBeVisible({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Impulse design' }).click();
  await page.getByRole('button', { name: 'Custom blocks' }).click();
  await expect(page.getByRole('heading', { name: 'Custom processing blocks' })).toBeVisible();
  await expect(page.locator('.monaco-editor')).toBeVisible({ timeout: 30_000 });

  // a bad name is refused inline
  await page.getByLabel('Name', { exact: true }).fill('Energy!');
  await expect(page.getByRole('alert').filter({ hasText: 'lower-case letters' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Save', exact: true })).toBeDisabled();
  await page.getByLabel('Name', { exact: true }).fill('energy');
  await page.getByLabel('Title').fill('Energy per axis');

  // the template runs on a sample
  await page.getByRole('button', { name: 'Test', exact: true }).click();
  await expect(page.getByTestId('custom-test-result')).toContainText('6 features per window');

  // a runtime error names its line, and the editor marks it
  await replaceCode(page, 'function process(values, axes) {\n  const peaks = undefined;\n  return peaks.map((p) => p * 2);\n}\n');
  await page.getByRole('button', { name: 'Test', exact: true }).click();
  await expect(page.getByTestId('custom-test-result')).toContainText(/line 3/i);
  await expect(page.locator('.monaco-editor .squiggly-error').first()).toBeVisible();
  await shot(page, testInfo, 'error on its line');

  // fixed, saved, added to the impulse
  await replaceCode(page, 'function process(values, axes) {\n  let e = 0;\n  for (const v of values) e += v * v;\n  return [e / values.length];\n}\n');
  await page.getByRole('button', { name: 'Test', exact: true }).click();
  await expect(page.getByTestId('custom-test-result')).toContainText('1 features per window');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page).toHaveURL(/\/impulse\/custom\/energy$/);
  await expect(page.getByRole('button', { name: 'Energy per axis' })).toBeVisible();
  await shot(page, testInfo, 'saved');
  await page.getByRole('button', { name: 'Add to impulse' }).click();
  await expect(page.getByRole('heading', { name: 'Impulse design' })).toBeVisible();
  await expect(page.getByTestId('node-energy')).toContainText('Energy per axis');
  await expect(page.getByTestId('save-state')).toHaveText('Unsaved changes');
  await shot(page, testInfo, 'custom block in the impulse');
});

/** Replaces the editor's code the way a user pastes it (typing would trigger Monaco's auto-closing). */
async function replaceCode(page: Page, code: string): Promise<void> {
  await page.evaluate((text) => navigator.clipboard.writeText(text), code);
  await page.locator('.monaco-editor .view-lines').click();
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Control+v');
}

test('on the keywords demo the MFCC block previews as a heat-map', async ({ page, kiln }, testInfo) => {
  test.setTimeout(120_000);
  page.setDefaultTimeout(15_000);
  await page.goto(kiln.url);
  await page.getByRole('button', { name: 'Keywords demo' }).first().click();
  await expect(page.getByRole('heading', { name: 'Keywords demo' })).toBeVisible({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Impulse design' }).click();
  const mfcc = page.getByTestId('node-mfcc');
  await expect(mfcc).toBeVisible();
  await mfcc.getByRole('button', { name: /Actions for/ }).click();
  await page.getByRole('menuitem', { name: 'Parameters & preview' }).click();
  await expect(page.getByTestId('output-chart')).toHaveAttribute('aria-busy', 'false', { timeout: 30_000 });
  await expect(page.getByTestId('preview-facts')).toContainText('Output spectrogram');
  await expect(page.locator('[data-testid="output-chart"] .heatmaplayer image, [data-testid="output-chart"] .hm image').first()).toBeAttached();
  const facts = await page.getByTestId('preview-facts').textContent();
  await page.getByRole('textbox', { name: 'Number of coefficients' }).fill('8');
  await expect(page.getByTestId('preview-facts')).not.toHaveText(facts ?? '');
  await shot(page, testInfo, 'mfcc heat-map');
});
