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
  if (code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return new KilnError('TIMEOUT', `Custom block "${title}": ${what} took longer than ${timeoutMs} ms and was stopped`);
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
  try {
    script.runInContext(context, { timeout: timeoutMs, breakOnSigint: false });
  } catch (e) {
    throw userError(title, e, 'the top-level code', timeoutMs);
  }
  // helpers defined inside the context, so every value the user sees belongs to its realm
  const glue = new vm.Script(
    `(function () {
      const fn = typeof process === 'function' ? process : undefined;
      return {
        hasProcess: fn !== undefined,
        call(buffer, axesJson, frequencyHz, paramsJson) {
          const values = Array.from(new Float32Array(buffer));
          return fn(values, JSON.parse(axesJson), frequencyHz, JSON.parse(paramsJson));
        },
      };
    })()`,
    { filename: 'kiln-glue.js' },
  );
  const api = glue.runInContext(context) as { hasProcess: boolean; call(buffer: ArrayBuffer, axes: string, hz: number, params: string): unknown };
  if (!api.hasProcess) {
    throw new KilnError('BAD_DATA', `Custom block "${title}": define a function process(values, axes, frequencyHz, params) that returns an array of numbers`);
  }
  const call = new vm.Script('__kiln.call(__buffer, __axes, __hz, __params)', { filename: 'kiln-call.js' });
  return {
    run(input, params) {
      // the buffer is copied into the context's realm by the Float32Array constructor there
      const copy = new Float32Array(input.values).buffer;
      const holder = context as Record<string, unknown>;
      holder.__kiln = api;
      holder.__buffer = copy;
      holder.__axes = JSON.stringify(input.axes);
      holder.__hz = input.frequencyHz;
      holder.__params = JSON.stringify(params);
      let out: unknown;
      try {
        out = call.runInContext(context, { timeout: timeoutMs });
      } catch (e) {
        throw userError(title, e, 'process() on one window', timeoutMs);
      } finally {
        delete holder.__buffer;
      }
      return toFeatures(title, out);
    },
  };
}

function toFeatures(title: string, out: unknown): Float32Array {
  const isArrayLike = Array.isArray(out) || ArrayBuffer.isView(out);
  if (!isArrayLike) throw new KilnError('BAD_DATA', `Custom block "${title}": process() must return an array of numbers, got ${out === null ? 'null' : typeof out}`);
  const list = out as ArrayLike<unknown>;
  if (list.length === 0) throw new KilnError('BAD_DATA', `Custom block "${title}": process() returned an empty array`);
  const features = new Float32Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new KilnError('BAD_DATA', `Custom block "${title}": process() returned ${typeof v === 'number' ? v : JSON.stringify(v) ?? typeof v} at index ${i}; every feature must be a finite number`, { index: i });
    }
    features[i] = v;
  }
  return features;
}
