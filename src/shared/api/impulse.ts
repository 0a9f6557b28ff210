/** Contract methods and events of the impulse domain (merged into the contract in contract.ts). */
import { z } from 'zod';
import { impulseSchema } from '../impulse/impulse';

const project = z.string().min(1, 'No project given');
const paramValue = z.union([z.number(), z.boolean(), z.string()]);
const params = z.record(z.string(), paramValue);

export const impulseIssueSchema = z.object({
  severity: z.enum(['error', 'warning']),
  path: z.string(),
  blockId: z.string().optional(),
  message: z.string(),
});

export const datasetFactsSchema = z.object({
  samples: z.number(),
  timeSeries: z.number(),
  images: z.number(),
  axes: z.array(z.string()),
  units: z.record(z.string(), z.string()),
  frequenciesHz: z.array(z.number()),
  shortest: z.object({ name: z.string(), durationMs: z.number() }).nullable(),
  longest: z.object({ name: z.string(), durationMs: z.number() }).nullable(),
  /** median time-series sample length in ms */
  medianDurationMs: z.number().nullable().optional(),
  imageSizes: z.array(z.object({ width: z.number(), height: z.number() })),
  labels: z.array(z.string()),
});

/** The impulse of a project: the saved one, or a suggestion when none is saved yet. */
export const impulseState = z.object({
  impulse: impulseSchema,
  /** false: a suggested default for this dataset, not saved yet */
  saved: z.boolean(),
  /** which default was suggested (motion, audio, image, slow-sensor, empty); null when saved */
  suggestion: z.string().nullable(),
  /** hash of the saved definition (null when not saved) */
  hash: z.string().nullable(),
  updatedAt: z.string().nullable(),
  issues: z.array(impulseIssueSchema),
  facts: datasetFactsSchema,
});
export type ImpulseState = z.infer<typeof impulseState>;

export const paramSpecSchema = z
  .object({
    key: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, 'Parameter keys use letters, digits, "-" and "_"'),
    label: z.string().min(1).max(80),
    type: z.enum(['int', 'float', 'boolean', 'select', 'string']),
    default: paramValue,
    min: z.number().optional(),
    max: z.number().optional(),
    options: z.array(paramValue).optional(),
    help: z.string().max(500).optional(),
    showIf: z.object({ key: z.string(), values: z.array(paramValue) }).optional(),
  })
  .strict();
export type ParamSpecInput = z.infer<typeof paramSpecSchema>;

export const dspBlockInfo = z.object({
  name: z.string(),
  title: z.string(),
  description: z.string(),
  inputKind: z.enum(['time-series', 'image']),
  singleAxis: z.boolean(),
  custom: z.boolean(),
  params: z.array(paramSpecSchema),
});

/** One input for `dsp.run`: interleaved readings (time series) or packed 0xRRGGBB pixels (images). */
export const dspRunInput = z
  .object({
    axes: z.array(z.string().min(1)).min(1).optional(),
    frequencyHz: z.number().min(0).optional(),
    values: z.array(z.number()).min(1, 'The input has no values').max(20_000_000),
    width: z.number().int().positive().optional(),
    height: z.number().int().positive().optional(),
  })
  .strict();

export const dspOutputShapeSchema = z.object({
  type: z.enum(['flat', 'spectrogram', 'image']),
  width: z.number().optional(),
  height: z.number().optional(),
  channels: z.number().optional(),
});

export const dspRunResult = z.object({
  features: z.array(z.number()),
  shape: dspOutputShapeSchema,
  labels: z.array(z.string()).optional(),
  /** the parameters used, defaults filled in */
  params,
});

export const featureBlockStatus = z.object({
  blockId: z.string(),
  title: z.string(),
  block: z.string(),
  configHash: z.string(),
  /** features per window (null: unknown until generated, e.g. custom blocks) */
  featuresPerWindow: z.number().nullable(),
  /** windows the dataset gives */
  windows: z.number(),
  samples: z.number(),
  /** samples whose features are up to date */
  generated: z.number(),
  /** samples with features from older settings of this block */
  stale: z.number(),
  /** samples with no features for this block yet */
  missing: z.number(),
});

export const featuresStatus = z.object({
  saved: z.boolean(),
  impulseHash: z.string().nullable(),
  blocks: z.array(featureBlockStatus),
  /** samples the impulse cannot read (other axes, frequency, too short), with the reason */
  unusable: z.array(z.object({ sampleId: z.number(), name: z.string(), message: z.string() })),
  upToDate: z.boolean(),
});
export type FeaturesStatus = z.infer<typeof featuresStatus>;

export const featuresGenerateResult = z.object({
  samples: z.number(),
  /** windows computed now / reused from the cache */
  computedWindows: z.number(),
  cachedWindows: z.number(),
  computedSamples: z.number(),
  workers: z.number(),
  seconds: z.number(),
});
export type FeaturesGenerateResult = z.infer<typeof featuresGenerateResult>;

