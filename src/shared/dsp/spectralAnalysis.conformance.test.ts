import { describe, expect, it } from 'vitest';
import { checkTolerance, loadConformance, type ConformanceCase } from '../../../tests/support/conformance.js';
import type { DspBlock, DspInput } from './block.js';
import { flattenBlock } from './flatten.js';
import { rawBlock } from './raw.js';
import { spectralAnalysisBlock } from './spectralAnalysis.js';

function toInput(c: ConformanceCase): DspInput {
  return {
    axes: c.input.axes ?? ['value'],
    frequencyHz: c.input.frequency_hz ?? 0,
    values: Float32Array.from(c.input.values),
  };
}

function describeConformance(block: DspBlock, file: string): void {
  describe(`${block.name} matches Edge Impulse's conformance vectors`, () => {
    for (const c of loadConformance(file)) {
      it(c.name, () => {
        const input = toInput(c);
        const out = block.run(input, c.params);
        const report = checkTolerance(out.features, c.output.features);
        expect(report.ok, report.message).toBe(true);
        expect(out.shape).toEqual({ type: 'flat', width: c.output.output_config.shape.width });
        if (c.output.labels) expect(out.labels).toEqual(c.output.labels);
        const info = { axes: input.axes.length, frequencyHz: input.frequencyHz, readings: input.values.length / input.axes.length };
        expect(block.outputShape(info, c.params).length).toBe(c.output.features.length);
        expect(block.operations(info, c.params)).toBeGreaterThan(0);
      });
    }
  });
}

describeConformance(spectralAnalysisBlock, 'spectral_analysis');
describeConformance(flattenBlock, 'flatten');
describeConformance(rawBlock, 'raw');
