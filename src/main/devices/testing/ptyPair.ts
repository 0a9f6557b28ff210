import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Two connected pseudo-terminals made by socat: write to `a`, read from `b` (and back). */
export interface PtyPair {
  a: string;
  b: string;
  pid: number;
  /** stops this socat (by its own PID) and removes the temp dir; safe to call twice */
  stop(): Promise<void>;
}

export async function startPtyPair(timeoutMs = 3000): Promise<PtyPair> {
  const dir = mkdtempSync(join(tmpdir(), 'kiln-pty-'));
  const a = join(dir, 'a');
  const b = join(dir, 'b');
  const child: ChildProcess = spawn(
    'socat',
    ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let spawnError: Error | undefined;
  child.once('error', (e) => (spawnError = e));

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      process.kill(child.pid, 'SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + timeoutMs;
  // "starting data transfer loop" means both ptys exist and socat is copying between them.
  while (!(existsSync(a) && existsSync(b) && stderr.includes('starting data transfer loop'))) {
    if (spawnError) throw new Error(`socat could not start (${spawnError.message}); apt-get install -y socat`);
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`socat did not create the pty pair in ${timeoutMs} ms: ${stderr.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  return { a, b, pid: child.pid!, stop };
}
