/**
 * Backend selection. Training runs on Kiln's own engine (`kiln-js`, network.ts): it is exact per
 * seed and much faster than the pure-JS tfjs `cpu` backend for these small nets. tfjs is loaded
 * only where a tfjs model is needed (interop, cross-checks): `@tensorflow/tfjs-node` when it is
 * installed (it is an optional dependency), else `@tensorflow/tfjs` on the `cpu` backend.
 */
import type * as TfModule from '@tensorflow/tfjs';

export type BackendName = 'kiln-js' | 'tfjs-node' | 'tfjs-cpu' | 'tfjs-wasm';

export interface BackendInfo {
  name: BackendName;
  /** threads the backend computes on */
  threads: number;
  /** why this backend was chosen (e.g. "tfjs-node not installed") */
  note?: string;
}

/** The engine every training run uses. */
export const ENGINE_BACKEND: BackendInfo = {
  name: 'kiln-js',
  threads: 1,
  note: "Kiln's TypeScript engine (exact per seed)",
};

export type Tf = typeof TfModule;

export interface LoadedTf {
  tf: Tf;
  backend: BackendInfo;
}

/**
 * Load tfjs: `@tensorflow/tfjs-node` when installed, else `@tensorflow/tfjs` with the `cpu`
 * backend. Each call imports afresh (module cache makes it cheap), so no state is kept here.
 */
export async function loadTf(options: { preferNode?: boolean } = {}): Promise<LoadedTf> {
  let nodeError = 'not requested';
  if (options.preferNode !== false) {
    try {
      // a variable specifier keeps bundlers and tsc from requiring the optional package
      const specifier = '@tensorflow/tfjs-node';
      const tf = (await import(/* @vite-ignore */ specifier)) as Tf;
      await tf.ready();
      return { tf, backend: { name: 'tfjs-node', threads: 0, note: 'libtensorflow (multi-threaded)' } };
    } catch (e) {
      nodeError = e instanceof Error ? e.message.split('\n')[0]! : String(e);
    }
  }
  const tf = await import('@tensorflow/tfjs');
  await tf.setBackend('cpu');
  await tf.ready();
  return {
    tf,
    backend: { name: 'tfjs-cpu', threads: 1, note: `@tensorflow/tfjs-node unavailable (${nodeError})` },
  };
}
