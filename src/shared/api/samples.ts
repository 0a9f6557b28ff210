/** Contract methods and events of the samples domain (merged into the contract in contract.ts). */
import { z } from 'zod';
import { downloadOffer } from './transfers';

const project = z.string().min(1, 'No project given');
const sampleId = z.number().int().positive();
const ids = z.array(sampleId).min(1, 'Select at least one sample').max(100_000);
export const sampleCategory = z.enum(['train', 'test']);
export type SampleCategory = z.infer<typeof sampleCategory>;
export const importCategory = z.enum(['train', 'test', 'split']);
export const exportFormat = z.enum(['ei-json', 'csv']);
export type ExportFormat = z.infer<typeof exportFormat>;
export const sampleSort = z.enum(['created', 'name', 'label', 'length', 'category']);
export type SampleSort = z.infer<typeof sampleSort>;
const label = z.string().trim().min(1, 'A label cannot be empty').max(128, 'A label is at most 128 characters');

export const sensorInfo = z.object({ name: z.string(), units: z.string() });

/** One row of the dataset table (no values). */
export const sampleRow = z.object({
  id: z.number(),
  name: z.string(),
  label: z.string(),
  category: sampleCategory,
  /** 'image' (width × height packed 0xRRGGBB pixels), 'audio' (one 'wav' axis) or 'time-series' */
  kind: z.enum(['time-series', 'audio', 'image']),
  sensors: z.array(sensorInfo),
  intervalMs: z.number(),
  readings: z.number(),
  /** readings × interval; 0 for images */
  lengthMs: z.number(),
  width: z.number().nullable(),
  height: z.number().nullable(),
  hash: z.string().nullable(),
  source: z.string(),
  deviceName: z.string().nullable(),
  deviceType: z.string().nullable(),
  status: z.enum(['recording', 'complete', 'truncated']),
  note: z.string().nullable(),
  createdAt: z.string(),
});
export type SampleRow = z.infer<typeof sampleRow>;

export const labelCounts = z.object({ label: z.string(), train: z.number(), test: z.number() });
export const datasetCounts = z.object({ byLabel: z.array(labelCounts), train: z.number(), test: z.number(), total: z.number() });
export type DatasetCounts = z.infer<typeof datasetCounts>;

export const importFailure = z.object({ file: z.string(), code: z.string(), message: z.string() });
export type ImportFailure = z.infer<typeof importFailure>;
/** Something the user should know about an import that is not a failed file (listed once). */
export const importWarning = z.object({ code: z.string(), message: z.string(), files: z.array(z.string()) });
export type ImportWarning = z.infer<typeof importWarning>;
/** Result of a `samples.import` job. */
export const importResult = z.object({
  imported: z.number(),
  failed: z.array(importFailure),
  /** samples per label that were added ('' = unlabelled) */
  byLabel: z.record(z.string(), z.number()),
  /** samples added to train and to test */
  byCategory: z.object({ train: z.number(), test: z.number() }).default({ train: 0, test: 0 }),
  /** e.g. manifest entries without a file, files without a manifest entry */
  warnings: z.array(importWarning).default([]),
});
export type ImportResult = z.infer<typeof importResult>;
/** Result of a `samples.export` job. */
export const exportResult = z.object({
  /** the folder written (CLI, or `out` under the home), or the .zip's name */
  dir: z.string(),
  files: z.number(),
  bytes: z.number(),
  format: exportFormat,
  /** no `out` given: the export as one .zip to fetch with the renderer's `download(offer)` */
  download: downloadOffer.optional(),
});
export type ExportResult = z.infer<typeof exportResult>;

const csvImportOptions = z
  .object({
    /** fixed interval between rows in ms when the file has no timestamp column */
    intervalMs: z.number().positive().max(3_600_000).optional(),
    /** which columns are axes (default: every numeric column but the timestamp) */
    columns: z.array(z.string().min(1)).min(1).optional(),
    /** name of the timestamp column; null = the file has none */
    timestampColumn: z.string().min(1).nullable().optional(),
  })
  .strict();

const listArgs = z
  .object({
    project,
    label: z.string().optional(),
    category: sampleCategory.optional(),
    text: z.string().max(200).optional(),
    sort: sampleSort.optional(),
    descending: z.boolean().optional(),
    offset: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(1000).default(100),
  })
  .strict();

