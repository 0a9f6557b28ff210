// Test helper: runs the `kiln` CLI in this process against a home folder and captures its output.
import { vi } from 'vitest';
import { runCli } from '../main';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** Runs `kiln --home <home> …args`; returns the exit code, stdout and stderr. */
export async function runKiln(home: string, ...args: string[]): Promise<CliRun> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((err += String(chunk)), true));
  try {
    const code = await runCli(['node', 'kiln', '--home', home, ...args]);
    return { code, out, err };
  } finally {
    vi.restoreAllMocks();
  }
}
