import { describe, expect, it } from 'vitest';
import type { Board } from '../boards/board';
import { estimateOnDevice, type ImpulseCost } from './onDevice';

const board = (over: Partial<Board>): Board => ({
  id: 'b',
  name: 'Board',
  vendor: 'v',
  mcu: 'm',
  core: 'cortex-m4f',
  clockMhz: 64,
  ramKb: 256,
  flashKb: 1024,
  fpu: 'single',
  simd: true,
  protocols: ['forwarder'],
  defaultBaud: 115200,
  sensors: [],
  ...over,
});

const motion: ImpulseCost = { dspOperations: 20_000, dspBufferFloats: 600, modelMacs: 33 * 20 + 20 * 10 + 10 * 4, modelParams: 33 * 20 + 20 + 20 * 10 + 10 + 10 * 4 + 4, peakActivationElements: 53, dspBlockKinds: 1 };

describe('on-device estimates', () => {
  it('scale latency with the clock and the operation count', () => {
    const slow = estimateOnDevice(board({ clockMhz: 64 }), motion);
    const fast = estimateOnDevice(board({ clockMhz: 128 }), motion);
    expect(slow.totalMs).toBeCloseTo(fast.totalMs * 2, 6);
    const twice = estimateOnDevice(board({}), { ...motion, dspOperations: motion.dspOperations * 2 });
    expect(twice.dspMs).toBeCloseTo(slow.dspMs * 2, 6);
  });

  it('make int8 smaller and, with SIMD, faster than float32', () => {
    const f = estimateOnDevice(board({}), motion, 'float32');
    const q = estimateOnDevice(board({}), motion, 'int8');
    expect(q.flashBytes).toBeLessThan(f.flashBytes);
    expect(q.modelMs).toBeLessThan(f.modelMs);
    expect(q.ramBytes).toBeLessThan(f.ramBytes);
  });

  it('penalise software floating point and say why', () => {
    const m0 = estimateOnDevice(board({ core: 'cortex-m0plus', fpu: 'none', simd: false, clockMhz: 64 }), motion);
    const m4 = estimateOnDevice(board({}), motion);
    expect(m0.totalMs).toBeGreaterThan(m4.totalMs * 10);
    expect(m0.notes.join(' ')).toMatch(/no FPU/);
  });

  it('say when the impulse does not fit', () => {
    const tiny = estimateOnDevice(board({ ramKb: 4, flashKb: 16 }), { ...motion, modelParams: 100_000 });
    expect(tiny.fitsRam).toBe(false);
    expect(tiny.fitsFlash).toBe(false);
    expect(tiny.notes).toHaveLength(2);
  });
});
