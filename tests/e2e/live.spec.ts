import type { Page } from '@playwright/test';
import { test, expect, shot, simulateBoard } from './fixtures';

/** Calls the Kiln API over the page's own WebSocket (the page must have loaded the studio once, for the token). */
async function call<T = unknown>(page: Page, method: string, args: unknown): Promise<T> {
  const response = await page.evaluate(
    async ({ method, args }) => {
      const token = sessionStorage.getItem('kiln-token') ?? '';
      const ws = new WebSocket(`ws://${location.host}/ws?token=${encodeURIComponent(token)}`);
      return await new Promise<{ ok: boolean; result?: unknown; error?: { code: string; message: string } }>((resolve, reject) => {
        ws.onopen = () => ws.send(JSON.stringify({ type: 'call', id: 1, method, args }));
        ws.onmessage = (ev) => {
          const msg = JSON.parse(String(ev.data)) as { type: string; id?: number; response?: never };
          if (msg.type === 'result' && msg.id === 1) {
            ws.close();
            resolve(msg.response!);
          }
        };
        ws.onerror = () => reject(new Error('WebSocket error'));
      });
    },
    { method, args },
  );
  if (!response.ok) throw new Error(`${method}: ${response.error?.code} ${response.error?.message}`);
  return response.result as T;
}

async function waitForJob(page: Page, jobId: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const { job } = await call<{ job: { state: string; error: { message: string } | null } }>(page, 'jobs.get', { jobId });
    if (job.state === 'succeeded') return;
    if (job.state !== 'running' && job.state !== 'queued') throw new Error(`job ${jobId} ${job.state}: ${job.error?.message}`);
    if (Date.now() > until) throw new Error(`job ${jobId} still ${job.state} after ${timeoutMs} ms`);
    await page.waitForTimeout(500);
  }
}

