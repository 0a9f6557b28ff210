import type { Command } from 'commander';
import { FORMAT_TITLES, libraryFormat, libraryPrecision, type LibraryFormat, type LibraryPrecision } from '../../shared/api/deploy';
import { KilnError } from '../../shared/errors';
import type { BuildResult } from '../export';
import { action, formatBytes } from './main';
import { printJson } from './output';

function choice<T extends string>(flag: string, options: readonly T[]) {
  return (v: string): T => {
    if (!(options as readonly string[]).includes(v)) throw new KilnError('BAD_REQUEST', `${flag} must be one of ${options.join(', ')}, not "${v}"`);
    return v as T;
  };
}

interface ExportOptions {
  project?: string;
  format?: LibraryFormat;
  precision: LibraryPrecision;
  board?: string;
  out?: string;
}

/** `kiln export`: builds a deployment (C library, Arduino library, ONNX) into a folder or zip, and keeps it in the project. */
export function exportCommands(program: Command): void {
  program
    .command('export')
    .description('build the C library, Arduino library or ONNX model of the active model and write it to a folder or .zip; kept in the project too')
    .option('--project <name>', 'project name or path to a .kiln file')
    .option('--format <format>', `c, arduino or onnx`, choice('--format', libraryFormat.options))
    .option('--precision <precision>', 'int8 or float32', choice('--precision', libraryPrecision.options), 'int8')
    .option('--board <id>', 'target board (boards/); refused when the estimate does not fit it')
    .option('--out <dir|zip>', 'a folder that is absent or empty, or a file ending in .zip that does not exist')
    .action(
      action(async (ctx, opts: ExportOptions) => {
        for (const flag of ['project', 'format', 'out'] as const) {
          if (!opts[flag]) throw new KilnError('BAD_REQUEST', `--${flag} is required (kiln export --project <name> --format c|arduino|onnx --out <dir|zip>)`);
        }
        const req = { format: opts.format!, precision: opts.precision, ...(opts.board ? { board: opts.board } : {}) };
        const estimate = opts.board ? await ctx.call('deploy.estimate', { project: opts.project!, ...req, board: opts.board }) : null;
        if (estimate && !ctx.json) {
          const e = estimate.estimate;
          process.stderr.write(
            `Estimate on ${estimate.board.name}: flash ${formatBytes(e.flashBytes)} of ${estimate.board.flashKb} KB, RAM ${formatBytes(e.ramBytes)} of ${estimate.board.ramKb} KB, ${e.totalMs.toFixed(1)} ms per window\n`,
          );
        }
        const { jobId } = ctx.services.deploy.startBuild(opts.project!, { ...req, out: opts.out! });
        const r = (await ctx.follow(jobId)) as BuildResult;
        if (ctx.json) printJson({ ...r, format: req.format, precision: req.precision, board: req.board ?? null, estimate: estimate?.estimate ?? null });
        else
          process.stdout.write(
            `Built the ${FORMAT_TITLES[req.format]} (${req.precision}) into ${r.path}: ${r.files} files, zip ${formatBytes(r.sizeBytes)}, sha256 ${r.sha256}; kept in the project as library #${r.libraryId}\n`,
          );
      }),
    );
}
