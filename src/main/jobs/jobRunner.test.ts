import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventBus } from '../api/eventBus';
import { ProjectHome } from '../store/projectHome';
import { JobRunner } from './jobRunner';
import type { KilnEvent } from '../../shared/api/contract';

let home: ProjectHome;
let events: EventBus;
let runner: JobRunner;
let seen: KilnEvent[];

beforeEach(() => {
  home = new ProjectHome(mkdtempSync(path.join(os.tmpdir(), 'kiln-jobs-')));
  home.create('p');
  events = new EventBus();
  seen = [];
  events.subscribe((e) => seen.push(e));
  runner = new JobRunner(events, (project) => home.get(project).db);
});
afterEach(() => home.closeAll());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('jobs', () => {
  it('report progress, log lines and a result, and are persisted in the project', async () => {
    const job = runner.start('project.duplicate', 'Counting', 'p', async (ctx) => {
      for (let i = 1; i <= 4; i++) {
        ctx.progress(i / 4, `step ${i}`);
        ctx.log(`did step ${i}`);
      }
      return { counted: 4 };
    });
    const done = await runner.wait(job.id);
    expect(done).toMatchObject({ state: 'succeeded', progress: 1, result: { counted: 4 } });
    expect(seen.filter((e) => e.name === 'job.log')).toHaveLength(4);
    const row = home.get('p').db.prepare('SELECT state, result FROM jobs WHERE id = ?').get(job.id) as { state: string; result: string };
    expect(row.state).toBe('succeeded');
    expect(JSON.parse(row.result)).toEqual({ counted: 4 });
    const logs = home.get('p').db.prepare('SELECT count(*) AS n FROM job_logs WHERE job_id = ?').get(job.id) as { n: number };
    expect(logs.n).toBe(4);
  });

  it('can be cancelled, and say so', async () => {
    const job = runner.start('project.duplicate', 'Forever', 'p', async (ctx) => {
      for (;;) {
        ctx.throwIfCancelled();
        await sleep(5);
      }
    });
    await sleep(20);
    runner.cancel(job.id);
    const done = await runner.wait(job.id);
    expect(done.state).toBe('cancelled');
    expect(done.error?.code).toBe('CANCELLED');
  });

  it('fail with the error a person can read', async () => {
    const job = runner.start('project.import', 'Broken', null, async () => {
      throw new Error('disk on fire');
    });
    const done = await runner.wait(job.id);
    expect(done).toMatchObject({ state: 'failed', error: { code: 'INTERNAL', message: 'disk on fire' } });
  });

  it('are listed again after a reload, and jobs left running by a crashed Kiln show as interrupted', async () => {
    const job = runner.start('project.duplicate', 'Slow', 'p', () => sleep(50));
    expect(runner.list('p').map((j) => j.id)).toContain(job.id);
    await runner.wait(job.id);
    home.get('p').db.prepare(`INSERT INTO jobs (id, kind, title, state, progress, status, created_at) VALUES ('old', 'model.train', 'Old training', 'running', 0.4, '', '2020-01-01T00:00:00Z')`).run();
    const fresh = new JobRunner(events, (project) => home.get(project).db);
    const listed = fresh.list('p');
    expect(listed.find((j) => j.id === 'old')?.state).toBe('interrupted');
    expect(listed.find((j) => j.id === job.id)?.state).toBe('succeeded');
  });
});
