// Trains the two demo models end to end through the real services and prints JSON figures:
// (a) motion: spectral features from the demo motion project, dense 20→10, 30 epochs;
// (b) keywords: MFCC from the demo keywords project (~800 windows), conv1d stack, 30 epochs.
// Run: npx tsx bench/demoModels.ts
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDispatcher } from '../src/main/api';
import { createServices } from '../src/main/app/services';

const home = mkdtempSync(path.join(os.tmpdir(), 'kiln-bench-demo-'));
const services = createServices({ home, host: 'cli' });
const api = createDispatcher(services);

async function call<T>(method: string, args: unknown): Promise<T> {
  const r = await api.call(method, args);
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
  return r.result as T;
}

async function job(method: string, args: unknown): Promise<{ ms: number; result: unknown }> {
  const { jobId } = await call<{ jobId: string }>(method, args);
  const t0 = performance.now();
  const done = await services.jobs.wait(jobId);
  const ms = performance.now() - t0;
  if (done.state !== 'succeeded') throw new Error(`${method}: ${done.state} ${done.error?.message ?? ''}`);
  return { ms, result: done.result };
}

try {
  for (const demo of ['motion', 'keywords'] as const) {
    const project = `${demo} bench`;
    const t0 = performance.now();
    await call('projects.create', { name: project, demo });
    const createMs = performance.now() - t0;
    const features = await job('features.generate', { project });
    const info = await call<{ backend?: unknown; settings: Record<string, unknown> }>('training.info', { project });
    // the project's suggested settings (as the Training page and `kiln train` use them), 30 epochs
    const train = await job('model.train', { project, settings: { ...info.settings, epochs: 30, seed: 1 } });
    const result = train.result as Record<string, unknown>;
    const metrics = (result.metrics ?? result) as Record<string, unknown>;
    console.log(
      JSON.stringify({
        bench: `demo-${demo}`,
        demoCreateMs: Math.round(createMs),
        featuresMs: Math.round(features.ms),
        features: features.result,
        trainMs: Math.round(train.ms),
        epochs: 30,
        learningRate: info.settings.learningRate,
        backend: info.backend ?? result.backend ?? null,
        validationAccuracy: metrics.accuracy ?? null,
        int8ValidationAccuracy: metrics.int8Accuracy ?? null,
        loss: metrics.loss ?? null,
      }),
    );
  }
} finally {
  services.dispose();
  rmSync(home, { recursive: true, force: true });
}
