import { describe, expect, it } from 'vitest';
import { WorkerPool } from './workerPool';
import type { ProbeTask } from './testing/probeWorker';

const probe = new URL('./testing/probeWorker.ts', import.meta.url);

describe('the worker pool', () => {
  it('runs TypeScript workers and spreads tasks over them', async () => {
    const pool = new WorkerPool<ProbeTask, number>(probe, { size: 2 });
    try {
      const results = await Promise.all([1, 2, 3, 4, 5].map((value) => pool.run({ op: 'echo', value })));
      expect(results).toEqual([2, 4, 6, 8, 10]);
    } finally {
      await pool.close();
    }
  });

  it('passes a worker’s KilnError through with its code and details, and goes on', async () => {
    const pool = new WorkerPool<ProbeTask, number>(probe, { size: 1 });
    try {
      await expect(pool.run({ op: 'throw' })).rejects.toMatchObject({ code: 'BAD_DATA', message: 'probe refused the task', details: { field: 'op' } });
      expect(await pool.run({ op: 'echo', value: 4 })).toBe(8);
    } finally {
      await pool.close();
    }
  });

  it('stops a worker that overruns its time limit and replaces it', async () => {
    const pool = new WorkerPool<ProbeTask, number>(probe, { size: 1, name: 'The probe' });
    try {
      const started = Date.now();
      await expect(pool.run({ op: 'hang' }, [], 1500)).rejects.toMatchObject({ code: 'TIMEOUT', message: 'The probe took longer than 1.5 s and was stopped' });
      expect(Date.now() - started).toBeLessThan(5000);
      expect(await pool.run({ op: 'echo', value: 1 })).toBe(2);
    } finally {
      await pool.close();
    }
  });

  it('reports a worker that exits or runs out of memory, instead of hanging', async () => {
    const pool = new WorkerPool<ProbeTask, number>(probe, {
      size: 1,
      name: 'The probe',
      resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 16 },
    });
    try {
      await expect(pool.run({ op: 'exit' })).rejects.toMatchObject({ code: 'INTERNAL', message: 'The probe stopped unexpectedly (exit code 3)' });
      await expect(pool.run({ op: 'memory' }, [], 20_000)).rejects.toMatchObject({ message: 'The probe ran out of memory (limit 64 MB) and was stopped' });
      expect(await pool.run({ op: 'echo', value: 5 })).toBe(10);
    } finally {
      await pool.close();
    }
  });

  it('fails queued and running tasks as cancelled when closed', async () => {
    const pool = new WorkerPool<ProbeTask, number>(probe, { size: 1 });
    const running = pool.run({ op: 'hang' }).catch((e: unknown) => e);
    const queued = pool.run({ op: 'echo', value: 1 }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 200));
    await pool.close('stopped by the test');
    expect(await running).toMatchObject({ code: 'CANCELLED', message: 'stopped by the test' });
    expect(await queued).toMatchObject({ code: 'CANCELLED' });
    await expect(pool.run({ op: 'echo', value: 1 })).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});
