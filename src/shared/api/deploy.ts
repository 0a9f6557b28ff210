/** Contract methods of the deployment domain: estimate, build (a job), built libraries, download. */
import { z } from 'zod';
import { deviceEstimate } from './training';
import { downloadOffer } from './transfers';

const project = z.string().min(1, 'No project given');
const libraryId = z.number().int().positive();

/** What a build writes: the C library, an Arduino library (zip the IDE installs) or an ONNX model. */
export const libraryFormat = z.enum(['c', 'arduino', 'onnx']);
export type LibraryFormat = z.infer<typeof libraryFormat>;
export const libraryPrecision = z.enum(['int8', 'float32']);
export type LibraryPrecision = z.infer<typeof libraryPrecision>;

export const FORMAT_TITLES: Record<LibraryFormat, string> = { c: 'C library', arduino: 'Arduino library', onnx: 'ONNX model' };

const buildRequest = z
  .object({
    project,
    format: libraryFormat,
    precision: libraryPrecision.default('int8'),
    /** target board id (boards/); the build is refused when the estimate does not fit it */
    board: z.string().min(1).max(64).optional(),
  })
  .strict();
export type BuildRequest = z.input<typeof buildRequest>;

/** Whether a format can be built from this project now, and why not. */
const formatStatus = z.object({ format: libraryFormat, title: z.string(), available: z.boolean(), reason: z.string().nullable() });

export const deployOptions = z.object({
  /** the model a build would export (the active model of the impulse's network block), null when none is trained */
  model: z
    .object({
      id: z.number(),
      block: z.string(),
      kind: z.string(),
      createdAt: z.string(),
      /** trained on the current impulse and dataset */
      current: z.boolean(),
      hasInt8: z.boolean(),
      anomalyModelId: z.number().nullable(),
    })
    .nullable(),
  /** why nothing can be exported now (no model, stale features, custom block), else null */
  problem: z.string().nullable(),
  formats: z.array(formatStatus),
  boards: z.array(z.object({ id: z.string(), name: z.string(), ramKb: z.number(), flashKb: z.number(), clockMhz: z.number() })),
  kilnVersion: z.string(),
});
export type DeployOptions = z.infer<typeof deployOptions>;

export const deployEstimate = z.object({
  modelId: z.number(),
  format: libraryFormat,
  precision: libraryPrecision,
  board: z.object({ id: z.string(), name: z.string(), ramKb: z.number(), flashKb: z.number() }),
  estimate: deviceEstimate,
  fits: z.boolean(),
});
export type DeployEstimate = z.infer<typeof deployEstimate>;

export const builtLibrary = z.object({
  id: z.number(),
  modelId: z.number(),
  name: z.string(),
  format: libraryFormat,
  precision: libraryPrecision,
  board: z.string().nullable(),
  kilnVersion: z.string(),
  sizeBytes: z.number(),
  sha256: z.string(),
  summary: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
});
export type BuiltLibrary = z.infer<typeof builtLibrary>;

export const deployMethods = {
  'deploy.options': { args: z.object({ project }).strict(), result: deployOptions },
  'deploy.estimate': {
    args: z.object({ project, format: libraryFormat, precision: libraryPrecision, board: z.string().min(1).max(64) }).strict(),
    result: deployEstimate,
  },
  'deploy.build': { args: buildRequest, result: z.object({ jobId: z.string() }) },
  'deploy.list': { args: z.object({ project }).strict(), result: z.array(builtLibrary) },
  /** offers a built library's zip through the transfer service; the client fetches it by the id */
  'deploy.download': {
    args: z.object({ project, id: libraryId }).strict(),
    result: downloadOffer,
  },
  'deploy.delete': { args: z.object({ project, id: libraryId }).strict(), result: z.object({}) },
} as const;
