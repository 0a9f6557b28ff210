import type { DemoKind } from '../../shared/api/projects';
import { KilnError } from '../../shared/errors';
import type { SensorInfo } from '../../shared/formats/types';
import { virtualAccelerometer, virtualMicrophone } from '../devices/virtual/virtualDevice';
import { MOTIONS, type Motion } from '../devices/virtual/virtualAccelerometer';
import { WORDS, type Word } from '../devices/virtual/virtualMicrophone';
import type { ProjectDatabase } from '../store/projectDatabase';
import { defaultImpulseFor } from '../../shared/impulse/defaults';
import { factsOf, liveSamples } from '../pipeline/datasetFacts';
import { saveImpulse } from '../pipeline/impulseStore';
import { SampleRepository, type NewSample } from '../store/sampleRepository';

/** What a demo dataset holds; the numbers are part of the demo's contract (tests check them). */
export interface DemoSpec {
  kind: DemoKind;
  description: string;
  labels: readonly string[];
  samplesPerLabel: number;
  lengthMs: number;
  frequencyHz: number;
  /** share of each label put in the test set */
  testFraction: number;
  /** seed of the train/test split */
  splitSeed: number;
}

export const DEMO_SPECS: Record<DemoKind, DemoSpec> = {
  motion: {
    kind: 'motion',
    description: 'Demo: gestures recorded from the virtual accelerometer at 62.5 Hz (idle, wave, circle, updown).',
    labels: MOTIONS,
    samplesPerLabel: 12,
    lengthMs: 10_000,
    frequencyHz: 62.5,
    testFraction: 0.2,
    splitSeed: 42,
  },
  keywords: {
    kind: 'keywords',
    description: 'Demo: keywords recorded from the virtual microphone at 16 kHz (noise, yes, no, go).',
    labels: WORDS,
    // one window per clip: 800 windows, enough for the keyword model to generalise
    samplesPerLabel: 200,
    lengthMs: 1000,
    frequencyHz: 16_000,
    testFraction: 0.2,
    splitSeed: 42,
  },
};

/**
 * The demo samples, generated faster than real time. Each sample is a different "person"
 * (seed), so the model has to generalise; the same kind always gives the same data.
 */
export function demoSamples(kind: DemoKind): NewSample[] {
  const spec = DEMO_SPECS[kind];
  return spec.labels.flatMap((_, li) => demoLabelSamples(kind, li));
}

/** The demo samples of one label (index into the spec's labels), generated from their seeds. */
function demoLabelSamples(kind: DemoKind, li: number): NewSample[] {
  const spec = DEMO_SPECS[kind];
  const label = spec.labels[li]!;
  const device = kind === 'motion' ? virtualAccelerometer : virtualMicrophone;
  const sensors: SensorInfo[] = device.sensors.map((s) => ({ ...s }));
  return Array.from({ length: spec.samplesPerLabel }, (_, i) => {
    const seed = 1000 * (li + 1) + i + 1;
    const values =
      kind === 'motion'
        ? virtualAccelerometer.generate({ motion: label as Motion, lengthMs: spec.lengthMs, frequencyHz: spec.frequencyHz, seed })
        : virtualMicrophone.generate({ word: label as Word, lengthMs: spec.lengthMs, frequencyHz: spec.frequencyHz, seed });
    return {
      label,
      category: 'train' as const,
      sensors,
      intervalMs: 1000 / spec.frequencyHz,
      values,
      source: `demo:${device.info.path}`,
      deviceName: device.info.name,
      deviceType: `KILN_VIRTUAL_${device.info.id.toUpperCase()}`,
    };
  });
}

/**
 * Fills a new project with a labelled dataset recorded from the virtual devices and splits it
 * 80/20 per label, and saves the default impulse for that data. Returns the stored sample count.
 */
export async function fillDemoProject(db: ProjectDatabase, kind: DemoKind, onProgress?: (fraction: number, status: string) => void): Promise<number> {
  const spec = DEMO_SPECS[kind] as DemoSpec | undefined;
  if (!spec) throw new KilnError('BAD_PARAMS', `There is no demo project "${String(kind)}"; choose motion or keywords.`);
  await fillDemoDataset(db, spec, onProgress);
  // a demo trains at once: save the default impulse for its data
  // (motion: spectral analysis → classification; keywords: MFCC → classification)
  saveImpulse(db.db, defaultImpulseFor(factsOf(liveSamples(db.db))).impulse);
  return spec.labels.length * spec.samplesPerLabel;
}

/** The dataset part of a demo: samples in one transaction, then a stratified, seeded split. */
export async function fillDemoDataset(db: ProjectDatabase, spec: DemoSpec, onProgress?: (fraction: number, status: string) => void): Promise<void> {
  const repo = new SampleRepository(db.db);
  const samples: NewSample[] = [];
  // one label at a time, yielding in between: other calls are served and progress is reported
  for (let li = 0; li < spec.labels.length; li++) {
    onProgress?.((0.9 * li) / spec.labels.length, `Recording "${spec.labels[li]}" (${li + 1} of ${spec.labels.length})`);
    await new Promise((r) => setImmediate(r));
    samples.push(...demoLabelSamples(spec.kind, li));
  }
  onProgress?.(0.92, 'Saving the samples');
  await new Promise((r) => setImmediate(r));
  db.db.transaction(() => {
    repo.insertMany(samples);
    repo.rebalance(spec.testFraction, spec.splitSeed);
    db.setMeta('description', spec.description);
    db.setMeta('demo', spec.kind);
  })();
}
