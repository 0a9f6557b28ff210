/**
 * The DSP block registry (name → block, names as in Edge Impulse and the conformance files)
 * and the one place where block parameters are completed with defaults and checked.
 * Used by renderer previews, feature workers and the CLI alike.
 */
import { KilnError } from '../errors.js';
import type { DspBlock, DspParams, ParamSpec, ParamValue } from './block.js';
import { flattenBlock } from './flatten.js';
import { imageBlock } from './image.js';
import { mfccBlock } from './mfcc.js';
import { mfeBlock } from './mfe.js';
import { rawBlock } from './raw.js';
import { spectralAnalysisBlock } from './spectralAnalysis.js';
import { spectrogramBlock } from './spectrogram.js';

export type { DspBlock, DspInput, DspInputInfo, DspOutput, DspOutputShape, DspParams, ParamSpec, ParamValue } from './block.js';

/** Every built-in block, in the order a "add processing block" list shows them. */
export const builtinDspBlocks: readonly DspBlock[] = [spectralAnalysisBlock, mfccBlock, mfeBlock, spectrogramBlock, flattenBlock, rawBlock, imageBlock];

const byName = new Map(builtinDspBlocks.map((b) => [b.name, b]));

/** What kind of input block a DSP block reads. */
export type BlockInputKind = 'time-series' | 'image';

/** The input kind of a built-in block (custom blocks always read time series). */
export function blockInputKind(block: Pick<DspBlock, 'name'>): BlockInputKind {
  return block.name === 'image' ? 'image' : 'time-series';
}

/** The built-in block with this name, or undefined. */
export function findDspBlock(name: string): DspBlock | undefined {
  return byName.get(name);
}

/** The built-in block with this name; a KilnError listing the known names otherwise. */
export function getDspBlock(name: string): DspBlock {
  const block = byName.get(name);
  if (!block) {
    throw new KilnError('NOT_FOUND', `Unknown DSP block "${name}"; known blocks: ${builtinDspBlocks.map((b) => b.name).join(', ')}`, { field: 'block' });
  }
  return block;
}

/** The parameters with every missing one set to its default (values are not checked here). */
export function paramsWithDefaults(specs: readonly ParamSpec[], params: DspParams = {}): DspParams {
  const out: DspParams = {};
  for (const spec of specs) {
    const value = params[spec.key];
    out[spec.key] = value === undefined || value === null ? spec.default : value;
  }
  return out;
}

function bad(blockTitle: string, key: string, message: string): KilnError {
  return new KilnError('BAD_PARAMS', `${blockTitle}: parameter "${key}" ${message}`, { field: key });
}

function checkValue(blockTitle: string, spec: ParamSpec, raw: ParamValue): ParamValue {
  const key = spec.key;
  switch (spec.type) {
    case 'int':
    case 'float': {
      const value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      if (!Number.isFinite(value)) throw bad(blockTitle, key, `must be a number, got ${JSON.stringify(raw)}`);
      if (spec.type === 'int' && !Number.isInteger(value)) throw bad(blockTitle, key, `must be a whole number, got ${value}`);
      if (spec.min !== undefined && value < spec.min) throw bad(blockTitle, key, `must be at least ${spec.min}, got ${value}`);
      if (spec.max !== undefined && value > spec.max) throw bad(blockTitle, key, `must be at most ${spec.max}, got ${value}`);
      if (spec.options && !spec.options.some((o) => Number(o) === value)) throw bad(blockTitle, key, `must be one of ${spec.options.join(', ')}, got ${value}`);
      return value;
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return raw;
      if (raw === 1 || raw === 0) return raw === 1;
      const s = String(raw).trim().toLowerCase();
      if (s === 'true' || s === '1' || s === 'yes') return true;
      if (s === 'false' || s === '0' || s === 'no') return false;
      throw bad(blockTitle, key, `must be true or false, got ${JSON.stringify(raw)}`);
    }
    case 'select': {
      const options = spec.options ?? [];
      const match = options.find((o) => String(o) === String(raw));
      if (match === undefined) throw bad(blockTitle, key, `must be one of ${options.join(', ')}, got ${JSON.stringify(raw)}`);
      return match;
    }
    case 'string':
      return String(raw);
  }
}

/**
 * Completes the parameters with defaults and checks each against its spec (type, range,
 * options); unknown keys are refused. Returns the normalised parameters (numbers as numbers,
 * booleans as booleans). Throws KilnError('BAD_PARAMS') naming the parameter.
 */
export function validateParams(block: Pick<DspBlock, 'title' | 'params'>, params: DspParams = {}): DspParams {
  if (params === null || typeof params !== 'object' || Array.isArray(params)) {
    throw new KilnError('BAD_PARAMS', `${block.title}: parameters must be an object of name → value`);
  }
  const known = new Set(block.params.map((s) => s.key));
  for (const key of Object.keys(params)) {
    if (!known.has(key)) {
      throw bad(block.title, key, `is not a parameter of this block; known parameters: ${[...known].join(', ') || '(none)'}`);
    }
  }
  const out: DspParams = {};
  for (const spec of block.params) {
    const raw = params[spec.key];
    out[spec.key] = raw === undefined || raw === null ? spec.default : checkValue(block.title, spec, raw);
  }
  return out;
}

/** Parameter specs that apply with these values (the `showIf` conditions hold). */
export function visibleParams(specs: readonly ParamSpec[], params: DspParams): ParamSpec[] {
  const values = paramsWithDefaults(specs, params);
  return specs.filter((s) => !s.showIf || s.showIf.values.some((v) => String(v) === String(values[s.showIf!.key])));
}
