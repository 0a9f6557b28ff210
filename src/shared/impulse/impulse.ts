/**
 * The impulse: an input block (time-series windows or an image), DSP blocks that each read some
 * of the input axes, and learning blocks that each read some DSP blocks' features.
 * Schemas (zod) for storage and the API, `validateImpulse` against a dataset's facts, and the
 * pure graph helpers a pipeline editor needs (add / remove / connect blocks).
 */
import { z } from 'zod';
import type { DspInputInfo, DspOutputShape, ParamSpec } from '../dsp/block.js';
import { blockInputKind, builtinDspBlocks, findDspBlock, validateParams, type BlockInputKind } from '../dsp/index.js';
import { KilnError } from '../errors.js';

/** Prefix of the registry names of a project's custom DSP blocks (`custom:my-filter`). */
export const CUSTOM_BLOCK_PREFIX = 'custom:';

const blockId = z
  .string()
  .min(1, 'Block id is empty')
  .max(40, 'Block id is longer than 40 characters')
  .regex(/^[a-z][a-z0-9_-]*$/, 'Block ids use lower-case letters, digits, "-" and "_", starting with a letter');

const paramValue = z.union([z.number(), z.boolean(), z.string()]);

export const timeSeriesInputSchema = z
  .object({
    type: z.literal('time-series'),
    /** window length in ms */
    windowSizeMs: z.number().positive('Window size must be more than 0 ms').max(3_600_000, 'Window size must be at most one hour'),
    /** step between window starts in ms */
    windowIncreaseMs: z.number().positive('Window increase must be more than 0 ms').max(3_600_000, 'Window increase must be at most one hour'),
    /** sampling frequency the impulse expects, Hz */
    frequencyHz: z.number().positive('Frequency must be more than 0 Hz').max(1_000_000, 'Frequency must be at most 1 MHz'),
    /** pad samples shorter than the window with zeros (otherwise they are refused) */
    zeroPad: z.boolean(),
    /** input axes, in order (sensor names of the samples) */
    axes: z.array(z.string().min(1, 'Axis name is empty')).min(1, 'The input needs at least one axis'),
  })
  .strict();

export const imageInputSchema = z
  .object({
    type: z.literal('image'),
    /** pixels */
    width: z.number().int().min(1, 'Image width must be at least 1 pixel').max(4096, 'Image width must be at most 4096 pixels'),
    height: z.number().int().min(1, 'Image height must be at least 1 pixel').max(4096, 'Image height must be at most 4096 pixels'),
    /** squash: stretch to size; fit-short: scale the short side, crop the long; fit-long: scale the long side, pad the short */
    resizeMode: z.enum(['squash', 'fit-short', 'fit-long']),
  })
  .strict();

export const inputBlockSchema = z.discriminatedUnion('type', [timeSeriesInputSchema, imageInputSchema]);

export const dspBlockConfigSchema = z
  .object({
    id: blockId,
    /** registry name: a built-in (`spectral_analysis`, `mfcc`, …) or `custom:<name>` */
    block: z.string().min(1, 'Block name is empty'),
    title: z.string().max(80),
    /** input axes this block reads (all of them for images) */
    axes: z.array(z.string().min(1)),
    params: z.record(z.string(), paramValue),
  })
  .strict();

export const learningBlockTypeSchema = z.enum(['classification', 'regression', 'anomaly-kmeans', 'anomaly-gmm']);

export const learningBlockConfigSchema = z
  .object({
    id: blockId,
    type: learningBlockTypeSchema,
    title: z.string().max(80),
    /** ids of the DSP blocks whose features this block learns from */
    inputs: z.array(z.string()),
  })
  .strict();

export const impulseSchema = z
  .object({
    input: inputBlockSchema,
    dsp: z.array(dspBlockConfigSchema).max(20, 'At most 20 processing blocks'),
    learning: z.array(learningBlockConfigSchema).max(10, 'At most 10 learning blocks'),
  })
  .strict();

