import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encode as encodePng } from 'fast-png';
import { unzipSync } from 'fflate';
import { serializeEiCbor, serializeWav } from '../../src/shared/formats/index';
import { ProjectDatabase } from '../../src/main/store/projectDatabase';
import { SampleRepository } from '../../src/main/store/sampleRepository';
import { test, expect, shot } from './fixtures';

/** A folder of mixed sample files, written the way users bring them, plus one broken file. */
function mixedFolder(): string[] {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kiln-e2e-files-'));
  const files: Record<string, string | Uint8Array> = {};
  // CSV by hand: timestamp + 3 axes, 100 Hz, 2 s
  const rows = ['timestamp,accX,accY,accZ'];
  for (let i = 0; i < 200; i++)
    rows.push(`${i * 10},${Math.sin(i / 8).toFixed(4)},${Math.cos(i / 11).toFixed(4)},${(9.81 + Math.sin(i / 3) * 0.5).toFixed(4)}`);
  files['wave.01.csv'] = rows.join('\n') + '\n';
  const rows2 = ['timestamp,accX,accY,accZ'];
  for (let i = 0; i < 150; i++) rows2.push(`${i * 10},${(Math.random() * 0.1).toFixed(4)},${(Math.random() * 0.1).toFixed(4)},9.81`);
  files['idle.01.csv'] = rows2.join('\n') + '\n';
  // Edge Impulse JSON by hand (unsigned)
  const values = Array.from({ length: 120 }, (_, i) => [Math.sin(i / 5) * 3, Math.cos(i / 7) * 2, 9.8]);
  files['wave.02.json'] = JSON.stringify({
    protected: { ver: 'v1', alg: 'none' },
    signature: '0'.repeat(64),
    payload: { device_type: 'TEST', interval_ms: 10, sensors: ['accX', 'accY', 'accZ'].map((name) => ({ name, units: 'm/s2' })), values },
  });
  // CBOR and WAV with the project's serializers, PNG with fast-png
  const idle = new Float32Array(90 * 3).map((_, i) => (i % 3 === 2 ? 9.81 : Math.fround(Math.sin(i) * 0.05)));
  files['idle.02.cbor'] = serializeEiCbor({
    intervalMs: 10,
    sensors: ['accX', 'accY', 'accZ'].map((name) => ({ name, units: 'm/s2' })),
    values: idle,
    readings: 90,
  });
  const audio = new Float32Array(8000).map((_, i) => Math.round(Math.sin((i * 2 * Math.PI * 440) / 8000) * 8000));
  files['beep.01.wav'] = serializeWav({ intervalMs: 1000 / 8000, sensors: [{ name: 'audio', units: 'wav' }], values: audio, readings: audio.length });
  const rgb = new Uint8Array(24 * 16 * 3).map((_, i) => (i % 3 === 0 ? (i * 5) & 0xff : i % 3 === 1 ? 120 : 200));
  files['cat.01.png'] = encodePng({ width: 24, height: 16, data: rgb, channels: 3, depth: 8 });
  // broken: a CSV whose last row lost a column
  files['broken.01.csv'] = 'timestamp,accX,accY\n0,1,2\n10,3\n';
  for (const [name, data] of Object.entries(files)) writeFileSync(path.join(dir, name), data);
  return Object.keys(files).map((n) => path.join(dir, n));
}

