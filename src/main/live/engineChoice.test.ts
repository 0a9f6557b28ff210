import { describe, expect, it } from 'vitest';
import { getDspBlock, paramsWithDefaults } from '../../shared/dsp/index';
import type { Impulse } from '../../shared/impulse/impulse';
import { defaultSpec } from '../../shared/model/defaults';
import { parseModelSpec } from '../../shared/model/spec';
import { virtualMicrophone } from '../devices/virtual/virtualDevice';
import { buildModel } from '../training/trainer';
import { exportWeights } from '../training/network';
import { chooseEngine } from './engineChoice';
import { LiveClassifier, type LiveWindow } from './liveClassifier';
import { assembleLiveModel, type LiveModel } from './liveModel';
import type { LiveStreamSource } from './liveSources';

/** A keyword-spotting impulse: 1 s of 16 kHz audio every 500 ms → MFCC → the default conv1d stack (untrained, seeded weights). */
function keywordModel(): LiveModel {
  const mfcc = getDspBlock('mfcc');
  const impulse: Impulse = {
    input: { type: 'time-series', windowSizeMs: 1000, windowIncreaseMs: 500, frequencyHz: 16000, zeroPad: true, axes: ['audio'] },
    dsp: [{ id: 'mfcc', block: 'mfcc', title: 'MFCC', axes: ['audio'], params: paramsWithDefaults(mfcc.params) }],
    learning: [{ id: 'classifier', type: 'classification', title: 'Classifier', inputs: ['mfcc'] }],
  };
  const shape = mfcc.outputShape({ axes: 1, frequencyHz: 16000, readings: 16000 }, paramsWithDefaults(mfcc.params));
  const frames = shape.shape.width!;
  const coefficients = shape.length / frames;
  const spec = parseModelSpec(defaultSpec({ kind: 'spectrogram', frames, coefficients }));
  const head = { kind: 'classification' as const, classes: 4 };
  const weights = exportWeights(buildModel(spec, head, 5));
  return assembleLiveModel(impulse, {
    classifier: { block: impulse.learning[0]!, spec, weights, classNames: ['noise', 'yes', 'no', 'go'], uncertainThreshold: 0.6 },
  });
}

/** 4 s of the virtual microphone, chunk by chunk with a pause between chunks like a real stream. */
function micSource(): LiveStreamSource & { done: Promise<void> } {
  let finish: () => void = () => {};
  const done = new Promise<void>((r) => (finish = r));
  return {
    description: 'mic',
    axes: ['audio'],
    frequencyHz: 16000,
    genericAxes: false,
    done,
    start(onChunk) {
      const stream = virtualMicrophone.createStream({ variant: 'yes', seed: 3, frequencyHz: 16000, lengthMs: 1000 });
      void (async () => {
        for (let i = 0; i < 40; i++) {
          onChunk(stream.next(1600));
          await new Promise((r) => setTimeout(r, 5));
        }
        await new Promise((r) => setTimeout(r, 50));
        finish();
      })();
    },
    stop: () => Promise.resolve(),
  };
}

async function run(model: LiveModel): Promise<LiveWindow[]> {
  const out: LiveWindow[] = [];
  const src = micSource();
  const c = new LiveClassifier(model, src, { onResult: (w) => out.push(w), onEnd: () => {} });
  c.start();
  await src.done;
  await c.stop();
  return out;
}

describe('engine choice', () => {
  it('measures both engines and gives the same scores on ONNX Runtime as on the float engine, in order', async () => {
    const float = keywordModel();
    const measured = await chooseEngine(keywordModel());
    expect(measured.floatMs).toBeGreaterThan(0);
    expect(measured.onnxMs).toBeGreaterThan(0);
    expect(measured.engine).toBe(measured.onnxMs! < measured.floatMs * 0.8 ? 'onnxruntime float32' : 'kiln-js float32');

    const onnx = keywordModel();
    expect((await chooseEngine(onnx, { force: 'onnx' })).engine).toBe('onnxruntime float32');
    expect((await chooseEngine(float, { force: 'float' })).engine).toBe('kiln-js float32');
    const a = await run(float);
    const b = await run(onnx);
    // 4 s of audio, 1 s windows every 500 ms
    expect(a.map((w) => w.t)).toEqual([1000, 1500, 2000, 2500, 3000, 3500, 4000]);
    expect(b.map((w) => w.t)).toEqual(a.map((w) => w.t));
    for (let i = 0; i < a.length; i++) {
      for (const k of Object.keys(a[i]!.scores)) expect(b[i]!.scores[k]).toBeCloseTo(a[i]!.scores[k]!, 4);
      expect(b[i]!.label).toBe(a[i]!.label);
    }
    // the raw window goes to the UI decimated to at most 400 points
    expect(a[0]!.signal).toMatchObject({ step: 40 });
    expect(a[0]!.signal.values.length).toBe(400);
  }, 30_000);

  it('keeps the float engine when ONNX Runtime is not allowed', async () => {
    const m = keywordModel();
    const c = await chooseEngine(m, { allowOnnx: false });
    expect(c).toMatchObject({ engine: 'kiln-js float32', onnxMs: null, note: null });
    expect(m.classifier!.dispose).toBeUndefined();
  });
});