export type TimeSeriesInput = z.infer<typeof timeSeriesInputSchema>;
export type ImageInput = z.infer<typeof imageInputSchema>;
export type InputBlock = z.infer<typeof inputBlockSchema>;
export type DspBlockConfig = z.infer<typeof dspBlockConfigSchema>;
export type LearningBlockType = z.infer<typeof learningBlockTypeSchema>;
export type LearningBlockConfig = z.infer<typeof learningBlockConfigSchema>;
export type Impulse = z.infer<typeof impulseSchema>;

/** What the impulse editor needs to know about a block: built-in or the project's custom code. */
export interface BlockDescriptor {
  name: string;
  title: string;
  params: readonly ParamSpec[];
  inputKind: BlockInputKind;
  /** true when the block reads exactly one axis (audio blocks) */
  singleAxis: boolean;
  custom: boolean;
  /** output length and shape for an input of this size; absent when unknown before running (custom blocks) */
  outputShape?: (info: DspInputInfo, params: Record<string, string | number | boolean>) => { length: number; shape: DspOutputShape };
  /** runs the block once on a silent window of this size, so parameter combinations the block refuses show up before any data is processed */
  trial?: (info: DspInputInfo, params: Record<string, string | number | boolean>) => void;
}

/** Largest silent window (values) a trial run allocates; bigger windows skip the trial. */
const TRIAL_MAX_VALUES = 1 << 20;

/** Looks a block name up (built-ins and, on the main side, the project's custom blocks). */
export type BlockCatalog = (name: string) => BlockDescriptor | undefined;

/** Descriptor of a built-in block. */
export function builtinDescriptor(name: string): BlockDescriptor | undefined {
  const block = findDspBlock(name);
  if (!block) return undefined;
  return {
    name: block.name,
    title: block.title,
    params: block.params,
    inputKind: blockInputKind(block),
    singleAxis: block.singleAxis === true,
    custom: false,
    outputShape: (info, params) => block.outputShape(info, params),
    trial: (info, params) => {
      const image = info.width !== undefined && info.height !== undefined;
      const n = image ? info.width! * info.height! : info.readings * info.axes;
      if (n < 1 || n > TRIAL_MAX_VALUES) return;
      const axes = image ? ['image'] : Array.from({ length: info.axes }, (_, i) => `axis${i}`);
      block.run({ axes, frequencyHz: info.frequencyHz, values: new Float32Array(n), ...(image ? { width: info.width!, height: info.height! } : {}) }, params);
    },
  };
}

/** A catalog of the built-in blocks only. */
export const builtinCatalog: BlockCatalog = builtinDescriptor;

/**
 * A catalog of the built-in blocks plus custom blocks known by name, title and parameters
 * (e.g. from `dsp.blocks` with a project): what the impulse editor validates against.
 */
export function catalogWith(custom: readonly { name: string; title: string; params: readonly ParamSpec[]; custom?: boolean }[]): BlockCatalog {
  const byName = new Map(custom.filter((c) => c.name.startsWith(CUSTOM_BLOCK_PREFIX)).map((c) => [c.name, c]));
  return (name) => {
    const c = byName.get(name);
    if (!c) return builtinDescriptor(name);
    return { name: c.name, title: c.title, params: c.params, inputKind: 'time-series', singleAxis: false, custom: true };
  };
}

/** Every built-in descriptor (for "add a block" lists). */
export function builtinDescriptors(): BlockDescriptor[] {
  return builtinDspBlocks.map((b) => builtinDescriptor(b.name)!);
}

