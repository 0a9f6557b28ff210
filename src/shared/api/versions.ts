/** Contract methods of the versions domain (merged into the contract in contract.ts). */
import { z } from 'zod';
import { projectSpec } from '../spec/projectSpec';

const project = z.string().min(1, 'No project given');
const versionId = z.number().int('A version id is a whole number').positive('A version id is a positive number');

export const VERSION_MESSAGE_MAX = 200;

export const versionMessage = z
  .string()
  .trim()
  .min(1, 'A version needs a message (what changed)')
  .max(VERSION_MESSAGE_MAX, `A version message is at most ${VERSION_MESSAGE_MAX} characters`);

export const labelCount = z.object({ label: z.string(), train: z.number(), test: z.number() });

export const versionSummary = z.object({
  id: z.number(),
  message: z.string(),
  createdAt: z.string(),
  samples: z.number(),
  counts: z.array(labelCount),
  /** accuracy of the active model: last test result when stored, else its validation accuracy */
  accuracy: z.number().nullable(),
  /** bytes of the active model on the device (int8 when quantized, else float32) */
  modelBytes: z.number().nullable(),
  modelIds: z.array(z.number()),
  impulseHash: z.string().nullable(),
});
export type VersionSummary = z.infer<typeof versionSummary>;

export const labelDiff = z.object({
  label: z.string(),
  added: z.number(),
  removed: z.number(),
  /** relabelled into this label */
  relabelledIn: z.number(),
  /** relabelled away from this label */
  relabelledOut: z.number(),
  /** moved between train and test */
  moved: z.number(),
});

export const fieldChange = z.object({ path: z.string(), from: z.unknown(), to: z.unknown() });

export const versionDiff = z.object({
  from: versionSummary,
  to: versionSummary,
  samples: z.object({
    added: z.number(),
    removed: z.number(),
    relabelled: z.number(),
    moved: z.number(),
    byLabel: z.array(labelDiff),
  }),
  impulse: z.array(fieldChange),
  settings: z.array(fieldChange),
  metrics: z.array(z.object({ name: z.string(), from: z.number().nullable(), to: z.number().nullable() })),
});
export type VersionDiff = z.infer<typeof versionDiff>;

export const restoreResult = z.object({
  restored: versionSummary,
  /** the version that keeps the state before the restore (restore it to undo) */
  backup: versionSummary,
  samples: z.number(),
  removed: z.number(),
  modelIds: z.array(z.number()),
});
export type RestoreResult = z.infer<typeof restoreResult>;

export const versionsMethods = {
  'versions.list': { args: z.object({ project }).strict(), result: z.array(versionSummary) },
  'versions.create': { args: z.object({ project, message: versionMessage }).strict(), result: versionSummary },
  'versions.diff': { args: z.object({ project, from: versionId, to: versionId }).strict(), result: versionDiff },
  'versions.restore': { args: z.object({ project, id: versionId }).strict(), result: restoreResult },
  /** writes the version as a standalone .kiln file under the home's exports folder, as a job */
  'versions.export': { args: z.object({ project, id: versionId }).strict(), result: z.object({ jobId: z.string() }) },
  /** the project spec document (kiln.json): impulse, training settings, architectures, quality gates */
  'projectSpec.export': { args: z.object({ project }).strict(), result: projectSpec },
  /** validates (field-level errors) and applies a spec document; returns it as saved */
  'projectSpec.apply': { args: z.object({ project, document: z.unknown(), source: z.string().max(500).optional() }).strict(), result: projectSpec },
} as const;
