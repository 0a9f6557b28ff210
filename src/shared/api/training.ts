/** Contract methods and events of the training domain (merged into the contract in contract.ts). */
import { z } from 'zod';
import { TRAINING_DEFAULTS } from '../model/defaults.js';
import { downloadOffer } from './transfers';

const project = z.string().min(1, 'No project given');
const modelId = z.number().int().positive();
const blockId = z.string().min(1).max(40);

export const augmentationSettings = z
  .object({
    noise: z.number().min(0).max(10).optional(),
    timeShift: z.number().int().min(0).max(1000).optional(),
    freqMask: z.number().int().min(0).max(1000).optional(),
    timeMask: z.number().int().min(0).max(1000).optional(),
  })
  .strict();

/** Training settings; every field has a default. */
export const trainSettings = z
  .object({
    epochs: z
      .number()
      .int('Epochs must be a whole number')
      .min(1, 'Epochs must be at least 1')
      .max(10_000, 'Epochs must be at most 10000')
      .default(TRAINING_DEFAULTS.dense.epochs),
    learningRate: z.number().gt(0, 'Learning rate must be more than 0').max(1, 'Learning rate must be at most 1').default(TRAINING_DEFAULTS.dense.learningRate),
    batchSize: z
      .number()
      .int('Batch size must be a whole number')
      .min(1, 'Batch size must be at least 1')
      .max(4096, 'Batch size must be at most 4096')
      .default(32),
    validationSplit: z.number().min(0, 'Validation split must be ≥ 0').max(0.9, 'Validation split must be at most 0.9').default(0.2),
    seed: z
      .number()
      .int('Seed must be a whole number')
      .min(0)
      .max(2 ** 31 - 1)
      .default(1),
    classWeighting: z.boolean().default(false),
    earlyStopping: z
      .object({
        patience: z.number().int().min(1, 'Patience must be at least 1 epoch').max(1000),
        minDelta: z.number().min(0).max(10),
        /** what must improve: validation loss (default) or validation accuracy (classifiers) */
        monitor: z.enum(['loss', 'accuracy']).optional(),
      })
      .strict()
      .nullable()
      .default(null),
    augmentation: augmentationSettings.default({}),
    /**
     * standardise every feature with the training rows' mean and 1/std before the network
     * (stored with the model, applied by every engine and the exported library)
     */
    featureScaling: z.boolean().default(true),
    /** a prediction whose top score is below this counts as uncertain (0 turns it off) */
    uncertainThreshold: z.number().min(0).max(1).default(0.6),
    /** anomaly blocks: K-means clusters / GMM components */
    clusters: z.number().int().min(1, 'At least 1 cluster').max(256, 'At most 256 clusters').default(32),
    covariance: z.enum(['diagonal', 'full']).default('diagonal'),
  })
  .strict();
export type TrainSettingsInput = z.input<typeof trainSettings>;
export type TrainSettingsValue = z.output<typeof trainSettings>;

export const learningKind = z.enum(['classification', 'regression', 'anomaly-kmeans', 'anomaly-gmm']);

export const epochMetrics = z.object({
  epoch: z.number(),
  loss: z.number(),
  /** accuracy (classification) or mean absolute error (regression) */
  metric: z.number(),
  valLoss: z.number().nullable(),
  valMetric: z.number().nullable(),
});
export type EpochMetrics = z.infer<typeof epochMetrics>;

export const classMetrics = z.object({ precision: z.number(), recall: z.number(), f1: z.number(), support: z.number() });

/** Evaluation of a classifier on a set of rows. */
export const classifierEvaluation = z.object({
  accuracy: z.number(),
  loss: z.number().nullable(),
  /** confusion[true][predicted], last column = uncertain */
  confusion: z.array(z.array(z.number())),
  perClass: z.array(classMetrics),
  weightedF1: z.number(),
  uncertain: z.number(),
  rows: z.number(),
  /** share of rows whose highest score is the true class, whatever the score (uncertain rows included) */
  top1: z.number().optional(),
});
export type ClassifierEvaluation = z.infer<typeof classifierEvaluation>;

export const explorerPoint = z.object({ x: z.number(), y: z.number(), label: z.number(), predicted: z.number(), sampleId: z.number() });

export const modelCost = z.object({
  dspOperations: z.number(),
  dspBufferFloats: z.number(),
  modelMacs: z.number(),
  modelParams: z.number(),
  peakActivationElements: z.number(),
  dspBlockKinds: z.number(),
});

