/**
 * The program of the custom block sandbox process, as source text: it is started with
 * `node -e <this>` (see customBlockProcess.ts) so that Node's permission model can run with no
 * file system grant at all — not even for reading its own entry file — and so that it needs no
 * loader, bundle step or file beside the Electron bundle. Plain CommonJS, no imports but node:vm
 * and node:util. Tested through customBlockProcess.test.ts.
 *
 * Inside, the user's code runs in a `node:vm` context without require, process, timers or code
 * generation; every call has a vm time limit. Anything the user's code throws is turned into a
 * plain string *inside* that context, under the same time limit (a hostile getter, `toString`,
 * proxy or endless loop there is stopped like any other user code): the process's own code never
 * reads a property of a user object.
 */
export const CHILD_SOURCE = String.raw`'use strict';
const vm = require('node:vm');
const { types } = require('node:util');
const FILE = 'custom-block.js';
let block = null;

// vm's time-out error is a native Error made by Node with an own 'code' data property; both
// checks read no user-defined getter or proxy trap
function isHostTimeout(e) {
  if (!types.isNativeError(e)) return false;
  const code = Object.getOwnPropertyDescriptor(e, 'code');
  return code !== undefined && code.value === 'ERR_SCRIPT_EXECUTION_TIMEOUT';
}

// the length of a typed array of any realm, without the context's (user-redefinable) getter
const typedLength = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Float64Array.prototype), 'length').get;

const GLUE = "(function () {\n" +
  "'use strict';\n" +
  "const create = Object.create, seal = Object.seal, freeze = Object.freeze, isArray = Array.isArray, isView = ArrayBuffer.isView;\n" +
  "const from = Array.from, parse = JSON.parse, F32 = Float32Array, F64 = Float64Array, stringify = JSON.stringify, Str = String;\n" +
  "const exec = RegExp.prototype.exec, apply = Reflect.apply, lineRe = /custom-block\\.js:(\\d+)/;\n" +
  "const box = create(null);\n" +
  "box.input = null; box.axes = '[]'; box.hz = 0; box.params = '{}'; box.n = 0; box.error = null;\n" +
  "seal(box);\n" +
  "function text(v, max) { return typeof v === 'string' ? (v.length > max ? v.slice(0, max) + '…' : v) : null; }\n" +
  "function describe(e) {\n" +
  "  const res = create(null);\n" +
  "  res.message = 'a thrown value that could not be read'; res.line = 0;\n" +
  "  try {\n" +
  "    if (e === null || (typeof e !== 'object' && typeof e !== 'function')) {\n" +
  "      res.message = 'threw ' + (typeof e === 'string' ? stringify(text(e, 300)) : typeof e === 'symbol' ? 'a symbol' : Str(e));\n" +
  "    } else {\n" +
  "      let name = null, message = null, stack = null;\n" +
  "      try { name = text(e.name, 100); } catch (_) {}\n" +
  "      try { message = text(e.message, 1000); } catch (_) {}\n" +
  "      try { stack = text(e.stack, 5000); } catch (_) {}\n" +
  "      res.message = (name || 'Error') + ': ' + (message === null ? '(no message)' : message);\n" +
  "      const m = stack === null ? null : apply(exec, lineRe, [stack]);\n" +
  "      if (m && typeof m[1] === 'string') res.line = +m[1];\n" +
  "    }\n" +
  "  } catch (_) {}\n" +
  "  if (typeof res.message !== 'string') res.message = 'a thrown value that could not be read';\n" +
  "  if (typeof res.line !== 'number' || !(res.line > 0)) res.line = 0;\n" +
  "  return freeze(res);\n" +
  "}\n" +
  "const api = create(null);\n" +
  "api.box = box;\n" +
  "api.check = function () { return typeof process === 'function'; };\n" +
  "api.alloc = function () { box.input = new F32(box.n); return box.input; };\n" +
  "api.describe = function () { const e = box.error; box.error = null; return describe(e); };\n" +
  "api.call = function () {\n" +
  "  const res = create(null);\n" +
  "  let r;\n" +
  "  try {\n" +
  "    const fn = process;\n" +
  "    r = fn(from(box.input), parse(box.axes), box.hz, parse(box.params));\n" +
  "    if (!isArray(r) && !isView(r)) { res.kind = r === null ? 'null' : typeof r; return freeze(res); }\n" +
  "    const n = r.length;\n" +
  "    if (typeof n !== 'number' || n > 1e7) { res.kind = 'an array of unusable length'; return freeze(res); }\n" +
  "    const out = new F64(n);\n" +
  "    for (let i = 0; i < n; i++) {\n" +
  "      const v = r[i];\n" +
  "      if (typeof v !== 'number') { res.badIndex = i; res.badValue = typeof v === 'string' ? stringify(text(v, 100)) : typeof v; return freeze(res); }\n" +
  "      out[i] = v;\n" +
  "    }\n" +
  "    res.n = n;\n" +
  "    res.out = out;\n" +
  "    return freeze(res);\n" +
  "  } catch (e) {\n" +
  "    res.thrown = describe(e);\n" +
  "    return freeze(res);\n" +
  "  }\n" +
  "};\n" +
  "freeze(api);\n" +
  "Object.defineProperty(globalThis, '__kiln', { value: api, writable: false, enumerable: false, configurable: false });\n" +
  "})()";

class BlockError {
  constructor(code, message, line) { this.code = code; this.message = message; this.line = line; }
}

function timeoutError(title, what, timeoutMs) {
  return new BlockError('TIMEOUT', 'Custom block "' + title + '": ' + what + ' took longer than ' + timeoutMs + ' ms and was stopped', 0);
}

function userError(title, d) {
  return new BlockError('BAD_DATA', 'Custom block "' + title + '"' + (d.line ? ', line ' + d.line : '') + ': ' + d.message, d.line);
}

// Runs a glue script; a throw out of it is either vm's time-out or a user value, which is
// described inside the context (under the time limit) and never read here.
function inContext(b, script, what) {
  try {
    return script.runInContext(b.context, { timeout: b.timeoutMs, breakOnSigint: false });
  } catch (e) {
    if (isHostTimeout(e)) throw timeoutError(b.title, what, b.timeoutMs);
    b.api.box.error = e;
    let d;
    try {
      d = b.describe.runInContext(b.context, { timeout: b.timeoutMs });
    } catch (_) {
      throw new BlockError('BAD_DATA', 'Custom block "' + b.title + '": ' + what + ' threw a value that could not be described in time', 0);
    }
    throw userError(b.title, plain(d));
  }
}

// a glue record: null prototype, frozen, primitives only (checked without running user code)
function plain(d) {
  if (types.isProxy(d) || typeof d !== 'object' || d === null) return { message: 'an unreadable result', line: 0 };
  const message = Object.getOwnPropertyDescriptor(d, 'message');
  const line = Object.getOwnPropertyDescriptor(d, 'line');
  return {
    message: message && typeof message.value === 'string' ? message.value : 'an unreadable error',
    line: line && typeof line.value === 'number' ? line.value : 0,
  };
}

function own(d, key) {
  const p = Object.getOwnPropertyDescriptor(d, key);
  return p ? p.value : undefined;
}

function compile(msg) {
  const title = String(msg.title);
  const timeoutMs = Number(msg.timeoutMs);
  let script;
  try {
    script = new vm.Script(String(msg.code), { filename: FILE });
  } catch (e) {
    // a SyntaxError of the compiler (this realm): no user code has run
    const m = /custom-block\.js:(\d+)/.exec(String(e && e.stack));
    throw userError(title, { message: String(e && e.name) + ': ' + String(e && e.message), line: m ? Number(m[1]) : 0 });
  }
  // afterEvaluate: promise callbacks of the user's code run inside the time limit too
  const context = vm.createContext(Object.create(null), { codeGeneration: { strings: false, wasm: false }, microtaskMode: 'afterEvaluate', name: 'custom block ' + title });
  new vm.Script(GLUE, { filename: 'kiln-glue.js' }).runInContext(context);
  const api = context.__kiln;
  const b = {
    title, timeoutMs, context, api,
    describe: new vm.Script('__kiln.describe()', { filename: 'kiln-describe.js' }),
    alloc: new vm.Script('__kiln.alloc()', { filename: 'kiln-alloc.js' }),
    call: new vm.Script('__kiln.call()', { filename: 'kiln-call.js' }),
  };
  inContext(b, script, 'the top-level code');
  if (inContext(b, new vm.Script('__kiln.check()', { filename: 'kiln-check.js' }), 'the top-level code') !== true) {
    throw new BlockError('BAD_DATA', 'Custom block "' + title + '": define a function process(values, axes, frequencyHz, params) that returns an array of numbers', 0);
  }
  block = b;
}

function runWindow(b, values, axes, hz, params) {
  b.api.box.n = values.length;
  const inner = inContext(b, b.alloc, 'process() on one window');
  // filled by index: an indexed write on a typed array of the context runs no user code
  for (let i = 0; i < values.length; i++) inner[i] = values[i];
  b.api.box.axes = axes;
  b.api.box.hz = hz;
  b.api.box.params = params;
  let res;
  try {
    res = inContext(b, b.call, 'process() on one window');
  } finally {
    b.api.box.input = null;
  }
  if (types.isProxy(res) || typeof res !== 'object' || res === null) throw new BlockError('INTERNAL', 'Custom block "' + b.title + '": no result', 0);
  const thrown = own(res, 'thrown');
  if (thrown !== undefined) throw userError(b.title, plain(thrown));
  const kind = own(res, 'kind');
  if (typeof kind === 'string') throw new BlockError('BAD_DATA', 'Custom block "' + b.title + '": process() must return an array of numbers, got ' + kind, 0);
  const badIndex = own(res, 'badIndex');
  if (typeof badIndex === 'number') {
    throw new BlockError('BAD_DATA', 'Custom block "' + b.title + '": process() returned ' + String(own(res, 'badValue')) + ' at index ' + badIndex + '; every feature must be a finite number', 0);
  }
  const n = own(res, 'n');
  const out = own(res, 'out');
  if (typeof n !== 'number' || !types.isFloat64Array(out) || Reflect.apply(typedLength, out, []) !== n) throw new BlockError('INTERNAL', 'Custom block "' + b.title + '": no result', 0);
  if (n === 0) throw new BlockError('BAD_DATA', 'Custom block "' + b.title + '": process() returned an empty array', 0);
  const features = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const v = out[i];
    if (!Number.isFinite(v)) throw new BlockError('BAD_DATA', 'Custom block "' + b.title + '": process() returned ' + v + ' at index ' + i + '; every feature must be a finite number', 0);
    features[i] = v;
  }
  return features;
}

function run(msg) {
  if (!block) throw new BlockError('INTERNAL', 'No custom block compiled', 0);
  const axes = JSON.stringify(msg.axes), params = JSON.stringify(msg.params), hz = Number(msg.hz);
  const features = [];
  let lastTick = Date.now();
  for (let w = 0; w < msg.windows.length; w++) {
    try {
      features.push(runWindow(block, msg.windows[w], axes, hz, params));
    } catch (e) {
      e.window = w;
      throw e;
    }
    // alive and between windows: the parent's hard limit starts again from here
    if (Date.now() - lastTick > 100) {
      lastTick = Date.now();
      process.send({ id: msg.id, tick: w });
    }
  }
  return features;
}

process.on('message', (msg) => {
  let reply;
  try {
    if (msg.type === 'compile') { compile(msg); reply = { id: msg.id, ok: true }; }
    else if (msg.type === 'run') reply = { id: msg.id, ok: true, features: run(msg) };
    else throw new BlockError('INTERNAL', 'Unknown request', 0);
  } catch (e) {
    const err = e instanceof BlockError ? e : new BlockError('INTERNAL', 'The sandbox failed: ' + String(e && e.message), 0);
    reply = { id: msg.id, ok: false, error: { code: err.code, message: err.message, line: err.line || null, window: typeof e.window === 'number' ? e.window : null } };
  }
  process.send(reply);
});
// a promise the user's code left rejected (an import() attempt) is not a reason to stop
process.on('unhandledRejection', () => {});
// Kiln (or the worker thread that started this) went away: so does the sandbox
process.on('disconnect', () => process.exit(0));
process.send({ ready: true });
`;
