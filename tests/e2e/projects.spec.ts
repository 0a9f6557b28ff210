import { test, expect, shot } from './fixtures';

test('a maker creates a project, reloads, finds it, renames it and deletes it', async ({ page, kiln }, testInfo) => {
  await page.goto(kiln.url);
  await expect(page.getByRole('heading', { name: 'No projects yet' })).toBeVisible();
  await shot(page, testInfo, 'empty picker');

  // create with a bad name first: the error is inline and nothing is created
  await page.getByRole('button', { name: 'New project' }).first().click();
  await page.getByLabel('Project name').fill('bad/name');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('alert')).toContainText('Use letters, digits');
  await page.getByLabel('Project name').fill('Gesture lab');
  await page.keyboard.press('Enter');

  // lands on the dashboard of the new project
  await expect(page.getByRole('heading', { name: 'Gesture lab' })).toBeVisible();
  await expect(page.getByTestId('project-path')).toContainText('Gesture lab.kiln');
  await expect(page.getByTestId('sample-total')).toHaveText('0');
  await shot(page, testInfo, 'dashboard');

  // reload: the URL keeps the page and the session keeps its token
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Gesture lab' })).toBeVisible();

  await page.getByRole('button', { name: /Kiln/ }).first().click();
  const row = page.getByTestId('project-row').filter({ hasText: 'Gesture lab' });
  await expect(row).toBeVisible();

  await page.getByRole('button', { name: 'Rename Gesture lab' }).click();
  await page.getByLabel('New name').fill('Gesture lab v2');
  await page.getByRole('button', { name: 'Rename', exact: true }).click();
  await expect(page.getByTestId('project-row').filter({ hasText: 'Gesture lab v2' })).toBeVisible();
  await shot(page, testInfo, 'renamed');

  await page.getByRole('button', { name: 'Delete Gesture lab v2' }).click();
  await expect(page.getByRole('dialog', { name: 'Delete project?' })).toBeVisible();
  await shot(page, testInfo, 'confirm delete');
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(page.getByTestId('project-row')).toHaveCount(0);

  // undo brings it back
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(page.getByTestId('project-row').filter({ hasText: 'Gesture lab v2' })).toBeVisible();
  await page.getByRole('button', { name: 'Delete Gesture lab v2' }).click();
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'No projects yet' })).toBeVisible();
});

test('duplicating a project runs as a job and the copy appears', async ({ page, kiln }, testInfo) => {
  await page.goto(kiln.url);
  await page.getByRole('button', { name: 'New project' }).first().click();
  await page.getByLabel('Project name').fill('Original');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Original' })).toBeVisible();
  await page.getByRole('button', { name: /Kiln/ }).first().click();
  await page.getByRole('button', { name: 'Duplicate Original' }).click();
  await page.getByLabel('New name').fill('Copy of original');
  await page.getByRole('button', { name: 'Duplicate', exact: true }).click();
  await expect(page.getByTestId('project-row')).toHaveCount(2);
  await shot(page, testInfo, 'duplicated');
});

test('without its token the studio shell loads but reaches no project', async ({ page, kiln }) => {
  // the static shell holds no secret; the token travels only on the WebSocket upgrade
  const response = await page.goto(`http://127.0.0.1:${kiln.port}/`);
  expect(response?.status()).toBe(200);
  await expect(page.locator('body')).toContainText('needs the address printed by');
  const ws = await page.evaluate(
    (port) =>
      new Promise<string>((resolve) => {
        const s = new WebSocket(`ws://127.0.0.1:${port}/ws?token=wrong`);
        s.onopen = () => resolve('open');
        s.onerror = () => resolve('refused');
      }),
    kiln.port,
  );
  expect(ws).toBe('refused');
});

test('the studio has a dark theme', async ({ page, kiln }, testInfo) => {
  await page.goto(kiln.url);
  await page.getByLabel('Theme').selectOption('dark');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await shot(page, testInfo, 'dark picker');
});
