// A project from someone else, with custom DSP code: imported through the upload path (HTTP, no
// file system path from the page) and asked about before its code runs on this machine.
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { defaultImpulseFor } from '../../src/shared/impulse/defaults';
import { saveCustomBlock } from '../../src/main/pipeline/customBlocks';
import { factsOf, liveSamples } from '../../src/main/pipeline/datasetFacts';
import { saveImpulse } from '../../src/main/pipeline/impulseStore';
import { ProjectDatabase } from '../../src/main/store/projectDatabase';
import { SampleRepository } from '../../src/main/store/sampleRepository';
import { test, expect, shot } from './fixtures';

/** A .kiln file made on another machine: samples, a custom block and an impulse that uses it. */
function strangersProject(): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'kiln-e2e-stranger-')), 'Workshop.kiln');
  const p = ProjectDatabase.create(file);
  const repo = new SampleRepository(p.db);
  for (const label of ['left', 'right']) {
    repo.insert({
      label,
      category: 'train',
      sensors: ['accX', 'accY'].map((name) => ({ name, units: 'm/s2' })),
      intervalMs: 10,
      values: new Float32Array(400).map((_, i) => Math.sin(i * (label === 'left' ? 0.1 : 0.3))),
      source: 'test',
    });
  }
  saveCustomBlock(p.db, { name: 'peak', title: 'Peak', code: 'function process(values) {\n  return [Math.max(...values)];\n}', params: [] });
  const impulse = defaultImpulseFor(factsOf(liveSamples(p.db))).impulse;
  impulse.dsp = [{ id: 'peak', block: 'custom:peak', title: 'Peak', axes: ['accX', 'accY'], params: {} }];
  impulse.learning = [{ ...impulse.learning[0]!, inputs: ['peak'] }];
  saveImpulse(p.db, impulse);
  p.close();
  return file;
}

async function call<T = unknown>(page: Page, method: string, args: unknown): Promise<T> {
  const response = await page.evaluate(
    async ({ method, args }) => {
      const ws = new WebSocket(`ws://${location.host}/ws?token=${encodeURIComponent(sessionStorage.getItem('kiln-token') ?? '')}`);
      return await new Promise<{ ok: boolean; result?: unknown; error?: { message: string } }>((resolve) => {
        ws.onopen = () => ws.send(JSON.stringify({ type: 'call', id: 1, method, args }));
        ws.onmessage = (ev) => {
          const msg = JSON.parse(String(ev.data)) as { type: string; id?: number; response?: never };
          if (msg.type === 'result' && msg.id === 1) resolve(msg.response!);
        };
      });
    },
    { method, args },
  );
  if (!response.ok) throw new Error(`${method}: ${response.error?.message}`);
  return response.result as T;
}

test('a shared project is imported through an upload, and its custom code runs only once the user allows it', async ({ page, kiln }, testInfo) => {
  test.setTimeout(90_000);
  await page.goto(kiln.url);
  // the token left the address bar; no cookie carries it
  await expect(page).not.toHaveURL(/token=/);
  expect(await page.context().cookies()).toEqual([]);

  const uploads: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/transfers/uploads')) uploads.push(`${r.method()} ${new URL(r.url()).pathname}`);
  });
  await page.getByTestId('import-input').setInputFiles(strangersProject());
  await expect(page.getByText('Imported “Workshop”.')).toBeVisible();
  expect(uploads).toEqual(['POST /transfers/uploads']);

  await page.goto(`${kiln.url}#/p/Workshop/data`);
  const prompt = page.getByRole('dialog', { name: "Run this project's custom code?" });
  await expect(prompt).toBeVisible();
  await expect(prompt).toContainText('Peak');
  await shot(page, testInfo, 'custom code prompt');

  // nothing of it ran yet
  await expect(call(page, 'features.generate', { project: 'Workshop' })).rejects.toThrow(/has not run on this machine yet/);
  await prompt.getByRole('button', { name: 'Allow and run' }).click();
  await expect(prompt).toBeHidden();
  const trust = JSON.parse(readFileSync(path.join(kiln.home, '.kiln-trusted-code.json'), 'utf8')) as Record<string, { trusted: boolean }>;
  expect(Object.entries(trust).map(([k, v]) => [path.basename(k.split('|')[0]!), v.trusted])).toEqual([['Workshop.kiln', true]]);

  // now the block runs (in its sandbox process) and the answer is remembered
  const { jobId } = await call<{ jobId: string }>(page, 'features.generate', { project: 'Workshop' });
  await expect.poll(async () => (await call<{ job: { state: string } }>(page, 'jobs.get', { jobId })).job.state, { timeout: 30_000 }).toBe('succeeded');
  await page.reload();
  await expect(page.getByRole('navigation', { name: 'Studio' })).toBeVisible();
  await expect(page.getByRole('dialog', { name: "Run this project's custom code?" })).toBeHidden();

  // saying no is remembered too, and the page says how to change it
  await call(page, 'projects.setCodeTrust', { project: 'Workshop', trusted: false });
  await page.reload();
  await expect(page.getByTestId('custom-code-banner')).toContainText('does not run on this machine');
  await shot(page, testInfo, 'custom code not allowed');
  await page.getByRole('button', { name: 'Allow custom code' }).click();
  await expect(page.getByTestId('custom-code-banner')).toBeHidden();
});
