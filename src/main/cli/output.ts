/** How CLI commands print: tables for people, JSON for scripts, a progress bar on stderr. */
import type { JobInfo } from '../../shared/api/jobs';

export interface OutputOptions {
  json: boolean;
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

export function printTable(rows: Record<string, unknown>[], columns: string[]): void {
  if (rows.length === 0) {
    process.stdout.write('(none)\n');
    return;
  }
  const cells = rows.map((r) => columns.map((c) => formatCell(r[c])));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  process.stdout.write(line(columns.map((c) => c.toUpperCase())) + '\n');
  for (const row of cells) process.stdout.write(line(row) + '\n');
}

function formatCell(v: unknown): string {
  if (v === null || v === undefined) return '-';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(3);
  return String(v);
}

/** Draws a progress bar on stderr (only on a terminal, so logs and pipes stay clean). */
export class ProgressBar {
  private lastDraw = 0;
  private readonly tty = process.stderr.isTTY === true;

  update(fraction: number, status: string): void {
    if (!this.tty) return;
    const now = Date.now();
    if (now - this.lastDraw < 80 && fraction < 1) return;
    this.lastDraw = now;
    const width = 30;
    const filled = Math.round(Math.max(0, Math.min(1, fraction)) * width);
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    const text = `${bar} ${(fraction * 100).toFixed(0).padStart(3)}% ${status}`;
    process.stderr.write('\r' + text.slice(0, (process.stderr.columns || 100) - 1).padEnd(Math.min(100, (process.stderr.columns || 100) - 1)));
  }

  done(): void {
    if (this.tty) process.stderr.write('\n');
  }
}

export function describeJob(job: JobInfo): string {
  return job.state === 'succeeded' ? `${job.title}: done` : `${job.title}: ${job.state}${job.error ? ` — ${job.error.message}` : ''}`;
}
