import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ProjectHome } from '../store/projectHome';
import { SampleRepository } from '../store/sampleRepository';
import { loadImpulse } from '../pipeline/impulseStore';
import { DEMO_SPECS, demoSamples, fillDemoProject } from './demoProjects';

const dir = mkdtempSync(path.join(tmpdir(), 'kiln-demo-'));
const home = new ProjectHome(dir);
afterAll(() => {
  home.closeAll();
  rmSync(dir, { recursive: true, force: true });
});

describe('demo projects', () => {
  it('motion: 4 gestures × 12 samples × 10 s at 62.5 Hz, 80/20 split per label, with its default impulse', async () => {
    const db = home.create('motion demo');
    expect(await fillDemoProject(db, 'motion')).toBe(48);
    expect(loadImpulse(db.db)?.impulse.dsp.map((b) => b.block)).toEqual(['spectral_analysis']);
    const repo = new SampleRepository(db.db);
    expect(repo.counts()).toEqual([
      { label: 'circle', train: 10, test: 2 },
      { label: 'idle', train: 10, test: 2 },
      { label: 'updown', train: 10, test: 2 },
      { label: 'wave', train: 10, test: 2 },
    ]);
    const s = repo.query().rows[0]!;
    expect(s).toMatchObject({ readings: 625, intervalMs: 16, status: 'complete' });
    expect(s.sensors.map((x) => x.name)).toEqual(['accX', 'accY', 'accZ']);
    expect(db.meta().description).toMatch(/virtual accelerometer/);
  });

  it('keywords: noise/yes/no/go × 200 one-second 16 kHz clips (800 windows), split 160/40 per label', async () => {
    const db = home.create('kws demo');
    await fillDemoProject(db, 'keywords');
    expect(loadImpulse(db.db)?.impulse.dsp.map((b) => b.block)).toEqual(['mfcc']);
    const repo = new SampleRepository(db.db);
    expect(repo.counts()).toEqual(['go', 'no', 'noise', 'yes'].map((label) => ({ label, train: 160, test: 40 })));
    const s = repo.query().rows[0]!;
    expect(s).toMatchObject({ readings: 16000, intervalMs: 1000 / 16000 });
    expect(s.sensors).toEqual([{ name: 'audio', units: 'wav' }]);
  });

  it('is deterministic, and every sample is a different "person"', () => {
    const a = demoSamples('motion');
    const b = demoSamples('motion');
    expect(a.map((s) => s.values)).toEqual(b.map((s) => s.values));
    const wave = a.filter((s) => s.label === 'wave');
    expect(wave[0]!.values).not.toEqual(wave[1]!.values);
    expect(DEMO_SPECS.keywords.samplesPerLabel * DEMO_SPECS.keywords.labels.length).toBe(800);
  });

  it('gives the same split for the same project twice', async () => {
    const split = async (name: string) => {
      const db = home.create(name);
      await fillDemoProject(db, 'motion');
      return new SampleRepository(db.db).query({ category: 'test' }).rows.map((r) => r.name);
    };
    expect(await split('m1')).toEqual(await split('m2'));
  });
});
