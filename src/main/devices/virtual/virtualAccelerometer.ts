import { createRng } from './random';
import type { SignalStream } from './signalStream';

export const MOTIONS = ['idle', 'wave', 'circle', 'updown'] as const;
export type Motion = (typeof MOTIONS)[number];

export const ACCELEROMETER_FREQUENCIES = [62.5, 100];
export const ACCELEROMETER_SENSORS = [
  { name: 'accX', units: 'm/s2' },
  { name: 'accY', units: 'm/s2' },
  { name: 'accZ', units: 'm/s2' },
];

const G = 9.80665;

export interface AccelerometerOptions {
  motion: Motion;
  /** Hz (62.5 or 100 like the boards, though any rate works) */
  frequencyHz: number;
  /** picks the "person": amplitude, tempo, phase, how the board is held, noise */
  seed: number;
}

/** Base cycle rate (Hz) and size (m/s²) of each gesture before per-person variation. */
const GESTURES: Record<Motion, { hz: number; amp: number }> = {
  idle: { hz: 0.3, amp: 0.15 },
  wave: { hz: 1.6, amp: 7 },
  circle: { hz: 1.0, amp: 5 },
  updown: { hz: 1.3, amp: 8 },
};

/** Endless 3-axis accelerometer stream (m/s², gravity included) for one person doing `motion`. */
export function createAccelerometerStream(options: AccelerometerOptions): SignalStream {
  const { motion, frequencyHz, seed } = options;
  if (!MOTIONS.includes(motion)) throw new Error(`Unknown motion "${String(motion)}"; use ${MOTIONS.join(', ')}`);
  const rng = createRng(seed);
  const gesture = GESTURES[motion];
  // Person-to-person variation, drawn once per seed.
  const amp = gesture.amp * rng.uniform(0.7, 1.3);
  const tempo = gesture.hz * rng.uniform(0.8, 1.25);
  let phase = rng.uniform(0, 2 * Math.PI);
  const roll0 = rng.normal(0, 0.2);
  const pitch0 = rng.normal(0, 0.2);
  const noiseSd = rng.uniform(0.06, 0.18);
  const wobble = rng.uniform(0.1, 0.35); // how much the wrist rolls with the gesture
  const harmonic = rng.uniform(0.1, 0.3); // second harmonic: no two people move like a sine
  // Slow wander of tempo and size, and sensor bias drift: random walks, reset per stream.
  let tempoWalk = 0;
  let ampWalk = 0;
  const bias = [rng.normal(0, 0.05), rng.normal(0, 0.05), rng.normal(0, 0.05)];
  const dt = 1 / frequencyHz;

  return {
    sensors: ACCELEROMETER_SENSORS.map((s) => ({ ...s })),
    frequencyHz,
    next(readings: number): Float32Array {
      const out = new Float32Array(readings * 3);
      for (let i = 0; i < readings; i++) {
        tempoWalk = 0.999 * tempoWalk + rng.normal(0, 0.004);
        ampWalk = 0.999 * ampWalk + rng.normal(0, 0.004);
        phase += 2 * Math.PI * tempo * (1 + tempoWalk) * dt;
        const a = amp * (1 + ampWalk);
        const s = Math.sin(phase);
        const c = Math.cos(phase);
        const s2 = Math.sin(2 * phase);
        let mx = 0;
        let my = 0;
        let mz = 0;
        let roll = roll0;
        let pitch = pitch0;
        switch (motion) {
          case 'idle':
            mx = a * s;
            my = a * Math.sin(phase * 0.7 + 1);
            break;
          case 'wave':
            mx = a * (s + harmonic * s2);
            my = 0.25 * a * s2;
            mz = 0.1 * a * c;
            roll += wobble * s;
            break;
          case 'circle':
            mx = a * (c + harmonic * 0.5 * s2);
            mz = a * s;
            my = 0.1 * a * s2;
            pitch += 0.5 * wobble * c;
            break;
          case 'updown':
            mz = a * (s + harmonic * s2);
            mx = 0.1 * a * Math.sin(phase + 0.5);
            pitch += 0.5 * wobble * s;
            break;
        }
        // Gravity seen by a board held at (roll, pitch).
        const gx = -G * Math.sin(pitch);
        const gy = G * Math.sin(roll) * Math.cos(pitch);
        const gz = G * Math.cos(roll) * Math.cos(pitch);
        bias[0]! += rng.normal(0, 0.0005);
        bias[1]! += rng.normal(0, 0.0005);
        bias[2]! += rng.normal(0, 0.0005);
        out[i * 3] = gx + mx + bias[0]! + rng.normal(0, noiseSd);
        out[i * 3 + 1] = gy + my + bias[1]! + rng.normal(0, noiseSd);
        out[i * 3 + 2] = gz + mz + bias[2]! + rng.normal(0, noiseSd);
      }
      return out;
    },
  };
}

/** `lengthMs` of one person doing `motion`, interleaved accX, accY, accZ. */
export function generateMotion(options: AccelerometerOptions & { lengthMs: number }): Float32Array {
  const n = Math.round((options.lengthMs * options.frequencyHz) / 1000);
  return createAccelerometerStream(options).next(n);
}