test('a maker imports a folder of mixed files, fixes labels and sets, splits a sample, deletes and undoes', async ({ page, kiln }, testInfo) => {
  test.setTimeout(120_000);
  await page.goto(kiln.url);
  await page.getByRole('button', { name: 'New project' }).first().click();
  await page.getByLabel('Project name').fill('Dataset lab');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Dataset lab' })).toBeVisible();
  await page.getByRole('button', { name: 'Data acquisition', exact: true }).click();
  await expect(page.getByTestId('dataset-empty')).toBeVisible();
  await shot(page, testInfo, 'empty dataset');

  // import through the file picker: many files at once, one of them broken
  await page.getByTestId('import-input').setInputFiles(mixedFolder());
  const importDialog = page.getByRole('dialog', { name: 'Import 7 files' });
  await expect(importDialog).toBeVisible();
  await shot(page, testInfo, 'import options');
  await importDialog.getByRole('radio', { name: 'Training set' }).check();
  await importDialog.getByRole('button', { name: 'Import' }).click();
  const failures = page.getByRole('dialog', { name: '1 file could not be imported' });
  await expect(failures).toBeVisible();
  await expect(page.getByTestId('import-failures')).toContainText('broken.01.csv');
  await expect(page.getByTestId('import-failures')).toContainText('line 3');
  await shot(page, testInfo, 'import failures');
  await failures.getByRole('button', { name: 'OK' }).click();

  const rows = page.getByTestId('sample-row');
  await expect(rows).toHaveCount(6);
  await expect(page.getByTestId('dataset-counts')).toContainText('6');
  for (const name of ['wave.01', 'wave.02', 'idle.01', 'idle.02', 'beep.01', 'cat.01']) await expect(rows.filter({ hasText: name })).toHaveCount(1);

  // view: the image is drawn, the audio can be played
  await rows.filter({ hasText: 'cat.01' }).click();
  await expect(page.getByTestId('sample-image')).toBeVisible();
  await shot(page, testInfo, 'image sample');
  await rows.filter({ hasText: 'beep.01' }).click();
  await expect(page.getByTestId('sample-audio')).toBeVisible();
  await expect(page.getByTestId('sample-plot')).toHaveAttribute('aria-busy', 'false');

  // relabel two samples with click + ctrl-click
  await rows.filter({ hasText: 'wave.01' }).click();
  await rows.filter({ hasText: 'wave.02' }).click({ modifiers: ['Control'] });
  await expect(page.getByTestId('selection-count')).toHaveText('2 selected');
  await page.getByRole('button', { name: 'Relabel…' }).click();
  await page.getByLabel('New label').fill('wave-left');
  await page.keyboard.press('Enter');
  await expect(rows.filter({ hasText: 'wave-left' })).toHaveCount(2);

  // move a shift-click range to test
  await page.getByRole('button', { name: 'Sort by name' }).click(); // name ascending
  await expect(rows.first()).toContainText('beep.01');
  await rows.filter({ hasText: 'idle.01' }).click();
  await rows.filter({ hasText: 'idle.02' }).click({ modifiers: ['Shift'] });
  await expect(page.getByTestId('selection-count')).toHaveText('2 selected');
  await page.getByRole('button', { name: 'Move to test' }).click();
  await expect(rows.filter({ hasText: 'idle.0' }).filter({ hasText: 'test' })).toHaveCount(2);
  await shot(page, testInfo, 'relabelled and moved');

  // split the CSV wave into 4 equal parts, then undo
  await rows.filter({ hasText: 'wave.01' }).click();
  const view = page.getByTestId('sample-view');
  await expect(view).toContainText('200 readings');
  await expect(page.getByTestId('sample-plot')).toHaveAttribute('aria-busy', 'false');
  await view.getByRole('tab', { name: 'Split' }).click();
  await view.getByLabel('Number of equal parts').fill('4');
  await view.getByRole('button', { name: 'Equal parts' }).click();
  await expect(page.getByTestId('split-points')).toContainText('500 ms, 1.00 s, 1.50 s');
  await shot(page, testInfo, 'split points');
  await view.getByRole('button', { name: 'Split into 4' }).click();
  await expect(rows).toHaveCount(9);
  await expect(rows.filter({ hasText: 'wave.01.4' })).toHaveCount(1);
  await shot(page, testInfo, 'split');
  await page.getByRole('status').getByRole('button', { name: 'Undo' }).last().click();
  await expect(rows).toHaveCount(6);
  await expect(rows.filter({ hasText: 'wave.01' })).toHaveCount(1);

  // crop wave.02 (1.2 s) to 200…1000 ms with the number inputs, then undo
  await rows.filter({ hasText: 'wave.02' }).click();
  await expect(view).toContainText('120 readings');
  await view.getByLabel('Crop start in ms').fill('200');
  await view.getByLabel('Crop end in ms').fill('1000');
  await expect(page.getByTestId('sample-plot')).toHaveAttribute('aria-busy', 'false');
  await shot(page, testInfo, 'crop window');
  await view.getByRole('button', { name: 'Crop', exact: true }).last().click();
  await expect(view).toContainText('800 ms · 80 readings');
  await expect(rows.filter({ hasText: 'wave.02' })).toContainText('800 ms');
  await page.getByRole('status').getByRole('button', { name: 'Undo' }).last().click();
  await expect(rows.filter({ hasText: 'wave.02' })).toContainText('1.20 s');

  // delete two, then undo
  await rows.filter({ hasText: 'cat.01' }).click();
  await rows.filter({ hasText: 'beep.01' }).click({ modifiers: ['Control'] });
  await page.getByRole('button', { name: 'Delete…' }).click();
  await page.getByRole('dialog', { name: 'Delete 2 samples?' }).getByRole('button', { name: 'Delete' }).click();
  await expect(rows).toHaveCount(4);
  await shot(page, testInfo, 'deleted');
  await page.getByRole('status').getByRole('button', { name: 'Undo' }).last().click();
  await expect(rows).toHaveCount(6);

  // filter by label from the counts
  await page.getByTestId('dataset-counts').getByRole('button', { name: 'idle' }).click();
  await expect(rows).toHaveCount(2);
  await expect(page.getByTestId('match-count')).toHaveText('2 samples');
  await shot(page, testInfo, 'filtered');

  // rebalance: half of each label to test (round half up: 1 of 1, 1 of 2)
  await page.getByTestId('dataset-counts').getByRole('button', { name: 'idle' }).click(); // filter off
  await page.getByRole('button', { name: 'Rebalance…' }).click();
  await page.getByLabel('Test share (%)').fill('50');
  await page.getByRole('dialog', { name: 'Rebalance train / test' }).getByRole('button', { name: 'Rebalance' }).click();
  await expect(page.getByTestId('dataset-counts')).toContainText('2 train · 4 test');
  await shot(page, testInfo, 'rebalanced');
});