export const samplesMethods = {
  /** A page of the dataset table, filtered and sorted on the server. */
  'samples.list': { args: listArgs, result: z.object({ rows: z.array(sampleRow), total: z.number() }) },
  /** ids of every sample matching a filter, in table order (for "select all"; at most 100 000) */
  'samples.ids': {
    args: z
      .object({
        project,
        label: z.string().optional(),
        category: sampleCategory.optional(),
        text: z.string().max(200).optional(),
        sort: sampleSort.optional(),
        descending: z.boolean().optional(),
      })
      .strict(),
    result: z.array(z.number()),
  },
  'samples.counts': { args: z.object({ project }).strict(), result: datasetCounts },
  'samples.labels': { args: z.object({ project }).strict(), result: z.array(z.string()) },
  /**
   * A sample's metadata and values (interleaved by axis; images: packed 0xRRGGBB pixels).
   * With `maxReadings`, longer time series are decimated for plotting: each bucket of
   * `step` readings gives its min and max per axis, at the reading indexes in `readingIndex`;
   * images larger than `maxPixels` are shrunk (nearest pixel) to fit, see `imageSize`.
   */
  'samples.get': {
    args: z.object({ project, id: sampleId, maxReadings: z.number().int().min(16).optional(), maxPixels: z.number().int().min(64).optional() }).strict(),
    result: z.object({
      sample: sampleRow,
      values: z.array(z.number()),
      /** readings in `values` */
      readings: z.number(),
      decimated: z.boolean(),
      /** reading index of each reading in `values` when decimated; null = 0…readings-1 */
      readingIndex: z.array(z.number()).nullable(),
      /** images: size of the pixels in `values` (smaller than the sample when decimated) */
      imageSize: z.object({ width: z.number(), height: z.number() }).nullable(),
    }),
  },
  'samples.relabel': { args: z.object({ project, ids, label }).strict(), result: z.object({ changed: z.number() }) },
  'samples.move': { args: z.object({ project, ids, category: sampleCategory }).strict(), result: z.object({ changed: z.number() }) },
  /** Soft delete; `samples.restore` with `undoToken` (or the same ids) brings them back. */
  'samples.delete': { args: z.object({ project, ids }).strict(), result: z.object({ deleted: z.number(), undoToken: z.string() }) },
  /**
   * Brings deleted samples back; with `remove`, soft-deletes those in the same transaction
   * (undo of a crop or split: restore the original, remove the pieces).
   */
  'samples.restore': {
    args: z
      .object({ project, ids: z.array(sampleId).max(100_000).optional(), undoToken: z.string().optional(), remove: z.array(sampleId).max(100_000).optional() })
      .strict()
      .refine((a) => (a.ids?.length ?? 0) > 0 || !!a.undoToken, 'Give the ids to restore or an undoToken'),
    result: z.object({ restored: z.number(), removed: z.number() }),
  },
  /** Moves samples so each label has `testFraction` of its samples in test. */
  'samples.rebalance': {
    args: z.object({ project, testFraction: z.number().min(0).max(1), seed: z.number().int().optional() }).strict(),
    result: z.object({ moved: z.number(), counts: datasetCounts }),
  },
  /** Keeps readings [start, end); the original is soft-deleted (undo: restore `replaced`, remove the new id). */
  'samples.crop': {
    args: z.object({ project, id: sampleId, start: z.number().int().min(0), end: z.number().int().min(1) }).strict(),
    result: z.object({ sample: sampleRow, replaced: z.number() }),
  },
  /** Cuts a sample at reading indexes; the original is soft-deleted for undo. */
  'samples.split': {
    args: z.object({ project, id: sampleId, cuts: z.array(z.number().int().min(1)).min(1).max(10_000) }).strict(),
    result: z.object({ samples: z.array(sampleRow), replaced: z.number() }),
  },
  /** Deleted samples still kept for undo (purged automatically `keepDays` after deletion). */
  'samples.trash': {
    args: z.object({ project }).strict(),
    result: z.object({ count: z.number(), bytes: z.number(), keepDays: z.number() }),
  },
  /** Drops deleted samples for good (no undo) and compacts the project file. */
  'samples.purge': { args: z.object({ project }).strict(), result: z.object({ purged: z.number(), freedBytes: z.number() }) },
  /** Starts a `samples.import` job over uploaded files or paths on this machine (files or folders). */
  'samples.import': {
    args: z
      .object({
        project,
        uploadIds: z.array(z.string().min(1)).min(1).max(100_000).optional(),
        paths: z.array(z.string().min(1)).min(1).max(100_000).optional(),
        /** label for every file; default: from each file name (`wave.01.csv` → wave) */
        label: label.optional(),
        /** 'split' puts 20 % of each label in test (stratified, seeded by file name) */
        category: importCategory.default('split'),
        csv: csvImportOptions.optional(),
      })
      .strict()
      .refine((a) => (a.uploadIds === undefined) !== (a.paths === undefined), 'Give either uploadIds or paths'),
    result: z.object({ jobId: z.string() }),
  },
  /**
   * Starts a `samples.export` job: one file per sample in `training/` and `testing/` (images as
   * PNG whatever the format). Without `out`, the job's result offers them as one .zip download;
   * with `out`, they go into that folder under the Kiln home's `exports` folder (relative, no
   * `..`, no symbolic link out). The CLI writes anywhere through the service directly.
   */
  'samples.export': {
    args: z
      .object({ project, format: exportFormat, out: z.string().min(1).max(1000).optional(), label: z.string().optional(), category: sampleCategory.optional() })
      .strict(),
    result: z.object({ jobId: z.string(), dir: z.string().nullable() }),
  },
} as const;

export const samplesEvents = {
  /** the dataset of a project changed (import, relabel, move, delete, crop, split, recording) */
  'samples.changed': z.object({ project: z.string() }),
} as const;
