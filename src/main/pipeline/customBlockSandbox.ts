/**
 * Runs a project's custom DSP block — plain JavaScript defining
 * `function process(values, axes, frequencyHz, params) { …; return number[] }` — in a `node:vm`
 * context without require, process, timers, file system or network, and without eval / new
 * Function. Values cross into the context as arrays created inside it (no outer-realm object to
 * climb from); every call has a time limit. Errors name the line of the user's code.
 * Runs inside a worker thread with memory limits (see featureWorker.ts); vm alone is not a
 * security boundary, the worker is the second wall.
 */
import vm from 'node:vm';
import type { DspInput, DspParams } from '../../shared/dsp/block';
import { KilnError } from '../../shared/errors';

/** File name the user's code is compiled under; stack frames carry it with line:column. */
const FILE = 'custom-block.js';

export interface CompiledCustomBlock {
  /** one window through the user's function; the output as Float32Array */
  run(input: DspInput, params: DspParams): Float32Array;
}

/** Line (1-based, in the user's code) of the first stack frame in it, if any. */
export function userLine(e: unknown): number | null {
  const stack = typeof (e as { stack?: unknown })?.stack === 'string' ? (e as { stack: string }).stack : '';
  const m = new RegExp(`${FILE.replace('.', '\\.')}:(\\d+)`).exec(stack);
  return m ? Number(m[1]) : null;
}

function describe(e: unknown): string {
  const err = e as { name?: unknown; message?: unknown };
  const name = typeof err?.name === 'string' ? err.name : 'Error';
  const message = typeof err?.message === 'string' ? err.message : String(e);
  return `${name}: ${message}`;
}

function userError(title: string, e: unknown, what: string, timeoutMs: number): KilnError {
  if (e instanceof KilnError) return e;
  const code = (e as { code?: unknown })?.code;
  if (code === 'ERR_SCRIPT_EXECUTION_TIMEOUT')
    return new KilnError('TIMEOUT', `Custom block "${title}": ${what} took longer than ${timeoutMs} ms and was stopped`);
  const line = userLine(e);
  return new KilnError('BAD_DATA', `Custom block "${title}"${line !== null ? `, line ${line}` : ''}: ${describe(e)}`, line !== null ? { line } : undefined);
}

/**
 * Compiles the code in a fresh context. Throws KilnError naming the line of a syntax error, or
 * when no `process` function is defined.
 */
