// Every MFCC, MFE, spectrogram and image case of the shared Edge Impulse conformance vectors
// (KILN_CONFORMANCE_DIR may point at another directory of cases in the same format).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkTolerance, conformanceDir, loadConformance, type ConformanceCase } from '../../../tests/support/conformance';
import type { DspBlock, DspInput } from './block';
import { imageBlock } from './image';
import { mfccBlock } from './mfcc';
import { mfeBlock } from './mfe';
import { spectrogramBlock } from './spectrogram';

const blocks: { block: DspBlock; quantised: boolean }[] = [
  { block: mfccBlock, quantised: false },
  { block: mfeBlock, quantised: true },
  { block: spectrogramBlock, quantised: true },
  { block: imageBlock, quantised: false },
];

function toInput(c: ConformanceCase): DspInput {
  const input: DspInput = {
    axes: c.input.axes ?? ['value'],
    frequencyHz: c.input.frequency_hz ?? 0,
    values: Float32Array.from(c.input.values),
  };
  if (c.input.width !== undefined) input.width = c.input.width;
  if (c.input.height !== undefined) input.height = c.input.height;
  return input;
}

for (const { block, quantised } of blocks) {
  const file = path.join(conformanceDir(), `${block.name}.json`);
  describe.skipIf(!existsSync(file))(`${block.title} matches Edge Impulse`, () => {
    const cases = existsSync(file) ? loadConformance(block.name) : [];
    for (const c of cases) {
      it(c.name, () => {
        const out = block.run(toInput(c), c.params);
        const report = checkTolerance(out.features, c.output.features, quantised);
        expect(report.ok, report.message).toBe(true);
        const shape = c.output.output_config.shape;
        expect(out.shape.type).toBe(c.output.output_config.type);
        if (shape.width !== undefined) expect(out.shape.width).toBe(Number(shape.width));
        if (shape.height !== undefined) expect(out.shape.height).toBe(Number(shape.height));
        if (shape.channels !== undefined) expect(out.shape.channels).toBe(shape.channels);

        const info = {
          axes: toInput(c).axes.length,
          frequencyHz: c.input.frequency_hz ?? 0,
          readings: c.input.values.length,
          ...(c.input.width !== undefined ? { width: c.input.width, height: c.input.height } : {}),
        };
        expect(block.outputShape(info, c.params).length).toBe(c.output.features.length);
      });
    }
  });
}
