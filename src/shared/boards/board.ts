/** Target boards: the facts on-device estimates need (one JSON file per board in boards/). */
import { z } from 'zod';

export const coreKind = z.enum(['cortex-m0plus', 'cortex-m4', 'cortex-m4f', 'cortex-m7', 'cortex-m33', 'xtensa-lx6', 'xtensa-lx7', 'riscv32', 'x86_64', 'aarch64']);
export type CoreKind = z.infer<typeof coreKind>;

export const boardSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9_-]+$/, 'board id: lowercase letters, digits, dashes and underscores'),
    name: z.string().min(1),
    vendor: z.string().min(1),
    mcu: z.string().min(1),
    core: coreKind,
    /** CPU clock in MHz */
    clockMhz: z.number().positive(),
    /** RAM available to the application, in KiB */
    ramKb: z.number().positive(),
    /** flash available to the application, in KiB */
    flashKb: z.number().positive(),
    fpu: z.enum(['none', 'single', 'double']),
    /** SIMD / DSP instructions (e.g. Cortex-M4 DSP extension, Helium, ESP32-S3 PIE) */
    simd: z.boolean(),
    /** how Kiln talks to it */
    protocols: z.array(z.enum(['ei-at', 'forwarder'])).min(1),
    defaultBaud: z.number().int().positive(),
    sensors: z.array(z.object({ name: z.string(), kind: z.enum(['accelerometer', 'gyroscope', 'microphone', 'camera', 'environment', 'other']), maxHz: z.number().positive().optional() })),
    notes: z.string().optional(),
  })
  .strict();
export type Board = z.infer<typeof boardSchema>;

/** Parses a board file; errors name the file and field. */
export function parseBoard(json: unknown, fileName: string): Board {
  const r = boardSchema.safeParse(json);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new Error(`${fileName}: ${i.path.join('.') || '(root)'}: ${i.message}`);
  }
  return r.data;
}
