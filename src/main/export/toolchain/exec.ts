/** Runs one tool with a timeout and returns its output; a failure becomes a KilnError with the tool's stderr. */
import { spawn } from 'node:child_process';
import { KilnError } from '../../../shared/errors';

export interface ToolRun {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface ExecOptions {
  cwd?: string;
  timeoutMs?: number;
  /** exit codes that are results rather than failures (a program under test may return non-zero) */
  acceptAnyExit?: boolean;
}

export function execTool(file: string, args: readonly string[], opts: ExecOptions = {}): Promise<ToolRun> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new KilnError('UNSUPPORTED', `${file}: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const name = file.split('/').pop();
      if (timedOut) {
        reject(new KilnError('TIMEOUT', `${name} did not finish within ${timeoutMs} ms`, { stdout: stdout.slice(-2000) }));
        return;
      }
      const exitCode = code ?? (signal ? 128 : 1);
      if (exitCode !== 0 && !opts.acceptAnyExit) {
        const tail = (stderr || stdout).trim().split('\n').slice(-30).join('\n');
        reject(new KilnError('INTERNAL', `${name} ${args.slice(-3).join(' ')} failed (exit ${exitCode}):\n${tail}`));
        return;
      }
      resolve({ stdout, stderr, exitCode });
    });
  });
}
