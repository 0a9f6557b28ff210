import path from 'node:path';
import { Option, type Command } from 'commander';
import type { ImportResult, ExportResult, SampleRow } from '../../shared/api/samples';
import { KilnError } from '../../shared/errors';
import { action } from './main';
import { printJson, printTable } from './output';

const categoryOption = () => new Option('--category <category>', 'train or test').choices(['train', 'test']);

/** `kiln` commands of the samples domain: import, export-data, samples list/counts/rebalance. */
export function samplesCommands(program: Command): void {
  program
    .command('import <paths...>')
    .description(
      'import sample files (CSV, Edge Impulse JSON/CBOR, WAV, PNG, JPEG), folders of them, or an Edge Impulse export (folder or .zip with training/, testing/, info.labels) into a project',
    )
    .requiredOption('--project <name>', 'project name or path to a .kiln file')
    .option('--label <label>', 'label for every file (default: from each file name, wave.01.csv → wave)')
    .addOption(
      new Option('--category <category>', 'train, test, or split (20 % of each label to test); an Edge Impulse export keeps its own categories')
        .choices(['train', 'test', 'split'])
        .default('split'),
    )
    .option('--interval-ms <ms>', 'CSV: ms between rows when the file has no timestamp column', parsePositive)
    .option('--columns <names>', 'CSV: comma-separated axis columns to import')
    .option('--timestamp-column <name>', 'CSV: name of the timestamp column')
    .action(
      action(
        async (
          ctx,
          paths: string[],
          opts: { project: string; label?: string; category: 'train' | 'test' | 'split'; intervalMs?: number; columns?: string; timestampColumn?: string },
        ) => {
          const csv = {
            ...(opts.intervalMs !== undefined ? { intervalMs: opts.intervalMs } : {}),
            ...(opts.columns
              ? {
                  columns: opts.columns
                    .split(',')
                    .map((c) => c.trim())
                    .filter(Boolean),
                }
              : {}),
            ...(opts.timestampColumn ? { timestampColumn: opts.timestampColumn } : {}),
          };
          const { jobId } = await ctx.call('samples.import', {
            project: opts.project,
            paths,
            category: opts.category,
            ...(opts.label ? { label: opts.label } : {}),
            ...(Object.keys(csv).length ? { csv } : {}),
          });
          const result = (await ctx.follow(jobId)) as ImportResult;
          if (ctx.json) printJson(result);
          else {
            const labels = Object.entries(result.byLabel).map(([l, n]) => `${l || 'unlabelled'}: ${n}`);
            process.stdout.write(
              `Imported ${result.imported} sample${result.imported === 1 ? '' : 's'}${labels.length ? ` (${labels.join(', ')})` : ''}: ${result.byCategory.train} train, ${result.byCategory.test} test\n`,
            );
            for (const w of result.warnings) process.stderr.write(`  warning: ${w.message}\n`);
            for (const f of result.failed) process.stderr.write(`  failed: ${f.message}\n`);
          }
          if (result.failed.length > 0) {
            throw new KilnError(
              'BAD_FILE',
              `${result.failed.length} file${result.failed.length === 1 ? '' : 's'} could not be imported${ctx.json ? '' : ' (listed above)'}; ${result.imported ? 'the others were imported' : 'nothing was imported'}`,
            );
          }
        },
      ),
    );

  program
    .command('export-data')
    .description('write the samples of a project as one file per sample, in training/ and testing/ folders')
    .requiredOption('--project <name>', 'project name or path to a .kiln file')
    .addOption(new Option('--format <format>', 'file format (images are always PNG)').choices(['ei-json', 'csv']).default('ei-json'))
    .requiredOption('--out <dir>', 'new or empty folder to write into')
    .option('--label <label>', 'only samples with this label')
    .addOption(categoryOption())
    .action(
      action(async (ctx, opts: { project: string; format: 'ei-json' | 'csv'; out: string; label?: string; category?: 'train' | 'test' }) => {
        // a folder anywhere on this machine: the CLI calls the service directly (the API confines `out` to the home)
        const { jobId } = ctx.services.dataset.startExport({
          project: opts.project,
          format: opts.format,
          out: pathFromCwd(opts.out),
          ...(opts.label !== undefined ? { label: opts.label } : {}),
          ...(opts.category ? { category: opts.category } : {}),
        });
        const result = (await ctx.follow(jobId)) as ExportResult;
        if (ctx.json) printJson(result);
        else process.stdout.write(`Exported ${result.files} samples (${(result.bytes / 1024 / 1024).toFixed(1)} MB) to ${result.dir}\n`);
      }),
    );

  const samples = program.command('samples').description('list and manage the samples of a project');
  samples
    .command('list')
    .description('list samples (all of them; filter with --label, --category, --text)')
    .requiredOption('--project <name>', 'project name or path to a .kiln file')
    .option('--label <label>', 'only this label')
    .addOption(categoryOption())
    .option('--text <text>', 'name, label or source contains this')
    .action(
      action(async (ctx, opts: { project: string; label?: string; category?: 'train' | 'test'; text?: string }) => {
        const rows: SampleRow[] = [];
        for (let offset = 0; ; offset += 1000) {
          const page = await ctx.call('samples.list', {
            project: opts.project,
            offset,
            limit: 1000,
            ...(opts.label !== undefined ? { label: opts.label } : {}),
            ...(opts.category ? { category: opts.category } : {}),
            ...(opts.text ? { text: opts.text } : {}),
          });
          rows.push(...page.rows);
          if (rows.length >= page.total || page.rows.length === 0) break;
        }
        if (ctx.json) printJson(rows);
        else
          printTable(
            rows.map((r) => ({
              ...r,
              length: r.kind === 'image' ? `${r.width}×${r.height}` : `${(r.lengthMs / 1000).toFixed(2)} s`,
              axes: r.sensors.map((s) => s.name).join(' '),
            })),
            ['id', 'name', 'label', 'category', 'length', 'axes', 'source'],
          );
      }),
    );
  samples
    .command('counts')
    .description('samples per label in train and test')
    .requiredOption('--project <name>', 'project name or path to a .kiln file')
    .action(
      action(async (ctx, opts: { project: string }) => {
        const c = await ctx.call('samples.counts', { project: opts.project });
        if (ctx.json) printJson(c);
        else {
          printTable(c.byLabel, ['label', 'train', 'test']);
          process.stdout.write(`${c.total} samples: ${c.train} train, ${c.test} test\n`);
        }
      }),
    );
  samples
    .command('rebalance')
    .description('move samples between train and test so each label has the same test share')
    .requiredOption('--project <name>', 'project name or path to a .kiln file')
    .option('--test <percent>', 'test share in %', parsePercent, 20)
    .option('--seed <n>', 'seed of the choice', (v) => parseInt(v, 10), 1)
    .action(
      action(async (ctx, opts: { project: string; test: number; seed: number }) => {
        const r = await ctx.call('samples.rebalance', { project: opts.project, testFraction: opts.test / 100, seed: opts.seed });
        if (ctx.json) printJson(r);
        else process.stdout.write(`Moved ${r.moved} samples: ${r.counts.train} train, ${r.counts.test} test\n`);
      }),
    );
}

function parsePositive(v: string): number {
  const n = Number(v);
  if (!(n > 0)) throw new KilnError('BAD_REQUEST', `--interval-ms must be a positive number of ms, not "${v}"`);
  return n;
}

function parsePercent(v: string): number {
  const n = Number(v);
  if (!(n >= 0 && n <= 100)) throw new KilnError('BAD_REQUEST', `--test must be a percentage 0…100, not "${v}"`);
  return n;
}

/** The CLI's --out is relative to the working folder (the API would put it under the home). */
function pathFromCwd(p: string): string {
  return path.resolve(p);
}
