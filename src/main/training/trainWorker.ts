/**
 * Entry of the training worker thread: runs one train or test task (workerData) and posts
 * progress, log lines, epochs and finally the result or the error to the parent. Cancel: the
 * parent sets a shared flag (the trainer polls it between batches, even inside its synchronous
 * loops) and terminates the worker if it does not stop soon.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isKilnError } from '../../shared/errors.js';
import { runTestTask, runTrainTask, type Reporter, type TestTask, type TrainTask } from './trainRun.js';

export type WorkerMessage =
  | { type: 'progress'; fraction: number; status: string }
  | { type: 'log'; message: string }
  | { type: 'epoch'; metrics: import('../../shared/api/training.js').EpochMetrics; epochs: number }
  | { type: 'done'; result: unknown }
  | { type: 'error'; error: { code: string; message: string; details?: Record<string, unknown> } };

export interface WorkerInput {
  task: TrainTask | TestTask;
  /** Int32Array over a SharedArrayBuffer: [0] = 1 when cancelled */
  cancel: Int32Array;
}

const port = parentPort!;
const input = workerData as WorkerInput;
const post = (m: WorkerMessage) => port.postMessage(m);

const reporter: Reporter = {
  progress: (fraction, status) => post({ type: 'progress', fraction, status }),
  log: (message) => post({ type: 'log', message }),
  epoch: (metrics, epochs) => post({ type: 'epoch', metrics, epochs }),
  shouldCancel: () => Atomics.load(input.cancel, 0) === 1,
};

const task = input.task;

// no top-level await: the Electron build bundles this entry as CommonJS
(task.kind === 'train' ? runTrainTask(task, reporter) : runTestTask(task, reporter)).then(
  (result) => post({ type: 'done', result }),
  (e: unknown) =>
    post({
      type: 'error',
      error: isKilnError(e)
        ? { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) }
        : { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) },
    }),
);