test('files dropped anywhere on the page are imported, and the dataset exported to a folder', async ({ page, kiln }, testInfo) => {
  await page.goto(kiln.url);
  await page.getByRole('button', { name: 'New project' }).first().click();
  await page.getByLabel('Project name').fill('Drop lab');
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: 'Data acquisition', exact: true }).click();
  await expect(page.getByTestId('dataset-empty')).toBeVisible();
  const dt = await page.evaluateHandle(() => {
    const d = new DataTransfer();
    d.items.add(new File(['timestamp,x\n0,1\n10,2\n20,3\n'], 'tap.01.csv', { type: 'text/csv' }));
    d.items.add(new File(['timestamp,x\n0,4\n10,5\n'], 'tap.02.csv', { type: 'text/csv' }));
    return d;
  });
  const target = page.locator('.data-page');
  await target.dispatchEvent('dragenter', { dataTransfer: dt });
  await expect(page.locator('.drop-overlay')).toBeVisible();
  await target.dispatchEvent('drop', { dataTransfer: dt });
  await page.getByRole('dialog', { name: 'Import 2 files' }).getByRole('button', { name: 'Import' }).click();
  await expect(page.getByTestId('sample-row')).toHaveCount(2);
  await expect(page.getByTestId('dataset-counts')).toContainText('tap');

  // export as one .zip download (the page names no path on this machine)
  await page.getByRole('button', { name: 'Export…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Export samples' });
  await dialog.getByLabel('Format').selectOption('csv');
  const downloading = page.waitForEvent('download');
  await dialog.getByRole('button', { name: 'Export' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/-csv\.zip$/);
  await expect(page.getByTestId('export-result')).toContainText(`Exported 2 files`);
  await shot(page, testInfo, 'exported');
  const zip = unzipSync(new Uint8Array(readFileSync(await download.path())));
  expect(Object.keys(zip).sort()).toEqual(['training/tap.01.csv', 'training/tap.02.csv']);
});

test('a dataset of 10 000 samples scrolls, sorts, filters and selects without delay', async ({ page, kiln }, testInfo) => {
  test.setTimeout(120_000);
  // build the project file directly (the server opens it on first use)
  const project = ProjectDatabase.create(path.join(kiln.home, 'Big.kiln'));
  const sensors = ['accX', 'accY', 'accZ'].map((name) => ({ name, units: 'm/s2' }));
  const labels = ['idle', 'wave', 'updown', 'circle'];
  new SampleRepository(project.db).insertMany(
    Array.from({ length: 10_000 }, (_, i) => ({
      label: labels[i % 4]!,
      category: i % 5 === 0 ? ('test' as const) : ('train' as const),
      sensors,
      intervalMs: 10,
      values: new Float32Array((50 + (i % 30)) * 3).map((_, j) => Math.sin(j / 10 + i)),
      source: 'e2e',
    })),
  );
  project.close();

  await page.goto(`${kiln.url}#/p/Big/data`);
  await expect(page.getByTestId('dataset-counts')).toContainText('10,000');
  const rows = page.getByTestId('sample-row');
  await expect(rows.first()).toContainText('circle.10000'); // newest first
  // only the visible rows are in the DOM
  expect(await page.locator('[data-testid^="sample-row"]').count()).toBeLessThan(60);

  // jump to the end: the last page is fetched and drawn quickly
  const body = page.getByTestId('sample-grid-body');
  const started = Date.now();
  await body.evaluate((el) => (el.scrollTop = el.scrollHeight));
  await expect(rows.filter({ has: page.getByRole('gridcell', { name: 'idle.1', exact: true }) })).toBeVisible(); // the oldest
  const scrollMs = Date.now() - started;
  await shot(page, testInfo, 'scrolled to the end');
  // scroll through the middle in steps, as a wheel would
  for (let i = 1; i <= 10; i++) await body.evaluate((el, f) => (el.scrollTop = el.scrollHeight * f), i / 11);
  await expect(rows.first()).not.toContainText('Loading');

  await page.getByRole('button', { name: 'Sort by length' }).click();
  await page.getByLabel('Filter by label').selectOption('wave');
  await expect(page.getByTestId('match-count')).toHaveText('2,500 samples');
  await page.getByRole('button', { name: 'Select all' }).click();
  await expect(page.getByTestId('selection-count')).toHaveText('2,500 selected');
  await shot(page, testInfo, 'filtered and selected');
  await page.getByLabel('Theme').selectOption('dark');
  await rows.nth(2).click();
  await expect(page.getByTestId('sample-plot')).toHaveAttribute('aria-busy', 'false');
  await shot(page, testInfo, 'dark theme');
  testInfo.annotations.push({ type: 'scroll to end (ms)', description: String(scrollMs) });
  expect(scrollMs).toBeLessThan(3000);
});
