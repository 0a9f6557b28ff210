/**
 * Messages between a WorkerPool and its workers, and `serveTasks`, the worker side:
 * each request gets exactly one reply, errors as { code, message, details } (KilnErrors keep theirs).
 */
import { parentPort, type Transferable } from 'node:worker_threads';
import { isKilnError } from '../../shared/errors';

export interface TaskRequest<T> {
  id: number;
  task: T;
}

export type TaskReply<R> =
  { id: number; ok: true; result: R } | { id: number; ok: false; error: { code: string; message: string; details?: Record<string, unknown> } };

/** Worker side: answers every task with the handler's result (and its transfer list) or its error. */
export function serveTasks<T, R>(handler: (task: T) => Promise<{ result: R; transfer?: Transferable[] }> | { result: R; transfer?: Transferable[] }): void {
  const port = parentPort;
  if (!port) throw new Error('serveTasks runs inside a worker thread');
  port.on('message', async (request: TaskRequest<T>) => {
    try {
      const { result, transfer } = await handler(request.task);
      const reply: TaskReply<R> = { id: request.id, ok: true, result };
      port.postMessage(reply, transfer ?? []);
    } catch (e) {
      const error = isKilnError(e)
        ? { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) }
        : { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) };
      const reply: TaskReply<R> = { id: request.id, ok: false, error };
      port.postMessage(reply);
    }
  });
}
