/** Contract methods and events of live classification (merged into the contract in contract.ts). */
import { z } from 'zod';
import { baudRate, VIRTUAL_DEVICE_IDS } from './devices';

const project = z.string().min(1, 'No project given');
const sessionId = z.string().min(1, 'No session id given');

/** Where live data comes from: a built-in virtual device, or a serial board (USB or the pty of `kiln simulate-board`). */
export const liveSource = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('virtual'),
      device: z.enum(VIRTUAL_DEVICE_IDS),
      /** motion (accelerometer) or word (microphone); default: the first non-idle one */
      variant: z.string().trim().min(1, 'The variant is empty').max(40).optional(),
      /** picks the virtual "person" (default: random) */
      seed: z
        .number()
        .int()
        .min(0)
        .max(2 ** 31 - 1)
        .optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('serial'),
      path: z
        .string()
        .trim()
        .min(1, 'No port path given')
        .max(4096, 'The port path is too long')
        .refine((p) => !/[\0\r\n]/.test(p), 'The port path contains control characters'),
      baudRate: baudRate.optional(),
    })
    .strict(),
]);
export type LiveSource = z.infer<typeof liveSource>;

/** What a session classifies with and what it reads; sent back by live.start. */
export const liveSessionInfo = z.object({
  sessionId: z.string(),
  project: z.string(),
  /** a sentence naming the source, e.g. "Virtual accelerometer (wave)" or "data forwarder on /dev/ttyACM0" */
  source: z.string(),
  /** class names in model order (empty when only an anomaly block is active) */
  classes: z.array(z.string()),
  /** impulse input axes, in order */
  axes: z.array(z.string()),
  frequencyHz: z.number(),
  windowMs: z.number(),
  increaseMs: z.number(),
  /** inference engine, e.g. "onnxruntime" or "kiln-js float32" */
  engine: z.string(),
  /** the active classifier's id (null when there is none) */
  modelId: z.number().nullable(),
  anomaly: z.object({ modelId: z.number(), threshold: z.number() }).nullable(),
  /** a top score under this counts as uncertain */
  uncertainThreshold: z.number(),
  /** things the user should know (e.g. the model was trained on another impulse version) */
  notes: z.array(z.string()),
});
export type LiveSessionInfo = z.infer<typeof liveSessionInfo>;

export const liveState = z.enum(['running', 'stopped', 'error']);
export type LiveState = z.infer<typeof liveState>;

/** Whether a project can classify live, and what its impulse reads (for the page's source form). */
export const liveReadiness = z.object({
  /** true when there is an impulse and an active trained model */
  ready: z.boolean(),
  /** why not, as a sentence saying what to do */
  problem: z.string().nullable(),
  /** what to do about it: design an impulse, or train a model */
  fix: z.enum(['impulse', 'training']).nullable(),
  classes: z.array(z.string()),
  /** impulse input (null when there is no time-series impulse) */
  input: z.object({ axes: z.array(z.string()), frequencyHz: z.number(), windowMs: z.number(), increaseMs: z.number() }).nullable(),
  /** the virtual device whose data fits the impulse, if one does */
  suggestedDevice: z.enum(VIRTUAL_DEVICE_IDS).nullable(),
});
export type LiveReadiness = z.infer<typeof liveReadiness>;

export const liveMethods = {
  'live.check': {
    args: z.object({ project }).strict(),
    result: liveReadiness,
  },
  'live.start': {
    args: z.object({ project, source: liveSource }).strict(),
    result: liveSessionInfo,
  },
  'live.stop': {
    args: z.object({ sessionId }).strict(),
    result: z.object({ stopped: z.boolean() }),
  },
  /** virtual devices: switch to another motion/word while classifying */
  'live.setVariant': {
    args: z.object({ sessionId, variant: z.string().trim().min(1, 'The variant is empty').max(40) }).strict(),
    result: z.object({ variant: z.string() }),
  },
  'live.sessions': {
    args: z.object({}).strict(),
    result: z.array(liveSessionInfo),
  },
} as const;

export const liveResult = z.object({
  sessionId: z.string(),
  /** ms of stream time at the end of the window, from the session start */
  t: z.number(),
  /** class name → score 0…1, in model order */
  scores: z.record(z.string(), z.number()),
  /** top class, or "uncertain" when its score is under the threshold */
  label: z.string(),
  uncertain: z.boolean(),
  /** anomaly score when an anomaly block is active (higher = more unusual) */
  anomaly: z.number().nullable(),
  /** DSP + model time for this window, ms */
  latencyMs: z.number(),
  /** the window's raw signal for display: interleaved values of `axes`, every `step`-th reading */
  signal: z.object({ step: z.number(), values: z.array(z.number()) }),
});
export type LiveResult = z.infer<typeof liveResult>;

export const liveEvents = {
  'live.result': liveResult,
  'live.state': z.object({ sessionId: z.string(), state: liveState, message: z.string().optional() }),
} as const;
