/** Contract methods and events of the devices domain (merged into the contract in contract.ts). */
import { z } from 'zod';

/** Baud rates offered for serial boards (ptys ignore the rate). */
export const BAUD_RATES = [9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600] as const;
export const DEFAULT_BAUD = 115200;

/** Ids of the built-in devices that need no hardware. */
export const VIRTUAL_DEVICE_IDS = ['virtual-accelerometer', 'virtual-microphone'] as const;
export type VirtualDeviceId = (typeof VIRTUAL_DEVICE_IDS)[number];

export const baudRate = z
  .number()
  .int()
  .refine((b) => (BAUD_RATES as readonly number[]).includes(b), `Baud rate must be one of ${BAUD_RATES.join(', ')}`);

const serialPath = z
  .string()
  .trim()
  .min(1, 'No port path given')
  .max(4096, 'The port path is too long')
  .refine((p) => !/[\0\r\n]/.test(p), 'The port path contains control characters');

/** An axis name a user may give to a forwarder field. */
export const axisName = z
  .string()
  .trim()
  .min(1, 'An axis name is empty')
  .max(40, 'An axis name is longer than 40 characters')
  .regex(/^[\p{L}\p{N}_.\- ]+$/u, 'Axis names may use letters, digits, spaces, dots, dashes and underscores');

export const sampleLabel = z
  .string()
  .trim()
  .min(1, 'The label is empty')
  .max(80, 'The label is longer than 80 characters')
  .refine((l) => !/[,\r\n\0]/.test(l), 'A label cannot contain commas or line breaks');

export const deviceSensor = z.object({
  name: z.string(),
  /** Hz */
  frequencies: z.array(z.number()),
  maxSampleLengthS: z.number(),
  axes: z.array(z.string()).optional(),
});
export type DeviceSensorInfo = z.infer<typeof deviceSensor>;

export const forwarderDetection = z.object({
  axes: z.number(),
  frequencyHz: z.number(),
  /** one line as the board printed it */
  sampleLine: z.string(),
  malformedLines: z.number(),
});
export type ForwarderDetection = z.infer<typeof forwarderDetection>;

/** One row of the Devices page: a serial port, a user-added path or a virtual device. */
export const deviceRow = z.object({
  /** serial path, or a virtual device id (`virtual-accelerometer`) */
  id: z.string(),
  name: z.string(),
  kind: z.enum(['serial', 'virtual']),
  path: z.string(),
  /** how it was found */
  source: z.enum(['serialport', 'scan', 'user', 'virtual']),
  /** false for a user-added path that does not exist right now */
  present: z.boolean(),
  /** virtual: a built-in device; unknown: a serial port not connected yet */
  protocol: z.enum(['forwarder', 'ei-at', 'virtual', 'unknown']),
  status: z.enum(['available', 'connected', 'recording', 'missing']),
  /** the rate it was opened at, when connected */
  baudRate: z.number().nullable(),
  sensors: z.array(deviceSensor),
  /** virtual devices: what they can produce (motions, words) */
  variants: z.array(z.string()),
  manufacturer: z.string().nullable(),
  /** forwarder: what detection found */
  detection: forwarderDetection.nullable(),
  /** the user added the path by hand (can be removed) */
  userAdded: z.boolean(),
});
export type DeviceRow = z.infer<typeof deviceRow>;

export const recordArgs = z
  .object({
    project: z.string().min(1, 'No project given'),
    /** a device id from devices.list (serial path or virtual device id) */
    device: z.string().trim().min(1, 'No device given'),
    /** sensor name (EI AT boards); default: the first */
    sensor: z.string().min(1).optional(),
    label: sampleLabel,
    lengthMs: z.number().int('Length must be a whole number of ms').min(100, 'Length must be at least 100 ms').max(3_600_000, 'Length must be at most 1 hour'),
    frequencyHz: z.number().positive('Frequency must be positive').max(100_000, 'Frequency must be at most 100 kHz').optional(),
    category: z.enum(['train', 'test']).default('train'),
    /** forwarder: names for the fields, as many as the board prints */
    axisNames: z.array(axisName).min(1).max(64).optional(),
    /** serial boards that are not connected yet: open at this rate */
    baudRate: baudRate.optional(),
    /** virtual devices: motion (accelerometer) or word (microphone); default from the label */
    variant: z.string().min(1).optional(),
    /** virtual devices: the "person"; default random */
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31)
      .optional(),
  })
  .strict();

/** What a finished recording job returns. */
export const recordResult = z.object({
  sampleId: z.number().nullable(),
  name: z.string().nullable(),
  label: z.string(),
  category: z.enum(['train', 'test']),
  readings: z.number(),
  expectedReadings: z.number(),
  intervalMs: z.number(),
  truncated: z.boolean(),
  reason: z.string().nullable(),
  malformedLines: z.number(),
  device: z.string(),
});
export type RecordResult = z.infer<typeof recordResult>;

export const devicesMethods = {
  'devices.list': { args: z.object({}).strict(), result: z.array(deviceRow) },
  'devices.addPort': { args: z.object({ path: serialPath }).strict(), result: z.array(deviceRow) },
  'devices.removePort': { args: z.object({ path: serialPath }).strict(), result: z.array(deviceRow) },
  'devices.connect': {
    args: z.object({ path: serialPath, baudRate: baudRate.default(DEFAULT_BAUD), protocol: z.enum(['auto', 'forwarder', 'ei-at']).default('auto') }).strict(),
    result: deviceRow,
  },
  'devices.disconnect': { args: z.object({ path: serialPath }).strict(), result: z.array(deviceRow) },
  'devices.setAxes': { args: z.object({ path: serialPath, axisNames: z.array(axisName).min(1).max(64) }).strict(), result: deviceRow },
  'devices.record': { args: recordArgs, result: z.object({ jobId: z.string() }) },
} as const;

/** Live readings while recording, decimated: reading k of `values` is original reading `start + k * step`. */
export const deviceData = z.object({
  jobId: z.string(),
  device: z.string(),
  axes: z.array(z.string()),
  /** ms between original readings */
  intervalMs: z.number(),
  start: z.number(),
  step: z.number(),
  /** interleaved: values[k * axes.length + axis] */
  values: z.array(z.number()),
});
export type DeviceData = z.infer<typeof deviceData>;

export const devicesEvents = {
  'devices.changed': z.object({ devices: z.array(deviceRow) }),
  'device.data': deviceData,
} as const;
