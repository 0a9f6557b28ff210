/**
 * Worker threads for CPU-heavy work (feature batches now; training and tuner trials later).
 * `spawnWorker` starts a worker from a module URL — TypeScript entries (dev, tests, `bin/kiln.js`)
 * go through a tiny bootstrap that registers tsx inside the worker; built `.js` entries start
 * directly. `WorkerPool` runs tasks on N workers (one per core by default) with a per-task time
 * limit, optional memory limits, and never hangs: a worker that crashes, runs out of memory or
 * overruns is terminated, its task fails with a clear error, and a fresh worker takes its place.
 */
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker, type ResourceLimits, type Transferable, type WorkerOptions } from 'node:worker_threads';
import { KilnError, type KilnErrorCode } from '../../shared/errors';
import type { TaskReply, TaskRequest } from './workerProtocol';

const bootstrap = new URL('./tsWorkerBootstrap.mjs', import.meta.url);

/** Starts a worker for a module URL, TypeScript or JavaScript. */
export function spawnWorker(entry: URL, options: WorkerOptions = {}): Worker {
  if (fileURLToPath(entry).endsWith('.ts')) {
    return new Worker(bootstrap, { ...options, argv: [...(options.argv ?? []), entry.href] });
  }
  return new Worker(entry, options);
}

/** Cores to use: what the OS offers to this process. */
export function defaultPoolSize(): number {
  return Math.max(1, typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length);
}

export interface WorkerPoolOptions {
  /** workers (default: one per core) */
  size?: number;
  /** given to every worker as `workerData` */
  workerData?: unknown;
  resourceLimits?: ResourceLimits;
  /** default per-task limit in ms (a task may give its own) */
  taskTimeoutMs?: number;
  /** what the work is called in error messages ("Feature generation") */
  name?: string;
}

interface Pending {
  id: number;
  task: unknown;
  transfer: Transferable[];
  timeoutMs: number;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

interface Slot {
  worker: Worker;
  busy: Pending | null;
  timer: NodeJS.Timeout | null;
  ready: boolean;
}

export class WorkerPool<Task, Result> {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;
  readonly size: number;

  constructor(
    private readonly entry: URL,
    private readonly options: WorkerPoolOptions = {},
  ) {
    this.size = Math.max(1, options.size ?? defaultPoolSize());
  }

  /** Runs one task on the next free worker. Rejects with the worker's KilnError, or TIMEOUT / INTERNAL. */
  run(task: Task, transfer: Transferable[] = [], timeoutMs = this.options.taskTimeoutMs ?? 0): Promise<Result> {
    if (this.closed) return Promise.reject(new KilnError('CANCELLED', `${this.name} was stopped`));
    return new Promise<Result>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, task, transfer, timeoutMs, resolve: resolve as (v: unknown) => void, reject });
      this.pump();
    });
  }

  /** Stops every worker; queued and running tasks fail with CANCELLED. */
  async close(reason = `${this.name} was stopped`): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const error = new KilnError('CANCELLED', reason);
    for (const p of this.queue.splice(0)) p.reject(error);
    await Promise.all(
      this.slots.splice(0).map((slot) => {
        this.clearTimer(slot);
        slot.busy?.reject(error);
        slot.busy = null;
        return slot.worker.terminate();
      }),
    );
  }

  private get name(): string {
    return this.options.name ?? 'The worker';
  }

  private pump(): void {
    while (this.queue.length && !this.closed) {
      let slot = this.slots.find((s) => !s.busy);
      if (!slot) {
        if (this.slots.length >= this.size) return;
        slot = this.startSlot();
      }
      this.dispatch(slot, this.queue.shift()!);
    }
  }

  private startSlot(): Slot {
    const worker = spawnWorker(this.entry, {
      workerData: this.options.workerData,
      ...(this.options.resourceLimits ? { resourceLimits: this.options.resourceLimits } : {}),
      stdout: false,
      stderr: false,
    });
    const slot: Slot = { worker, busy: null, timer: null, ready: false };
    worker.on('message', (reply: TaskReply<Result>) => this.onReply(slot, reply));
    worker.on('error', (e) => this.onDeath(slot, describeWorkerError(e, this.name, this.options.resourceLimits)));
    worker.on('exit', (code) => this.onDeath(slot, new KilnError('INTERNAL', `${this.name} stopped unexpectedly (exit code ${code})`)));
    worker.unref();
    this.slots.push(slot);
    return slot;
  }

  private dispatch(slot: Slot, p: Pending): void {
    slot.busy = p;
    if (p.timeoutMs > 0) {
      slot.timer = setTimeout(() => {
        this.replace(slot, new KilnError('TIMEOUT', `${this.name} took longer than ${formatMs(p.timeoutMs)} and was stopped`));
      }, p.timeoutMs);
    }
    const request: TaskRequest<unknown> = { id: p.id, task: p.task };
    slot.worker.ref();
    slot.worker.postMessage(request, p.transfer);
  }

  private onReply(slot: Slot, reply: TaskReply<Result>): void {
    const p = slot.busy;
    if (!p || reply.id !== p.id) return;
    this.clearTimer(slot);
    slot.busy = null;
    slot.worker.unref();
    if (reply.ok) p.resolve(reply.result);
    else p.reject(new KilnError(reply.error.code as KilnErrorCode, reply.error.message, reply.error.details));
    this.pump();
  }

  private onDeath(slot: Slot, error: KilnError): void {
    if (!this.slots.includes(slot)) return;
    this.replace(slot, error);
  }

  /** Terminates a worker (hung, crashed or out of memory), fails its task and lets the queue go on. */
  private replace(slot: Slot, error: KilnError): void {
    this.clearTimer(slot);
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
    const p = slot.busy;
    slot.busy = null;
    slot.worker.removeAllListeners('message');
    slot.worker.removeAllListeners('exit');
    slot.worker.on('error', () => {});
    void slot.worker.terminate();
    p?.reject(error);
    this.pump();
  }

  private clearTimer(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
  }
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${+(ms / 1000).toFixed(1)} s` : `${ms} ms`;
}

function describeWorkerError(e: unknown, name: string, limits?: ResourceLimits): KilnError {
  const err = e as { code?: string; message?: string };
  if (err?.code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return new KilnError(
      'BAD_DATA',
      `${name} ran out of memory${limits?.maxOldGenerationSizeMb ? ` (limit ${limits.maxOldGenerationSizeMb} MB)` : ''} and was stopped`,
    );
  }
  return new KilnError('INTERNAL', `${name} failed: ${err?.message ?? String(e)}`);
}