/** How the validation rows were held out of training. */
export const validationSplit = z.object({
  /** 'sample': all windows of a sample on the same side; 'window': rows drawn one by one */
  by: z.enum(['sample', 'window']),
  /** the same share of each label's samples held out */
  stratified: z.boolean(),
  seed: z.number(),
  fraction: z.number(),
  trainSamples: z.number(),
  validationSamples: z.number(),
  trainWindows: z.number(),
  validationWindows: z.number(),
});
export type ValidationSplitInfo = z.infer<typeof validationSplit>;

/** One line saying how validation was held out: the training log, `kiln train` and the results page say the same. */
export function describeValidation(v: ValidationSplitInfo): string {
  if (v.validationWindows === 0) return 'No validation set (validation split 0 or too few samples): accuracy is measured on the training windows';
  const how = v.by === 'sample' ? `by sample${v.stratified ? ', stratified by label' : ''}` : 'by window';
  return `Validation split ${how} (seed ${v.seed}): ${v.validationSamples} samples / ${v.validationWindows} windows held out, ${v.trainSamples} samples / ${v.trainWindows} windows train`;
}

/** What "uncertain" means wherever it is shown. */
export function uncertainMeaning(threshold: number): string {
  return `uncertain = the highest score of a window is below ${threshold}; accuracy counts uncertain windows as wrong, top-1 takes the highest score anyway`;
}

/** One line the user should read after training, with what to change. */
export const trainingAdvice = z.object({ code: z.enum(['UNDERFIT', 'UNCERTAIN']), message: z.string() });
export type TrainingAdvice = z.infer<typeof trainingAdvice>;

export const modelMetrics = z.object({
  kind: learningKind,
  classNames: z.array(z.string()),
  featureShape: z.array(z.number()),
  trainRows: z.number(),
  validationRows: z.number(),
  /** which rows the evaluation used: held-out validation rows, or the training rows when none were held out */
  evaluatedOn: z.enum(['validation', 'train']),
  history: z.array(epochMetrics),
  epochsRun: z.number(),
  stoppedEarly: z.boolean(),
  trainSeconds: z.number(),
  uncertainThreshold: z.number(),
  float32: classifierEvaluation.nullable(),
  int8: classifierEvaluation.nullable(),
  sizes: z.object({ float32Bytes: z.number(), int8Bytes: z.number().nullable() }),
  regression: z.object({ mse: z.number(), mae: z.number() }).nullable(),
  explorer: z.array(explorerPoint),
  anomaly: z
    .object({
      clusters: z.array(z.object({ size: z.number(), radius: z.number().nullable() })),
      threshold: z.number(),
      scores: z.object({ min: z.number(), median: z.number(), max: z.number() }),
    })
    .nullable(),
  cost: modelCost.nullable(),
  /** how validation was split (absent in models trained before Kiln recorded it) */
  validation: validationSplit.nullable().optional(),
  /** under-fit warnings with a suggestion */
  advice: z.array(trainingAdvice).optional(),
});
export type ModelMetrics = z.infer<typeof modelMetrics>;

export const modelSummary = z.object({
  id: z.number(),
  block: z.string(),
  kind: learningKind,
  active: z.boolean(),
  createdAt: z.string(),
  seed: z.number(),
  backend: z.string(),
  datasetHash: z.string(),
  impulseHash: z.string(),
  /** false when the impulse or the training data changed since this model was trained */
  current: z.boolean(),
  accuracy: z.number().nullable(),
  int8Accuracy: z.number().nullable(),
  loss: z.number().nullable(),
  params: z.number().nullable(),
  epochs: z.number(),
});
export type ModelSummary = z.infer<typeof modelSummary>;

export const modelDetail = modelSummary.extend({
  spec: z.unknown(),
  settings: trainSettings,
  metrics: modelMetrics,
});
export type ModelDetail = z.infer<typeof modelDetail>;

export const learningBlockInfo = z.object({
  id: z.string(),
  type: learningKind,
  title: z.string(),
  featureShape: z.array(z.number()).nullable(),
  featureLength: z.number().nullable(),
  /** why the layout could not be computed */
  problem: z.string().nullable(),
});

