import { test, expect, shot, simulateBoard } from './fixtures';

test('a maker detects a simulated board and records from it and from the virtual accelerometer', async ({ page, kiln }, testInfo) => {
  test.setTimeout(120_000);
  const board = await simulateBoard(['--protocol', 'forwarder', '--hz', '62.5', '--axes', '3', '--seed', '4']);
  try {
    await page.goto(kiln.url);
    await page.getByRole('button', { name: 'New project' }).first().click();
    await page.getByLabel('Project name').fill('Devices lab');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { name: 'Devices lab' })).toBeVisible();
    await page.getByRole('button', { name: 'Devices', exact: true }).click();

    await expect(page.getByRole('heading', { name: 'Devices', exact: true })).toBeVisible();
    await expect(page.getByTestId('virtual-row')).toHaveCount(2);
    await expect(page.getByTestId('virtual-row').first()).toContainText('Virtual accelerometer');
    await expect(page.getByTestId('virtual-row').nth(1)).toContainText('16000 Hz');
    await shot(page, testInfo, 'devices page');

    // a wrong path is refused inline
    await page.getByLabel('Port path').fill('/tmp/no-such-board');
    await page.getByRole('button', { name: 'Add port' }).click();
    await expect(page.getByRole('form', { name: 'Add port by path' }).getByRole('alert')).toContainText('Nothing exists at /tmp/no-such-board');

    // the simulated board's pty
    await page.getByLabel('Port path').fill(board.path);
    await page.keyboard.press('Enter');
    const row = page.locator(`[data-testid="board-row"][data-path="${board.path}"]`);
    await expect(row).toBeVisible();
    await expect(row).toContainText('Not connected');
    await page.getByRole('button', { name: `Connect ${board.path}` }).click();
    await expect(row).toContainText('Detecting…');
    const detection = page.getByTestId('detection');
    await expect(detection).toContainText('3 axes', { timeout: 30_000 });
    await expect(detection).toContainText('62.5 Hz');
    await expect(row).toContainText('Connected');

    // name the axes
    for (const [i, name] of ['accX', 'accY', 'accZ'].entries()) await page.getByLabel(`Name of axis ${i + 1}`).fill(name);
    await page.getByRole('button', { name: 'Save axis names' }).click();
    await expect(row).toContainText('accX, accY, accZ');
    await shot(page, testInfo, 'board detected');

    // record 2 s from the virtual accelerometer
    await page.getByLabel('Device', { exact: true }).selectOption('virtual-accelerometer');
    await page.getByLabel('Label').fill('wave');
    await page.getByLabel('Length (ms)').fill('2000');
    await page.getByRole('button', { name: 'Start recording' }).click();
    await expect(page.getByTestId('record-progress')).toBeVisible();
    await expect(page.getByTestId('live-plot')).toBeVisible();
    await shot(page, testInfo, 'recording virtual');
    const result = page.getByTestId('record-result');
    await expect(result).toContainText('wave.', { timeout: 30_000 });
    await expect(result).toContainText('125 readings');
    await expect(result).toContainText('2.00 s');

    // record 2 s from the simulated board
    await page.getByLabel('Device', { exact: true }).selectOption(board.path);
    await page.getByLabel('Label').fill('idle');
    await page.getByLabel('Category').selectOption('test');
    await page.getByRole('button', { name: 'Start recording' }).click();
    await expect(result).toContainText('idle.', { timeout: 30_000 });
    await expect(result).toContainText('saved to test');
    await expect(result).toContainText('125 readings');
    await shot(page, testInfo, 'recorded from board');

    // the board is unplugged mid-recording: the part is kept and the user is told
    await page.getByLabel('Label').fill('circle');
    await page.getByLabel('Length (ms)').fill('10000');
    await page.getByRole('button', { name: 'Start recording' }).click();
    await expect(page.getByTestId('record-progress')).toBeVisible();
    await page.waitForTimeout(1500);
    await board.stop();
    await expect(result).toContainText('Cut short', { timeout: 30_000 });
    await expect(page.locator('.toast-error')).toContainText('was cut short');
    await shot(page, testInfo, 'unplugged mid-recording');

    // the form remembers its values after a reload, and the project has the three samples
    await page.reload();
    await expect(page.getByLabel('Label')).toHaveValue('circle');
    await page.getByRole('button', { name: 'Dashboard' }).click();
    await expect(page.getByTestId('sample-total')).toHaveText('3');
  } finally {
    await board.stop();
  }
});

test('the virtual microphone records a keyword through the UI', async ({ page, kiln }, testInfo) => {
  await page.goto(kiln.url);
  await page.getByRole('button', { name: 'New project' }).first().click();
  await page.getByLabel('Project name').fill('Keywords');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Keywords' })).toBeVisible();
  await page.getByRole('button', { name: 'Devices', exact: true }).click();
  await page.getByLabel('Device', { exact: true }).selectOption('virtual-microphone');
  await page.getByLabel('Label').fill('yes');
  await page.getByLabel('Length (ms)').fill('1000');
  await page.getByRole('button', { name: 'Start recording' }).click();
  const result = page.getByTestId('record-result');
  await expect(result).toContainText('16000 readings', { timeout: 30_000 });
  await expect(page.getByTestId('live-plot')).toBeVisible();
  await shot(page, testInfo, 'keyword recorded');
});

