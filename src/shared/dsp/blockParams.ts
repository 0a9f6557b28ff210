/**
 * Reading block parameters (with Edge Impulse's defaults and the loose types forms and JSON
 * produce: "10" for 10, "true" for true) and validating time-series inputs, for the
 * raw / flatten / spectral-analysis blocks. Every failure is a KilnError naming the field.
 */
import { KilnError } from '../errors.js';
import type { DspInput, DspParams, ParamSpec, ParamValue } from './block.js';

function specFor(specs: readonly ParamSpec[], key: string): ParamSpec {
  const spec = specs.find((s) => s.key === key);
  if (!spec) throw new Error(`no parameter spec for "${key}"`);
  return spec;
}

function badParam(key: string, message: string): KilnError {
  return new KilnError('BAD_PARAMS', `Parameter "${key}" ${message}`, { field: key });
}

function rawValue(specs: readonly ParamSpec[], params: DspParams, key: string): ParamValue {
  const value = params[key];
  return value === undefined || value === null ? specFor(specs, key).default : value;
}

/**
 * A finite number (numbers or numeric strings), checked against the spec's min/max/options
 * unless checkRange is false (for parameters the block ignores in some configurations).
 */
export function readNumber(specs: readonly ParamSpec[], params: DspParams, key: string, checkRange = true): number {
  const spec = specFor(specs, key);
  const raw = rawValue(specs, params, key);
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  if (!Number.isFinite(value)) throw badParam(key, `must be a number, got ${JSON.stringify(raw)}`);
  if (spec.type === 'int' && !Number.isInteger(value)) throw badParam(key, `must be a whole number, got ${value}`);
  if (!checkRange) return value;
  if (spec.min !== undefined && value < spec.min) throw badParam(key, `must be at least ${spec.min}, got ${value}`);
  if (spec.max !== undefined && value > spec.max) throw badParam(key, `must be at most ${spec.max}, got ${value}`);
  if (spec.options && spec.type !== 'select' && !spec.options.some((o) => Number(o) === value)) {
    throw badParam(key, `must be one of ${spec.options.join(', ')}, got ${value}`);
  }
  return value;
}

/** A boolean (true/false, 1/0, "true"/"false", "1"/"0", "yes"/"no"). */
export function readBoolean(specs: readonly ParamSpec[], params: DspParams, key: string): boolean {
  const raw = rawValue(specs, params, key);
  if (typeof raw === 'boolean') return raw;
  if (raw === 1 || raw === 0) return raw === 1;
  if (typeof raw === 'string') {
    const s = raw.trim().toLowerCase();
    if (s === 'true' || s === '1' || s === 'yes') return true;
    if (s === 'false' || s === '0' || s === 'no') return false;
  }
  throw badParam(key, `must be true or false, got ${JSON.stringify(raw)}`);
}

/** One of the spec's options (compared as strings, returned as the option). */
export function readChoice(specs: readonly ParamSpec[], params: DspParams, key: string): string {
  const spec = specFor(specs, key);
  const raw = rawValue(specs, params, key);
  const options = (spec.options ?? []).map(String);
  const s = String(raw);
  if (!options.includes(s)) throw badParam(key, `must be one of ${options.join(', ')}, got ${JSON.stringify(raw)}`);
  return s;
}

/** A string parameter as given (numbers are turned into their text). */
export function readString(specs: readonly ParamSpec[], params: DspParams, key: string): string {
  return String(rawValue(specs, params, key));
}

/**
 * Checks an interleaved time-series input: at least one axis, a positive sampling
 * frequency, a whole number of readings, and finite values. Returns the reading count.
 */
export function checkTimeSeriesInput(block: string, input: DspInput, needFrequency: boolean): number {
  const axes = input.axes.length;
  if (axes < 1) throw new KilnError('BAD_DATA', `${block} needs at least one axis`);
  if (needFrequency && !(Number.isFinite(input.frequencyHz) && input.frequencyHz > 0)) {
    throw new KilnError('BAD_DATA', `${block} needs a positive sampling frequency, got ${input.frequencyHz} Hz`);
  }
  const values = input.values;
  if (values.length === 0 || values.length % axes !== 0) {
    throw new KilnError('BAD_DATA', `${block}: ${values.length} values do not split into readings of ${axes} axes (${input.axes.join(', ')})`);
  }
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) {
      const reading = Math.floor(i / axes);
      throw new KilnError('BAD_DATA', `${block}: reading ${reading}, axis "${input.axes[i % axes]}" is ${values[i]}`, {
        index: i,
      });
    }
  }
  return values.length / axes;
}