export function compileCustomBlock(code: string, title: string, timeoutMs = 1000): CompiledCustomBlock {
  const context = vm.createContext(Object.create(null) as object, { codeGeneration: { strings: false, wasm: false }, name: `custom block ${title}` });
  let script: vm.Script;
  try {
    script = new vm.Script(code, { filename: FILE });
  } catch (e) {
    throw userError(title, e, 'compiling', timeoutMs);
  }
  // The glue runs before the user's code, so it holds the untouched built-ins. Every object the
  // user's code can reach belongs to the context's realm (an outer-realm object would lead,
  // through .constructor, to a Function that can eval). Data goes in through a sealed mailbox and
  // results come back as a null-prototype record of primitives plus a typed array read by index,
  // so nothing the user redefines (getters, setters, prototypes) runs outside the time limit.
  new vm.Script(
    `(function () {
      'use strict';
      const create = Object.create, seal = Object.seal, freeze = Object.freeze, isArray = Array.isArray, isView = ArrayBuffer.isView;
      const from = Array.from, parse = JSON.parse, F32 = Float32Array, F64 = Float64Array, stringify = JSON.stringify;
      const box = create(null);
      box.input = null; box.axes = '[]'; box.hz = 0; box.params = '{}'; box.n = 0;
      seal(box);
      const api = create(null);
      api.box = box;
      api.check = function () { return typeof process === 'function'; };
      api.alloc = function () { box.input = new F32(box.n); return box.input; };
      api.call = function () {
        const fn = process;
        const r = fn(from(box.input), parse(box.axes), box.hz, parse(box.params));
        const res = create(null);
        if (!isArray(r) && !isView(r)) { res.kind = r === null ? 'null' : typeof r; return freeze(res); }
        const n = r.length;
        const out = new F64(n);
        for (let i = 0; i < n; i++) {
          const v = r[i];
          if (typeof v !== 'number') { res.badIndex = i; res.badValue = typeof v === 'string' ? stringify(v) : typeof v; return freeze(res); }
          out[i] = v;
        }
        res.n = n;
        res.out = out;
        return freeze(res);
      };
      freeze(api);
      Object.defineProperty(globalThis, '__kiln', { value: api, writable: false, enumerable: false, configurable: false });
    })()`,
    { filename: 'kiln-glue.js' },
  ).runInContext(context);
  try {
    script.runInContext(context, { timeout: timeoutMs, breakOnSigint: false });
  } catch (e) {
    throw userError(title, e, 'the top-level code', timeoutMs);
  }
  type Res = { kind?: string; badIndex?: number; badValue?: string; n?: number; out?: Float64Array };
  const api = (context as { __kiln: { box: { input: unknown; axes: string; hz: number; params: string; n: number } } }).__kiln;
  const check = new vm.Script('__kiln.check()', { filename: 'kiln-check.js' });
  let ok: unknown;
  try {
    ok = check.runInContext(context, { timeout: timeoutMs });
  } catch (e) {
    throw userError(title, e, 'the top-level code', timeoutMs);
  }
  if (ok !== true) {
    throw new KilnError('BAD_DATA', `Custom block "${title}": define a function process(values, axes, frequencyHz, params) that returns an array of numbers`);
  }
  const alloc = new vm.Script('__kiln.alloc()', { filename: 'kiln-alloc.js' });
  const call = new vm.Script('__kiln.call()', { filename: 'kiln-call.js' });
  return {
    run(input, params) {
      let res: Res;
      try {
        api.box.n = input.values.length;
        const inner = alloc.runInContext(context, { timeout: timeoutMs }) as Float32Array;
        // filled by index: an indexed write on a typed array runs no user code
        for (let i = 0; i < input.values.length; i++) inner[i] = input.values[i]!;
        api.box.axes = JSON.stringify(input.axes);
        api.box.hz = input.frequencyHz;
        api.box.params = JSON.stringify(params);
        res = call.runInContext(context, { timeout: timeoutMs }) as Res;
      } catch (e) {
        throw userError(title, e, 'process() on one window', timeoutMs);
      } finally {
        api.box.input = null;
      }
      return toFeatures(title, res);
    },
  };
}

function toFeatures(title: string, res: { kind?: string; badIndex?: number; badValue?: string; n?: number; out?: Float64Array }): Float32Array {
  const kind = res.kind;
  if (typeof kind === 'string') throw new KilnError('BAD_DATA', `Custom block "${title}": process() must return an array of numbers, got ${kind}`);
  const badIndex = res.badIndex;
  if (typeof badIndex === 'number') {
    throw new KilnError(
      'BAD_DATA',
      `Custom block "${title}": process() returned ${String(res.badValue)} at index ${badIndex}; every feature must be a finite number`,
      { index: badIndex },
    );
  }
  const n = res.n;
  const out = res.out;
  if (typeof n !== 'number' || !(out instanceof Float64Array || ArrayBuffer.isView(out))) throw new KilnError('INTERNAL', `Custom block "${title}": no result`);
  if (n === 0) throw new KilnError('BAD_DATA', `Custom block "${title}": process() returned an empty array`);
  const features = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const v = out[i]!;
    if (!Number.isFinite(v))
      throw new KilnError('BAD_DATA', `Custom block "${title}": process() returned ${v} at index ${i}; every feature must be a finite number`, { index: i });
    features[i] = v;
  }
  return features;
}