test('the record panel on the Data acquisition page saves a sample into the dataset', async ({ page, kiln }, testInfo) => {
  await page.goto(kiln.url);
  await page.getByRole('button', { name: 'New project' }).first().click();
  await page.getByLabel('Project name').fill('Gestures');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Gestures' })).toBeVisible();
  await page.getByRole('button', { name: 'Data acquisition', exact: true }).click();
  const panel = page.getByRole('region', { name: 'Record new data' });
  await expect(panel).toBeVisible();
  await panel.getByLabel('Device', { exact: true }).selectOption('virtual-accelerometer');
  await panel.getByLabel('Label').fill('updown');
  await panel.getByLabel('Length (ms)').fill('1000');
  await panel.getByLabel('Length (ms)').press('Enter'); // keyboard: Enter in the form starts recording
  await expect(panel.getByTestId('record-result')).toContainText('updown.1', { timeout: 30_000 });
  await expect(page.getByText('updown.1').first()).toBeVisible();
  await shot(page, testInfo, 'data page after recording');
});

test('a board with Edge Impulse firmware is detected and records through the panel', async ({ page, kiln }, testInfo) => {
  test.setTimeout(90_000);
  const board = await simulateBoard(['--protocol', 'ei-at']);
  try {
    await page.goto(kiln.url);
    await page.getByRole('button', { name: 'New project' }).first().click();
    await page.getByLabel('Project name').fill('AT board');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { name: 'AT board' })).toBeVisible();
    await page.getByLabel('Theme').selectOption('dark');
    await page.getByRole('button', { name: 'Devices', exact: true }).click();
    await page.getByLabel('Port path').fill(board.path);
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: `Connect ${board.path}` }).click();
    const detection = page.getByTestId('detection');
    await expect(detection).toContainText('Edge Impulse firmware with 2 sensors', { timeout: 30_000 });
    await expect(detection).toContainText('Built-in microphone (16000 Hz');

    await page.getByLabel('Device', { exact: true }).selectOption(board.path);
    await expect(page.getByLabel('Sensor')).toHaveValue('Built-in accelerometer');
    await page.getByLabel('Frequency').selectOption('100');
    await page.getByLabel('Label').fill('wave');
    await page.getByLabel('Length (ms)').fill('1000');
    await page.getByRole('button', { name: 'Start recording' }).click();
    await expect(page.getByTestId('record-progress')).toBeVisible();
    const result = page.getByTestId('record-result');
    await expect(result).toContainText('wave.1', { timeout: 30_000 });
    await expect(result).toContainText('100 readings');
    await shot(page, testInfo, 'AT board recorded (dark)');
  } finally {
    await board.stop();
  }
});

test('a recording keeps going through a page reload and the panel picks it up again', async ({ page, kiln }) => {
  await page.goto(kiln.url);
  await page.getByRole('button', { name: 'New project' }).first().click();
  await page.getByLabel('Project name').fill('Reload');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Reload' })).toBeVisible();
  await page.getByRole('button', { name: 'Devices', exact: true }).click();
  await page.getByLabel('Device', { exact: true }).selectOption('virtual-accelerometer');
  await page.getByLabel('Label').fill('idle');
  await page.getByLabel('Length (ms)').fill('5000');
  await page.getByRole('button', { name: 'Start recording' }).click();
  await expect(page.getByTestId('record-progress')).toBeVisible();
  await page.waitForTimeout(1000);
  await page.reload();
  await expect(page.getByTestId('record-progress')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Stop' })).toBeVisible();
  await expect(page.getByTestId('record-result')).toContainText('313 readings', { timeout: 30_000 });
});

test('a board that sends garbage gets a clear "wrong baud rate?" error and nothing breaks', async ({ page, kiln }, testInfo) => {
  test.setTimeout(60_000);
  const board = await simulateBoard(['--protocol', 'forwarder', '--garbage']);
  try {
    await page.goto(kiln.url);
    await page.getByRole('button', { name: 'New project' }).first().click();
    await page.getByLabel('Project name').fill('Garbage');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { name: 'Garbage' })).toBeVisible();
    await page.getByRole('button', { name: 'Devices', exact: true }).click();
    await page.getByLabel('Port path').fill(board.path);
    await page.keyboard.press('Enter');
    await page.getByLabel(`Baud rate for ${board.path}`).selectOption('9600');
    await page.getByRole('button', { name: `Connect ${board.path}` }).click();
    const row = page.locator(`[data-testid="board-row"][data-path="${board.path}"]`);
    await expect(page.getByRole('alert').filter({ hasText: 'wrong baud rate?' })).toBeVisible({ timeout: 30_000 });
    await expect(row).toContainText('Not connected');
    await expect(page.getByRole('button', { name: `Connect ${board.path}` })).toBeEnabled();
    await shot(page, testInfo, 'garbage board');
  } finally {
    await board.stop();
  }
});