test('a student trains on the demo motions and watches live predictions from the virtual accelerometer and a simulated board', async ({
  page,
  kiln,
}, testInfo) => {
  test.setTimeout(180_000);
  const P = 'Live lab';
  await page.goto(kiln.url);
  await expect(page.getByRole('button', { name: 'New project' }).first()).toBeVisible();
  await call(page, 'projects.create', { name: P, demo: 'motion' });

  // an empty project has no impulse yet: the page says what to do first
  await call(page, 'projects.create', { name: 'Empty lab' });
  await page.goto(`${kiln.url}#/p/Empty%20lab/live`);
  await expect(page.getByRole('heading', { name: 'Live classification' })).toBeVisible();
  await expect(page.getByTestId('live-empty')).toContainText('Design an impulse first');
  await expect(page.getByRole('button', { name: 'Go to Impulse design' })).toBeVisible();

  // the demo comes with its default impulse, but no model: "train a model first", linking to Training
  const saved = await call<{ impulse: { dsp: { id: string }[]; learning: object[] }; saved: boolean }>(page, 'impulse.get', { project: P });
  expect(saved.saved).toBe(true);
  // add a K-means anomaly block next to the classifier, so the anomaly score shows too
  const impulse = {
    ...saved.impulse,
    learning: [...saved.impulse.learning, { id: 'anomaly', type: 'anomaly-kmeans', title: 'Anomaly detection', inputs: [saved.impulse.dsp[0]!.id] }],
  };
  await call(page, 'impulse.set', { project: P, impulse });
  await page.goto(`${kiln.url}#/p/${encodeURIComponent(P)}/live`);
  await page.reload();
  await expect(page.getByTestId('live-empty')).toContainText('Train a model first');
  await expect(page.getByTestId('live-empty')).toContainText('train a model on the Training page first');
  await shot(page, testInfo, 'no model yet');
  await page.getByRole('button', { name: 'Go to Training' }).click();
  await expect(page).toHaveURL(/\/training$/);

  // features + training through the API to keep the test fast
  const features = await call<{ jobId: string }>(page, 'features.generate', { project: P });
  await waitForJob(page, features.jobId, 60_000);
  const train = await call<{ jobId: string }>(page, 'model.train', { project: P, settings: { epochs: 25, learningRate: 0.005, seed: 1 } });
  await waitForJob(page, train.jobId, 120_000);
  const anomaly = await call<{ jobId: string }>(page, 'model.train', { project: P, block: 'anomaly', settings: { clusters: 12, seed: 1 } });
  await waitForJob(page, anomaly.jobId, 60_000);

  await page.goto(`${kiln.url}#/p/${encodeURIComponent(P)}/live`);
  await page.reload();
  await expect(page.getByLabel('Device', { exact: true })).toHaveValue('virtual-accelerometer');
  await expect(page.getByText('The impulse reads accX, accY, accZ at 62.5 Hz')).toBeVisible();
  await page.getByLabel('Motion or word').selectOption('wave');
  await shot(page, testInfo, 'ready to start');
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page.getByRole('button', { name: 'Stop' }).first()).toBeVisible();

  // the first window needs 2 s of data; then a prediction every window increase
  const label = page.getByTestId('live-label');
  await expect(label).toHaveText('wave', { timeout: 15_000 });
  const latency = page.getByTestId('live-latency');
  await expect(latency).toHaveText(/\d+\.\d ms/);
  const streamTime = page.locator('.live-facts dd').last();
  const t1 = await streamTime.textContent();
  await expect(streamTime).not.toHaveText(t1 ?? '', { timeout: 6000 }); // it keeps updating
  await expect(page.getByTestId('live-scores-chart').locator('.main-svg').first()).toBeVisible();
  await expect(page.getByTestId('live-signal-chart').locator('.main-svg').first()).toBeVisible();
  await expect(page.locator('.live-facts')).toContainText(/Anomaly\s*-?\d+\.\d\d\s*\(threshold/);
  await page.waitForTimeout(1500);
  await shot(page, testInfo, 'classifying wave');

  // switching the motion while running: the prediction follows once the window is full of it
  await page.getByLabel('Motion or word').selectOption('idle');
  await expect(label).toHaveText('idle', { timeout: 15_000 });
  await page.waitForTimeout(1000);
  await shot(page, testInfo, 'switched to idle');

  await page.getByRole('button', { name: 'Stop' }).first().click();
  await expect(page.getByRole('button', { name: 'Start' })).toBeVisible();
  expect(await call<unknown[]>(page, 'live.sessions', {})).toEqual([]);

  // a source that does not fit the impulse is refused with a clear message
  await page.getByLabel('Device', { exact: true }).selectOption('virtual-microphone');
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page.getByRole('alert')).toContainText('Could not start: Virtual microphone (yes) does not fit the impulse');
  await expect(page.getByRole('alert')).toContainText('16000 Hz, the impulse expects 62.5 Hz');
  await shot(page, testInfo, 'source does not fit');

  // a serial path that does not exist
  await page.getByLabel('Serial board').check();
  await page.getByLabel('Serial port').fill('/tmp/kiln-no-such-board');
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page.getByRole('alert')).toContainText('No serial port at /tmp/kiln-no-such-board');

  // a simulated board on a pty: detected, classified, then unplugged
  const board = await simulateBoard(['--protocol', 'forwarder', '--hz', '62.5', '--axes', '3', '--signal', 'circle', '--seed', '8']);
  try {
    await page.getByLabel('Serial port').fill(board.path);
    await page.getByRole('button', { name: 'Start' }).click();
    await expect(page.getByRole('button', { name: 'Connecting…' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Stop' }).first()).toBeVisible({ timeout: 15_000 });
    await expect(page.getByTestId('live-status')).toContainText('data forwarder on');
    await expect(page.getByText("Reading the board's fields in order as accX, accY, accZ.")).toBeVisible();
    await expect(label).toHaveText('circle', { timeout: 15_000 });
    await page.waitForTimeout(1500);
    await shot(page, testInfo, 'classifying a simulated board');
    await board.stop();
    await expect(page.getByRole('alert')).toContainText(/Stopped: .*(went away|Lost|stopped sending)/, { timeout: 10_000 });
    await expect(page.getByRole('button', { name: 'Start' })).toBeVisible();
    // the last results stay on screen
    await expect(label).toHaveText('circle');
    await shot(page, testInfo, 'board unplugged');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForTimeout(500);
    await shot(page, testInfo, 'board unplugged, dark theme');
  } finally {
    await board.stop();
  }
});
