import { describe, expect, it } from 'vitest';
import { planArena } from './arena';
import { lowerFloat, lowerInt8 } from './lower';
import { randomNetwork } from './testing/fixtures';

describe('arena plan', () => {
  it('places a dense 54→30→10→4 int8 chain in 196 bytes, reusing buffers whose lifetimes are over', () => {
    const net = randomNetwork(
      {
        inputShape: [54],
        layers: [
          { type: 'dense', units: 30 },
          { type: 'dense', units: 10 },
        ],
      },
      { kind: 'classification', classes: 4 },
      1,
    );
    const plan = planArena(lowerInt8(net.int8));
    // largest first: the 108-byte widened-input scratch of layer 0 takes offset 0, the input the
    // next free bytes; later layers fit into the space the finished ones leave behind
    expect(plan.slots.map((s) => [s.name, s.offset, s.bytes, s.first, s.last])).toEqual([
      ['input_q', 108, 54, 0, 1],
      ['l0_dense_1', 164, 30, 1, 2],
      ['l0_dense_1_scratch', 0, 108, 1, 1],
      ['l1_dense_2', 60, 10, 2, 3],
      ['l1_dense_2_scratch', 0, 60, 2, 2],
      ['l2_output', 20, 4, 3, 4],
      ['l2_output_scratch', 0, 20, 3, 3],
      ['l3_output_softmax', 0, 4, 4, 5],
    ]);
    expect(plan.size).toBe(196);
  });

  it('never lets two tensors alive at the same op overlap', () => {
    const net = randomNetwork(
      {
        inputShape: [60],
        layers: [
          { type: 'reshape', targetShape: [20, 3] },
          { type: 'conv1d', filters: 8, kernelSize: 3 },
          { type: 'maxPool1d', poolSize: 2 },
          { type: 'conv1d', filters: 16, kernelSize: 3 },
          { type: 'flatten' },
          { type: 'dense', units: 12 },
        ],
      },
      { kind: 'classification', classes: 3 },
      2,
    );
    for (const program of [lowerInt8(net.int8), lowerFloat(net.float)]) {
      const plan = planArena(program);
      for (const a of plan.slots) {
        expect(a.offset % 4).toBe(0);
        expect(a.offset + a.bytes).toBeLessThanOrEqual(plan.size);
        for (const b of plan.slots) {
          if (a === b || a.last < b.first || b.last < a.first) continue;
          expect(a.offset + a.bytes <= b.offset || b.offset + b.bytes <= a.offset, `${a.name} overlaps ${b.name}`).toBe(true);
        }
      }
      // far less than one buffer per tensor
      expect(plan.size).toBeLessThan(program.tensors.reduce((n, t) => n + t.bytes, 0));
    }
  });
});