export const explorePoint = z.object({
  /** 2 or 3 coordinates */
  coords: z.array(z.number()),
  label: z.string(),
  sampleId: z.number(),
  sampleName: z.string(),
  category: z.enum(['train', 'test']),
  window: z.number(),
});

export const exploreResult = z.object({
  method: z.enum(['pca', 'umap']),
  dims: z.union([z.literal(2), z.literal(3)]),
  points: z.array(explorePoint),
  /** windows with features (before sub-sampling to maxPoints) */
  totalWindows: z.number(),
  featuresPerWindow: z.number(),
  /** PCA: share of variance per component */
  explainedVariance: z.array(z.number()).optional(),
  /** samples without up-to-date features (generate features to include them) */
  missingSamples: z.number(),
});
export type ExploreResult = z.infer<typeof exploreResult>;

export const customBlockInfo = z.object({
  name: z.string(),
  /** name to use in an impulse: custom:<name> */
  registryName: z.string(),
  title: z.string(),
  code: z.string(),
  params: z.array(paramSpecSchema),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type CustomBlockInfo = z.infer<typeof customBlockInfo>;

const customBlockName = z
  .string()
  .min(1, 'Name is empty')
  .max(40, 'Name is longer than 40 characters')
  .regex(/^[a-z][a-z0-9_-]*$/, 'Custom block names use lower-case letters, digits, "-" and "_", starting with a letter');

export const customBlockTestResult = z.union([
  z.object({
    ok: z.literal(true),
    /** features of the first window */
    features: z.array(z.number()),
    featuresPerWindow: z.number(),
    windowsTested: z.number(),
    sampleName: z.string().nullable(),
    milliseconds: z.number(),
  }),
  z.object({ ok: z.literal(false), code: z.string(), message: z.string(), line: z.number().nullable() }),
]);
export type CustomBlockTestResult = z.infer<typeof customBlockTestResult>;

export const impulseMethods = {
  'impulse.get': { args: z.object({ project }).strict(), result: impulseState },
  'impulse.set': { args: z.object({ project, impulse: impulseSchema }).strict(), result: impulseState },
  'impulse.validate': {
    args: z.object({ project, impulse: impulseSchema }).strict(),
    result: z.object({ issues: z.array(impulseIssueSchema), facts: datasetFactsSchema }),
  },
  'dsp.blocks': { args: z.object({ project: project.optional() }).strict(), result: z.array(dspBlockInfo) },
  'dsp.run': {
    args: z.object({ block: z.string().min(1), params: params.default({}), input: dspRunInput, project: project.optional() }).strict(),
    result: dspRunResult,
  },
  'features.generate': { args: z.object({ project }).strict(), result: z.object({ jobId: z.string() }) },
  'features.status': { args: z.object({ project }).strict(), result: featuresStatus },
  'features.explore': {
    args: z
      .object({
        project,
        blockId: z.string().optional(),
        method: z.enum(['pca', 'umap']).default('pca'),
        dims: z.union([z.literal(2), z.literal(3)]).default(2),
        maxPoints: z.number().int().min(2).max(20_000).default(2000),
        seed: z.number().int().default(1),
      })
      .strict(),
    result: exploreResult,
  },
  'customBlocks.list': { args: z.object({ project }).strict(), result: z.array(customBlockInfo) },
  'customBlocks.save': {
    args: z
      .object({
        project,
        name: customBlockName,
        title: z.string().trim().min(1, 'Title is empty').max(80),
        code: z.string().min(1, 'The code is empty').max(200_000),
        params: z.array(paramSpecSchema).max(50).default([]),
      })
      .strict(),
    result: customBlockInfo,
  },
  'customBlocks.remove': { args: z.object({ project, name: customBlockName }).strict(), result: z.object({ removed: z.boolean() }) },
  'customBlocks.test': {
    args: z
      .object({
        project,
        code: z.string().min(1, 'The code is empty').max(200_000),
        title: z.string().max(80).default('custom block'),
        params: params.default({}),
        paramSpecs: z.array(paramSpecSchema).max(50).default([]),
        /** a sample of the project (default: the first usable one) … */
        sampleId: z.number().int().positive().optional(),
        /** … or an explicit input */
        input: dspRunInput.optional(),
        /** windows of the sample to run (1–50) */
        windows: z.number().int().min(1).max(50).default(3),
      })
      .strict(),
    result: customBlockTestResult,
  },
} as const;

export const impulseEvents = {
  /** the saved impulse of a project changed */
  'impulse.changed': z.object({ project: z.string(), hash: z.string() }),
  /** features were (re)generated or pruned */
  'features.changed': z.object({ project: z.string() }),
} as const;
