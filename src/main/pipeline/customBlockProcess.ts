/**
 * One sandbox process for a project's custom DSP block: `child_process.fork` of Node itself with
 * `--max-old-space-size`, an empty environment, Node's permission model with no grant (no file
 * system, child process or worker; `--experimental-permission` on Node 20, `--permission` where
 * Node has it), no code generation from strings in its own realm either, and a hard kill when a
 * request overruns. The user's code runs in a vm context inside it (customBlockChildSource.ts);
 * what comes back is plain data: features, or an error message made inside the sandbox.
 * A crash, an out-of-memory abort or a kill fails that request with a clear error; the next
 * request starts a fresh process.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { KilnError, type KilnErrorCode } from '../../shared/errors';
import type { DspParams } from '../../shared/dsp/block';
import { CHILD_SOURCE } from './customBlockChildSource';

/** Limits for user code: per window (vm time limit), and the sandbox's heap. */
export const CUSTOM_WINDOW_TIMEOUT_MS = 1000;
export const CUSTOM_MEMORY_MB = 256;
/** on top of the per-window limit before the process is killed (a builtin that ignores vm's limit, messages) */
const HARD_KILL_GRACE_MS = 1500;

/** The permission flag this Node understands (20: experimental; 22.13+/23.5+: stable). */
export function permissionFlag(): string {
  return process.allowedNodeEnvironmentFlags.has('--permission') ? '--permission' : '--experimental-permission';
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: KilnError): void;
  timer: NodeJS.Timeout;
  /** restarts the hard limit (the sandbox reported progress) */
  rearm(): void;
}

type Reply =
  | { id: number; tick: number }
  | { id: number; ok: true; features?: Float32Array[] }
  | { id: number; ok: false; error: { code: string; message: string; line: number | null; window: number | null } };

export class CustomBlockProcess {
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, Pending>();
  private readonly ready: Promise<void>;
  private nextId = 1;
  private stderr = '';
  private exited: KilnError | null = null;
  private killedFor: KilnError | null = null;

  constructor(
    private readonly title: string,
    private readonly memoryMb = CUSTOM_MEMORY_MB,
  ) {
    this.child = fork('kiln-custom-block-sandbox', [], {
      execArgv: [permissionFlag(), `--max-old-space-size=${memoryMb}`, '--disallow-code-generation-from-strings', '--no-warnings', '-e', CHILD_SOURCE],
      // nothing from Kiln's environment; in Electron, run its binary as plain Node
      env: process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {},
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.child.stderr!.on('data', (d: Buffer) => {
      if (this.stderr.length < 20_000) this.stderr += d.toString('utf8');
    });
    this.ready = new Promise<void>((resolve, reject) => {
      this.child.once('message', () => resolve());
      this.child.once('exit', () => reject(this.exited ?? this.crashError(null, null)));
    });
    this.ready.catch(() => {});
    this.child.on('message', (m: Reply | { ready: true }) => this.onReply(m));
    this.child.on('error', () => {});
    this.child.on('exit', (code, signal) => this.onExit(code, signal));
  }

  get alive(): boolean {
    return this.exited === null;
  }

  /** Compiles the user's code and runs its top level; KilnError naming the line on failure. */
  async compile(code: string, timeoutMs = CUSTOM_WINDOW_TIMEOUT_MS): Promise<void> {
    await this.request({ type: 'compile', code, title: this.title, timeoutMs }, timeoutMs + HARD_KILL_GRACE_MS, 'the top-level code');
  }

  /** process() on each window; KilnError with `details.window` (index in `windows`) on failure. */
  async run(
    windows: Float32Array[],
    axes: readonly string[],
    frequencyHz: number,
    params: DspParams,
    timeoutMs = CUSTOM_WINDOW_TIMEOUT_MS,
  ): Promise<Float32Array[]> {
    // the limit is per window: the sandbox reports progress between windows and each report restarts it
    const r = (await this.request(
      { type: 'run', windows, axes: [...axes], hz: frequencyHz, params },
      timeoutMs + HARD_KILL_GRACE_MS,
      'process() on one window',
    )) as {
      features: Float32Array[];
    };
    return r.features;
  }

  kill(): void {
    if (this.exited) return;
    this.child.kill('SIGKILL');
  }

  private async request(message: Record<string, unknown>, hardMs: number, what: string): Promise<unknown> {
    await this.ready;
    if (this.exited) throw this.exited;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const arm = () =>
        setTimeout(() => {
          this.killedFor = new KilnError(
            'TIMEOUT',
            `Custom block "${this.title}": ${what} took longer than ${formatMs(hardMs)} and the sandbox was stopped (its time limit did not stop it: a huge allocation or a built-in that cannot be interrupted)`,
          );
          this.kill();
        }, hardMs);
      const p: Pending = {
        resolve,
        reject,
        timer: arm(),
        rearm: () => {
          clearTimeout(p.timer);
          p.timer = arm();
        },
      };
      this.pending.set(id, p);
      this.child.send({ ...message, id });
    });
  }

  private onReply(m: Reply | { ready: true }): void {
    if (!('id' in m)) return;
    const p = this.pending.get(m.id);
    if (!p) return;
    if ('tick' in m) return p.rearm();
    this.pending.delete(m.id);
    clearTimeout(p.timer);
    if (m.ok) p.resolve(m);
    else {
      const details: Record<string, unknown> = {};
      if (m.error.line) details.line = m.error.line;
      if (m.error.window !== null) details.window = m.error.window;
      p.reject(new KilnError(m.error.code as KilnErrorCode, m.error.message, Object.keys(details).length ? details : undefined));
    }
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.exited = this.killedFor ?? this.crashError(code, signal);
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(this.exited);
    }
    this.pending.clear();
  }

  private crashError(code: number | null, signal: NodeJS.Signals | null): KilnError {
    if (/heap out of memory|Allocation failed|Reached heap limit/i.test(this.stderr) || signal === 'SIGABRT' || code === 134) {
      return new KilnError('BAD_DATA', `Custom block "${this.title}" ran out of memory (limit ${this.memoryMb} MB) and was stopped`);
    }
    return new KilnError('INTERNAL', `Custom block "${this.title}": the sandbox process stopped unexpectedly (${signal ?? `exit code ${code}`})`);
  }
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${+(ms / 1000).toFixed(1)} s` : `${ms} ms`;
}
