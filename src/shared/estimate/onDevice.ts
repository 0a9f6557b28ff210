/**
 * Rough on-device cost of an impulse on a target board, from operation counts: latency of the
 * DSP and the network, RAM and flash. These are estimates from per-core cycle costs, not
 * measurements; the UI says so next to every figure.
 */
import type { Board, CoreKind } from '../boards/board';

export type NumericType = 'float32' | 'int8';

export interface ImpulseCost {
  /** arithmetic operations of all DSP blocks for one window */
  dspOperations: number;
  /** floats the DSP needs at once (input window + its work buffers + output features) */
  dspBufferFloats: number;
  /** multiply-accumulates of the network for one window */
  modelMacs: number;
  /** parameters (weights + biases) of the network */
  modelParams: number;
  /** elements of the largest input+output activation pair of any layer */
  peakActivationElements: number;
  /** distinct DSP block kinds (each brings its code) */
  dspBlockKinds: number;
}

export interface DeviceEstimate {
  board: string;
  numeric: NumericType;
  dspMs: number;
  modelMs: number;
  totalMs: number;
  ramBytes: number;
  flashBytes: number;
  fitsRam: boolean;
  fitsFlash: boolean;
  notes: string[];
}

/** Cycles per DSP float operation and per network MAC (float32 / int8), by core and FPU. */
interface CoreCosts {
  dspFloat: number;
  macFloat: number;
  macInt8: number;
}

const CORE_COSTS: Record<CoreKind, CoreCosts> = {
  'cortex-m0plus': { dspFloat: 28, macFloat: 40, macInt8: 4 },
  'cortex-m4': { dspFloat: 24, macFloat: 32, macInt8: 0.8 },
  'cortex-m4f': { dspFloat: 1.6, macFloat: 2.2, macInt8: 0.8 },
  'cortex-m33': { dspFloat: 1.6, macFloat: 2.2, macInt8: 0.8 },
  'cortex-m7': { dspFloat: 0.8, macFloat: 1.1, macInt8: 0.45 },
  'xtensa-lx6': { dspFloat: 2.5, macFloat: 3, macInt8: 2.5 },
  'xtensa-lx7': { dspFloat: 2, macFloat: 2.5, macInt8: 0.35 },
  riscv32: { dspFloat: 3, macFloat: 4, macInt8: 1.5 },
  x86_64: { dspFloat: 0.25, macFloat: 0.15, macInt8: 0.1 },
  aarch64: { dspFloat: 0.3, macFloat: 0.2, macInt8: 0.12 },
};

/** runtime, DSP library and glue code that every deployment carries, in bytes */
const BASE_CODE_BYTES = 24 * 1024;
const CODE_PER_DSP_BLOCK_BYTES = 8 * 1024;
/** tensor arena bookkeeping and stack */
const RAM_OVERHEAD_BYTES = 4 * 1024;

/** Estimates latency, RAM and flash of one inference on a board. */
export function estimateOnDevice(board: Board, cost: ImpulseCost, numeric: NumericType = 'float32'): DeviceEstimate {
  const c = CORE_COSTS[board.core];
  const notes: string[] = [];
  // without an FPU, floats run in software; the table already reflects it for M0+/M4,
  // and a board that declares no FPU on an FPU-capable core pays the same penalty
  const softFloat = board.fpu === 'none';
  const dspCycles = cost.dspOperations * (softFloat ? Math.max(c.dspFloat, 24) : c.dspFloat);
  const macCycles = numeric === 'int8' ? c.macInt8 : softFloat ? Math.max(c.macFloat, 32) : c.macFloat;
  const modelCycles = cost.modelMacs * macCycles;
  if (softFloat) notes.push(`${board.name} has no FPU: floating point runs in software${numeric === 'float32' ? '; int8 is much faster here' : ''}.`);
  if (numeric === 'int8' && !board.simd) notes.push('No SIMD instructions: int8 kernels run without the packed-MAC speed-up.');
  const hz = board.clockMhz * 1e6;
  const dspMs = (dspCycles / hz) * 1000;
  const modelMs = (modelCycles / hz) * 1000;
  const bytesPerElement = numeric === 'int8' ? 1 : 4;
  const ramBytes = Math.ceil(cost.dspBufferFloats * 4 + cost.peakActivationElements * bytesPerElement + RAM_OVERHEAD_BYTES);
  // int8 weights plus a float scale per output channel (approximated as 2 % extra)
  const weightBytes = numeric === 'int8' ? Math.ceil(cost.modelParams * 1.02) : cost.modelParams * 4;
  const flashBytes = weightBytes + BASE_CODE_BYTES + CODE_PER_DSP_BLOCK_BYTES * cost.dspBlockKinds;
  const fitsRam = ramBytes <= board.ramKb * 1024;
  const fitsFlash = flashBytes <= board.flashKb * 1024;
  if (!fitsRam) notes.push(`Needs ${(ramBytes / 1024).toFixed(1)} KB RAM; ${board.name} has ${board.ramKb} KB.`);
  if (!fitsFlash) notes.push(`Needs ${(flashBytes / 1024).toFixed(1)} KB flash; ${board.name} has ${board.flashKb} KB.`);
  return { board: board.id, numeric, dspMs, modelMs, totalMs: dspMs + modelMs, ramBytes, flashBytes, fitsRam, fitsFlash, notes };
}