/** Facts about a project's dataset an impulse is checked against. */
export interface DatasetFacts {
  /** live samples */
  samples: number;
  /** time-series samples and image samples */
  timeSeries: number;
  images: number;
  /** axes present in every time-series sample, in the order of the most common layout */
  axes: string[];
  /** units per axis (first seen), e.g. 'm/s2' or 'wav' */
  units: Record<string, string>;
  /** distinct sampling frequencies of the time-series samples, Hz, most common first */
  frequenciesHz: number[];
  /** shortest time-series sample */
  shortest: { name: string; durationMs: number } | null;
  longest: { name: string; durationMs: number } | null;
  /** median time-series sample length in ms (the suggested window fits most samples) */
  medianDurationMs?: number | null;
  /** distinct image sizes, most common first */
  imageSizes: { width: number; height: number }[];
  labels: string[];
}

/** Empty dataset facts (for checks without data). */
export function emptyFacts(): DatasetFacts {
  return { samples: 0, timeSeries: 0, images: 0, axes: [], units: {}, frequenciesHz: [], shortest: null, longest: null, imageSizes: [], labels: [] };
}

export interface ImpulseIssue {
  severity: 'error' | 'warning';
  /** where: 'input', 'input.axes', 'dsp.<id>', 'dsp.<id>.params.<key>', 'learning.<id>' */
  path: string;
  /** block id, when the issue is about one block */
  blockId?: string;
  message: string;
}

/** Readings in one window of a time-series input. */
export function readingsPerWindow(input: TimeSeriesInput): number {
  return Math.max(1, Math.round((input.windowSizeMs * input.frequencyHz) / 1000));
}

/**
 * Start of window `index` in ms, from sample indices: at 104 Hz a 50 ms increase is 5 readings
 * (48.08 ms), so window 10 starts at 480.8 ms, not 500 ms.
 */
export function windowStartMs(input: TimeSeriesInput, index: number): number {
  return (index * readingsPerIncrease(input) * 1000) / input.frequencyHz;
}

/** Readings between window starts. */
export function readingsPerIncrease(input: TimeSeriesInput): number {
  return Math.max(1, Math.round((input.windowIncreaseMs * input.frequencyHz) / 1000));
}

/** The input size a DSP block sees for one window. */
export function blockInputInfo(input: InputBlock, dsp: Pick<DspBlockConfig, 'axes'>): DspInputInfo {
  if (input.type === 'image') return { axes: 1, frequencyHz: 0, readings: input.width * input.height, width: input.width, height: input.height };
  return { axes: dsp.axes.length, frequencyHz: input.frequencyHz, readings: readingsPerWindow(input) };
}

/** Sampling frequencies within 0.5 % count as the same (62.5 Hz stored as a 16 ms interval). */
export function sameFrequency(a: number, b: number): boolean {
  return Math.abs(a - b) <= 0.005 * Math.max(a, b);
}