export const trainingInfo = z.object({
  impulse: z.object({ name: z.string(), hash: z.string() }).nullable(),
  blocks: z.array(learningBlockInfo),
  block: z.string().nullable(),
  /** the saved architecture of the block (or the default) and the default */
  spec: z.unknown().nullable(),
  defaultSpec: z.unknown().nullable(),
  classes: z.array(z.object({ label: z.string(), train: z.number(), test: z.number() })),
  backend: z.object({ name: z.string(), note: z.string() }),
  settings: trainSettings,
});
export type TrainingInfo = z.infer<typeof trainingInfo>;

export const windowPrediction = z.object({ start: z.number(), predicted: z.number(), score: z.number() });
export const sampleTestResult = z.object({
  sampleId: z.number(),
  name: z.string(),
  label: z.string(),
  /** class index, -1 uncertain */
  predicted: z.number(),
  correct: z.boolean(),
  windows: z.array(windowPrediction),
  /** anomaly score of the sample (max over its windows), when the model is an anomaly block */
  anomaly: z.number().nullable(),
});
export type SampleTestResult = z.infer<typeof sampleTestResult>;

export const testResult = z.object({
  modelId: z.number(),
  at: z.string(),
  engine: z.string(),
  classNames: z.array(z.string()),
  /** sample-level accuracy (majority of confident windows) */
  sampleAccuracy: z.number(),
  windows: classifierEvaluation,
  samples: z.array(sampleTestResult),
  /** with precision 'both': the int8 engine's figures on the same windows */
  int8: z.object({ engine: z.string(), sampleAccuracy: z.number(), windows: classifierEvaluation }).nullable().optional(),
  /** test samples whose label the model was not trained on */
  unknownLabels: z.array(z.string()),
  windowMs: z.number(),
  increaseMs: z.number(),
});
export type TestResult = z.infer<typeof testResult>;

export const deviceEstimate = z.object({
  board: z.string(),
  numeric: z.enum(['float32', 'int8']),
  dspMs: z.number(),
  modelMs: z.number(),
  totalMs: z.number(),
  ramBytes: z.number(),
  flashBytes: z.number(),
  fitsRam: z.boolean(),
  fitsFlash: z.boolean(),
  notes: z.array(z.string()),
});

export const trainingMethods = {
  'training.info': {
    args: z.object({ project, block: blockId.optional() }).strict(),
    result: trainingInfo,
  },
  'training.setSpec': {
    args: z.object({ project, block: blockId, spec: z.unknown() }).strict(),
    result: z.object({ spec: z.unknown() }),
  },
  'model.train': {
    args: z
      .object({
        project,
        block: blockId.optional(),
        settings: trainSettings.optional(),
        spec: z.unknown().optional(),
        /** keep these settings (and spec) as the project's (default true); false = this run only */
        save: z.boolean().optional(),
      })
      .strict(),
    result: z.object({ jobId: z.string() }),
  },
  'model.test': {
    args: z.object({ project, modelId: modelId.optional(), precision: z.enum(['float32', 'int8', 'both']).default('float32') }).strict(),
    result: z.object({ jobId: z.string() }),
  },
  'model.lastTest': {
    args: z.object({ project }).strict(),
    result: testResult.nullable(),
  },
  'model.estimate': {
    args: z.object({ project, modelId, board: z.string().optional() }).strict(),
    result: z.object({
      boards: z.array(z.object({ id: z.string(), name: z.string() })),
      board: z.string(),
      float32: deviceEstimate,
      int8: deviceEstimate.nullable(),
    }),
  },
  'models.list': { args: z.object({ project }).strict(), result: z.array(modelSummary) },
  'models.get': { args: z.object({ project, id: modelId }).strict(), result: modelDetail },
  'models.compare': {
    args: z.object({ project, a: modelId, b: modelId }).strict(),
    result: z.object({ a: modelDetail, b: modelDetail }),
  },
  'models.activate': { args: z.object({ project, id: modelId }).strict(), result: modelSummary },
  'models.delete': { args: z.object({ project, id: modelId }).strict(), result: z.object({ undoToken: z.string() }) },
  /** Offers a model's network as an ONNX download (`download(offer)` in the renderer; the CLI writes a file itself). */
  'models.exportOnnx': {
    args: z.object({ project, id: modelId }).strict(),
    result: downloadOffer,
  },
  'models.restore': { args: z.object({ project, undoToken: z.string().min(1) }).strict(), result: modelSummary },
} as const;

export const trainingEvents = {
  'training.epoch': z.object({ jobId: z.string(), project: z.string(), block: z.string(), epochs: z.number(), metrics: epochMetrics }),
} as const;