function formatMs(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

/**
 * Checks an impulse against the block catalog and the dataset; returns every problem found,
 * each with a message a person can act on. An empty list (or warnings only) means it can run.
 */
/** Blocks whose FFT length Edge Impulse requires to be a power of two. */
const POWER_OF_TWO_FFT_BLOCKS = new Set(['mfcc', 'mfe', 'spectrogram']);

export function validateImpulse(impulse: Impulse, facts: DatasetFacts, catalog: BlockCatalog = builtinCatalog): ImpulseIssue[] {
  const issues: ImpulseIssue[] = [];
  const error = (path: string, message: string, blockId?: string) => issues.push({ severity: 'error', path, message, ...(blockId ? { blockId } : {}) });
  const warn = (path: string, message: string, blockId?: string) => issues.push({ severity: 'warning', path, message, ...(blockId ? { blockId } : {}) });
  const input = impulse.input;

  // input block against the data
  if (input.type === 'time-series') {
    const seen = new Set<string>();
    for (const axis of input.axes) {
      if (seen.has(axis)) error('input.axes', `Axis "${axis}" is listed twice in the input block`);
      seen.add(axis);
    }
    if (facts.images > 0 && facts.timeSeries === 0) error('input', 'The dataset holds images; use an image input block instead of time series');
    if (facts.timeSeries > 0) {
      for (const axis of input.axes) {
        if (!facts.axes.includes(axis)) {
          error(
            'input.axes',
            `Axis "${axis}" is not in the data; the samples have ${facts.axes.length ? facts.axes.map((a) => `"${a}"`).join(', ') : 'no axis common to all of them'}`,
          );
        }
      }
      const other = facts.frequenciesHz.filter((f) => !sameFrequency(f, input.frequencyHz));
      if (other.length) {
        error(
          'input',
          `The impulse expects ${input.frequencyHz} Hz but some samples are sampled at ${other.map((f) => `${+f.toFixed(3)} Hz`).join(', ')}; set the frequency to match or remove those samples`,
        );
      }
      if (facts.shortest && facts.shortest.durationMs + 1e-6 < input.windowSizeMs) {
        const msg = `The window (${formatMs(input.windowSizeMs)}) is longer than the shortest sample "${facts.shortest.name}" (${formatMs(facts.shortest.durationMs)})`;
        if (input.zeroPad) warn('input', `${msg}; it will be padded with zeros`);
        else error('input', `${msg}; shorten the window or turn on zero-padding`);
      }
    }
    if (input.windowIncreaseMs > input.windowSizeMs)
      warn(
        'input',
        `The window increase (${formatMs(input.windowIncreaseMs)}) is longer than the window (${formatMs(input.windowSizeMs)}): parts of each sample are skipped`,
      );
  } else if (facts.timeSeries > 0 && facts.images === 0) {
    error('input', 'The dataset holds time series; use a time-series input block instead of an image input');
  }

  // DSP blocks
  const ids = new Set<string>();
  for (const dsp of impulse.dsp) {
    const where = `dsp.${dsp.id}`;
    if (ids.has(dsp.id)) error(where, `Two blocks have the id "${dsp.id}"`, dsp.id);
    ids.add(dsp.id);
    const desc = catalog(dsp.block);
    if (!desc) {
      error(where, `"${dsp.title || dsp.id}" uses an unknown processing block "${dsp.block}"`, dsp.id);
      continue;
    }
    const name = dsp.title || desc.title;
    if (desc.inputKind !== input.type) {
      error(
        where,
        `${name} reads ${desc.inputKind === 'image' ? 'images' : 'time series'}, but the input block gives ${input.type === 'image' ? 'images' : 'time series'}`,
        dsp.id,
      );
      continue;
    }
    if (input.type === 'time-series') {
      if (dsp.axes.length === 0) error(`${where}.axes`, `${name} reads no axis; tick at least one input axis`, dsp.id);
      for (const axis of dsp.axes) {
        if (!input.axes.includes(axis))
          error(`${where}.axes`, `${name} reads axis "${axis}", which the input block does not give (input axes: ${input.axes.join(', ')})`, dsp.id);
      }
      if (desc.singleAxis && dsp.axes.length > 1) error(`${where}.axes`, `${name} reads one axis; ${dsp.axes.length} are selected`, dsp.id);
    }
    const axesOk =
      input.type === 'image' || (dsp.axes.length > 0 && dsp.axes.every((a) => input.axes.includes(a)) && !(desc.singleAxis && dsp.axes.length > 1));
    const fft = dsp.params.fft_length;
    if (POWER_OF_TWO_FFT_BLOCKS.has(dsp.block) && typeof fft === 'number' && !(Number.isInteger(fft) && fft > 0 && (fft & (fft - 1)) === 0)) {
      const up = 2 ** Math.ceil(Math.log2(Math.max(2, fft)));
      const choices = up / 2 >= 2 ? `${up / 2} or ${up}` : `${up}`;
      error(`${where}.params.fft_length`, `${name}: "fft_length" must be a power of two (as in Edge Impulse), got ${fft}; use ${choices}`, dsp.id);
      continue;
    }
    try {
      const params = validateParams(desc, dsp.params);
      const info = blockInputInfo(input, dsp);
      if (desc.outputShape) {
        const { length } = desc.outputShape(info, params);
        if (!(length > 0)) error(where, `${name} produces no features for this window; make the window longer or change the parameters`, dsp.id);
        else if (axesOk) desc.trial?.(info, params);
      }
    } catch (e) {
      const field = e instanceof KilnError && typeof e.details?.field === 'string' ? `.params.${e.details.field}` : '';
      const message = e instanceof Error ? e.message : String(e);
      error(`${where}${field}`, message.startsWith(desc.title) || message.startsWith(name) ? message : `${name}: ${message}`, dsp.id);
    }
  }
  if (impulse.dsp.length === 0) error('dsp', 'Add at least one processing block');

  // learning blocks
  for (const l of impulse.learning) {
    const where = `learning.${l.id}`;
    if (ids.has(l.id)) error(where, `Two blocks have the id "${l.id}"`, l.id);
    ids.add(l.id);
    const name = l.title || l.id;
    if (l.inputs.length === 0) error(where, `${name} has no input; connect at least one processing block to it`, l.id);
    for (const from of l.inputs) {
      if (!impulse.dsp.some((d) => d.id === from)) error(where, `${name} reads "${from}", which is not a processing block of this impulse`, l.id);
    }
    if (new Set(l.inputs).size !== l.inputs.length) error(where, `${name} lists the same input twice`, l.id);
    if (l.type === 'classification' && facts.labels.length === 1)
      warn(where, `${name}: the dataset has only one label ("${facts.labels[0]}"); classification needs at least two`, l.id);
  }
  if (impulse.learning.length === 0) error('learning', 'Add at least one learning block');
  for (const dsp of impulse.dsp) {
    if (!impulse.learning.some((l) => l.inputs.includes(dsp.id))) warn(`dsp.${dsp.id}`, `${dsp.title || dsp.id} is not connected to a learning block`, dsp.id);
  }
  if (facts.samples === 0) warn('input', 'The dataset is empty; add samples before generating features');
  return issues;
}

/** Throws KilnError('BAD_DATA') with every error of validateImpulse, one per line. */
export function assertImpulseValid(impulse: Impulse, facts: DatasetFacts, catalog: BlockCatalog = builtinCatalog): ImpulseIssue[] {
  const issues = validateImpulse(impulse, facts, catalog);
  const errors = issues.filter((i) => i.severity === 'error');
  if (errors.length) throw new KilnError('BAD_DATA', `The impulse cannot run: ${errors.map((e) => e.message).join('; ')}`, { issues: errors });
  return issues;
}

/** Parses unknown JSON as an impulse; KilnError('BAD_REQUEST') naming the first wrong field. */
export function parseImpulse(value: unknown, source = 'impulse'): Impulse {
  const r = impulseSchema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = issue.path.join('.');
  throw new KilnError('BAD_REQUEST', `${source}: ${field ? `${field}: ` : ''}${issue.message}`, { field });
}

/** Output size of a DSP block for one window, or null when unknown (custom block, bad params). */
export function dspOutputLength(impulse: Impulse, dsp: DspBlockConfig, catalog: BlockCatalog = builtinCatalog): number | null {
  const desc = catalog(dsp.block);
  if (!desc?.outputShape) return null;
  try {
    return desc.outputShape(blockInputInfo(impulse.input, dsp), validateParams(desc, dsp.params)).length;
  } catch {
    return null;
  }
}

// ————— graph helpers for the pipeline editor —————

export type GraphNodeKind = 'input' | 'dsp' | 'learning' | 'output';

export interface GraphNode {
  id: string;
  kind: GraphNodeKind;
  label: string;
  /** 0 input, 1 processing, 2 learning, 3 output */
  column: number;
  /** position within the column */
  row: number;
  /** one-line summary (window, block name, output length) */
  detail: string;
}

export interface GraphEdge {
  id: string;
  from: string;
  to: string;
}

export const INPUT_NODE_ID = 'input';
export const OUTPUT_NODE_ID = 'output';

/** Nodes and edges of an impulse, laid out in four columns (input → DSP → learning → output). */
export function impulseGraph(impulse: Impulse, catalog: BlockCatalog = builtinCatalog): { nodes: GraphNode[]; edges: GraphEdge[] } {
  const input = impulse.input;
  const nodes: GraphNode[] = [
    {
      id: INPUT_NODE_ID,
      kind: 'input',
      label: input.type === 'image' ? 'Image data' : 'Time series data',
      column: 0,
      row: 0,
      detail:
        input.type === 'image'
          ? `${input.width}×${input.height}, ${input.resizeMode}`
          : `${input.axes.join(', ')} · window ${formatMs(input.windowSizeMs)}, increase ${formatMs(input.windowIncreaseMs)}, ${input.frequencyHz} Hz`,
    },
  ];
  const edges: GraphEdge[] = [];
  impulse.dsp.forEach((d, row) => {
    const desc = catalog(d.block);
    const length = dspOutputLength(impulse, d, catalog);
    nodes.push({
      id: d.id,
      kind: 'dsp',
      label: d.title || desc?.title || d.block,
      column: 1,
      row,
      detail: `${desc?.title ?? `unknown block "${d.block}"`}${input.type === 'time-series' ? ` · ${d.axes.join(', ')}` : ''}${length !== null ? ` · ${length} features` : ''}`,
    });
    edges.push({ id: `${INPUT_NODE_ID}->${d.id}`, from: INPUT_NODE_ID, to: d.id });
  });
  impulse.learning.forEach((l, row) => {
    nodes.push({ id: l.id, kind: 'learning', label: l.title || learningTitles[l.type], column: 2, row, detail: learningTitles[l.type] });
    for (const from of l.inputs) edges.push({ id: `${from}->${l.id}`, from, to: l.id });
    edges.push({ id: `${l.id}->${OUTPUT_NODE_ID}`, from: l.id, to: OUTPUT_NODE_ID });
  });
  nodes.push({ id: OUTPUT_NODE_ID, kind: 'output', label: 'Output features', column: 3, row: 0, detail: outputDetail(impulse) });
  return { nodes, edges };
}

function outputDetail(impulse: Impulse): string {
  const kinds = impulse.learning.map((l) => (l.type.startsWith('anomaly') ? 'anomaly score' : l.type === 'regression' ? 'value' : 'labels'));
  return [...new Set(kinds)].join(', ') || 'none';
}

export const learningTitles: Record<LearningBlockType, string> = {
  classification: 'Classification',
  regression: 'Regression',
  'anomaly-kmeans': 'Anomaly detection (K-means)',
  'anomaly-gmm': 'Anomaly detection (GMM)',
};

/** A fresh id for a block of this kind, unused in the impulse (`spectral_analysis` → `spectral-analysis-2`). */
export function nextBlockId(impulse: Impulse, base: string): string {
  const stem =
    base
      .toLowerCase()
      .replace(/^custom:/, '')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .replace(/^([^a-z])/, 'b$1')
      .slice(0, 30) || 'block';
  const used = new Set([...impulse.dsp.map((d) => d.id), ...impulse.learning.map((l) => l.id)]);
  if (!used.has(stem)) return stem;
  for (let i = 2; ; i++) if (!used.has(`${stem}-${i}`)) return `${stem}-${i}`;
}

/** Adds a processing block with default parameters, reading every input axis (or the first one for single-axis blocks). */
export function addDspBlock(impulse: Impulse, blockName: string, catalog: BlockCatalog = builtinCatalog): { impulse: Impulse; id: string } {
  const desc = catalog(blockName);
  if (!desc) throw new KilnError('NOT_FOUND', `Unknown processing block "${blockName}"`, { field: 'block' });
  const id = nextBlockId(impulse, blockName);
  const axes = impulse.input.type === 'image' ? [] : desc.singleAxis ? impulse.input.axes.slice(0, 1) : [...impulse.input.axes];
  const params: DspBlockConfig['params'] = {};
  for (const p of desc.params) params[p.key] = p.default;
  const block: DspBlockConfig = { id, block: blockName, title: desc.title, axes, params };
  // a new block feeds the learning blocks that have no input yet
  const learning = impulse.learning.map((l) => (l.inputs.length === 0 ? { ...l, inputs: [id] } : l));
  return { impulse: { ...impulse, dsp: [...impulse.dsp, block], learning }, id };
}

/** Adds a learning block reading every processing block (classification: all; anomaly: the first). */
export function addLearningBlock(impulse: Impulse, type: LearningBlockType): { impulse: Impulse; id: string } {
  const id = nextBlockId(impulse, type);
  const inputs = type.startsWith('anomaly') ? impulse.dsp.slice(0, 1).map((d) => d.id) : impulse.dsp.map((d) => d.id);
  return { impulse: { ...impulse, learning: [...impulse.learning, { id, type, title: learningTitles[type], inputs }] }, id };
}

/** Removes a processing or learning block (and every connection to it). */
export function removeBlock(impulse: Impulse, id: string): Impulse {
  return {
    ...impulse,
    dsp: impulse.dsp.filter((d) => d.id !== id),
    learning: impulse.learning.filter((l) => l.id !== id).map((l) => ({ ...l, inputs: l.inputs.filter((i) => i !== id) })),
  };
}

/** Connects a processing block to a learning block (no-op when already connected). */
export function connectBlocks(impulse: Impulse, dspId: string, learningId: string): Impulse {
  if (!impulse.dsp.some((d) => d.id === dspId)) throw new KilnError('NOT_FOUND', `No processing block "${dspId}"`);
  if (!impulse.learning.some((l) => l.id === learningId)) throw new KilnError('NOT_FOUND', `No learning block "${learningId}"`);
  return { ...impulse, learning: impulse.learning.map((l) => (l.id === learningId && !l.inputs.includes(dspId) ? { ...l, inputs: [...l.inputs, dspId] } : l)) };
}

/** Removes the connection from a processing block to a learning block. */
export function disconnectBlocks(impulse: Impulse, dspId: string, learningId: string): Impulse {
  return { ...impulse, learning: impulse.learning.map((l) => (l.id === learningId ? { ...l, inputs: l.inputs.filter((i) => i !== dspId) } : l)) };
}

/** Replaces one processing block's settings (id stays). */
export function updateDspBlock(impulse: Impulse, id: string, change: Partial<Omit<DspBlockConfig, 'id'>>): Impulse {
  if (!impulse.dsp.some((d) => d.id === id)) throw new KilnError('NOT_FOUND', `No processing block "${id}"`);
  return { ...impulse, dsp: impulse.dsp.map((d) => (d.id === id ? { ...d, ...change } : d)) };
}

/** Replaces the input block; processing blocks keep only axes the new input still has. */
export function setInputBlock(impulse: Impulse, input: InputBlock): Impulse {
  const dsp = impulse.dsp.map((d) => (input.type === 'time-series' ? { ...d, axes: d.axes.filter((a) => input.axes.includes(a)) } : { ...d, axes: [] }));
  return { ...impulse, input, dsp };
}

/** Total feature length a learning block reads (null when a block's size is unknown). */
export function learningInputLength(impulse: Impulse, learningId: string, catalog: BlockCatalog = builtinCatalog): number | null {
  const l = impulse.learning.find((b) => b.id === learningId);
  if (!l) return null;
  let total = 0;
  for (const id of l.inputs) {
    const dsp = impulse.dsp.find((d) => d.id === id);
    const n = dsp ? dspOutputLength(impulse, dsp, catalog) : null;
    if (n === null) return null;
    total += n;
  }
  return total;
}
