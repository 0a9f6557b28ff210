import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { FeaturesGenerateResult, FeaturesStatus } from '../../shared/api/impulse';
import { KilnError } from '../../shared/errors';
import { defaultImpulseFor } from '../../shared/impulse/defaults';
import { action } from './main';
import { printJson, printTable } from './output';

/** Reads and parses a JSON file ('-' = stdin); errors name the file. */
function readJsonFile(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    throw new KilnError(
      'BAD_FILE',
      `Cannot read the ${what.toLowerCase()} file "${file}": ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
      { file },
    );
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new KilnError('BAD_FILE', `${what} file "${file}" is not valid JSON: ${(e as Error).message}`, { file });
  }
}

function parseJsonOption(value: string, option: string): unknown {
  try {
    return JSON.parse(value);
  } catch (e) {
    throw new KilnError('BAD_REQUEST', `${option} is not valid JSON: ${(e as Error).message}`, { field: option });
  }
}

/** The conformance files' input layout → the API's: { axes, frequency_hz, values } / { width, height, values }. */
export function toRunInput(raw: unknown, file: string): { axes?: string[]; frequencyHz?: number; values: number[]; width?: number; height?: number } {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new KilnError('BAD_FILE', `Input file "${file}" must hold an object { axes, frequency_hz, values } (or { width, height, values } for an image)`, {
      file,
    });
  const o = raw as Record<string, unknown>;
  const input = 'input' in o && typeof o.input === 'object' && o.input !== null && !('values' in o) ? (o.input as Record<string, unknown>) : o;
  if (!Array.isArray(input.values)) throw new KilnError('BAD_FILE', `Input file "${file}" has no "values" array`, { file, field: 'values' });
  const bad = input.values.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
  if (bad >= 0)
    throw new KilnError('BAD_FILE', `Input file "${file}": values[${bad}] is ${JSON.stringify(input.values[bad])}; every value must be a finite number`, {
      file,
      field: `values.${bad}`,
    });
  const frequency = input.frequency_hz ?? input.frequencyHz;
  const out: ReturnType<typeof toRunInput> = { values: input.values as number[] };
  if (input.axes !== undefined) {
    if (!Array.isArray(input.axes) || !input.axes.every((a) => typeof a === 'string'))
      throw new KilnError('BAD_FILE', `Input file "${file}": "axes" must be a list of names`, { file, field: 'axes' });
    out.axes = input.axes as string[];
  }
  if (frequency !== undefined) {
    if (typeof frequency !== 'number')
      throw new KilnError('BAD_FILE', `Input file "${file}": "frequency_hz" must be a number`, { file, field: 'frequency_hz' });
    out.frequencyHz = frequency;
  }
  if (typeof input.width === 'number') out.width = input.width;
  if (typeof input.height === 'number') out.height = input.height;
  return out;
}

function printStatus(s: FeaturesStatus): void {
  printTable(
    s.blocks.map((b) => ({
      block: b.blockId,
      kind: b.block,
      windows: b.windows,
      features: b.featuresPerWindow,
      generated: b.generated,
      stale: b.stale,
      missing: b.missing,
    })),
    ['block', 'kind', 'windows', 'features', 'generated', 'stale', 'missing'],
  );
  for (const u of s.unusable) process.stdout.write(`  cannot use: ${u.message}\n`);
  process.stdout.write(
    s.upToDate
      ? 'Features are up to date\n'
      : s.saved
        ? 'Features need generating: kiln features --project …\n'
        : 'No impulse saved yet: kiln impulse set --project … --file impulse.json\n',
  );
}

/** `kiln` commands of the impulse domain: features, impulse show|set, dsp run|blocks. */
export function impulseCommands(program: Command): void {
  program
    .command('features')
    .description('generate the features of every sample through the impulse (only new or changed samples are computed)')
    .requiredOption('--project <name>', 'project name or path to a .kiln file')
    .option('--status', 'only show which features are generated, stale or missing')
    .action(
      action(async (ctx, opts: { project: string; status?: boolean }) => {
        if (opts.status) {
          const s = await ctx.call('features.status', { project: opts.project });
          if (ctx.json) printJson(s);
          else printStatus(s);
          return;
        }
        const { jobId } = await ctx.call('features.generate', { project: opts.project });
        const r = (await ctx.follow(jobId)) as FeaturesGenerateResult;
        if (ctx.json) printJson(r);
        else
          process.stdout.write(
            `Features of ${r.samples} samples: ${r.computedWindows} windows computed (${r.computedSamples} samples, ${r.workers} workers), ${r.cachedWindows} from the cache, in ${r.seconds.toFixed(1)} s\n`,
          );
      }),
    );

  const impulse = program.command('impulse').description('show or set the impulse of a project');
  impulse
    .command('show')
    .description('print the impulse as JSON (a suggested default when none is saved)')
    .requiredOption('--project <name>', 'project name or path to a .kiln file')
    .action(
      action(async (ctx, opts: { project: string }) => {
        const state = await ctx.call('impulse.get', { project: opts.project });
        if (ctx.json) {
          printJson(state);
          return;
        }
        printJson(state.impulse);
        if (!state.saved)
          process.stderr.write(`(suggested ${state.suggestion} impulse, not saved: kiln impulse set --project ${opts.project} --file impulse.json)\n`);
        for (const i of state.issues) process.stderr.write(`${i.severity}: ${i.message}\n`);
      }),
    );
  impulse
    .command('set')
    .description('save an impulse from a JSON file (as printed by `kiln impulse show`)')
    .requiredOption('--project <name>', 'project name or path to a .kiln file')
    .option('--file <file>', 'impulse JSON file; - for stdin', '-')
    .action(
      action(async (ctx, opts: { project: string; file: string }) => {
        const read = readJsonFile(opts.file, 'Impulse') as Record<string, unknown> | null;
        // `kiln --json impulse show` prints the whole state: take its impulse
        const definition = read && typeof read === 'object' && 'impulse' in read && !('input' in read) ? read.impulse : read;
        const state = await ctx.call('impulse.set', { project: opts.project, impulse: definition as never });
        if (ctx.json) printJson(state);
        else {
          process.stdout.write(
            `Saved the impulse of ${opts.project} (${state.impulse.dsp.length} processing, ${state.impulse.learning.length} learning block${state.impulse.learning.length === 1 ? '' : 's'})\n`,
          );
          for (const i of state.issues) process.stderr.write(`${i.severity}: ${i.message}\n`);
        }
      }),
    );

  impulse
    .command('suggest')
    .description("show the impulse Kiln suggests for the project's samples (window from the sample lengths); --apply saves it")
    .requiredOption('--project <name>', 'project name or path to a .kiln file')
    .option('--apply', 'save the suggestion as the impulse of the project')
    .action(
      action(async (ctx, opts: { project: string; apply?: boolean }) => {
        const current = await ctx.call('impulse.get', { project: opts.project });
        const { facts } = await ctx.call('impulse.validate', { project: opts.project, impulse: current.impulse });
        const { impulse: suggested, kind } = defaultImpulseFor(facts);
        const state = opts.apply ? await ctx.call('impulse.set', { project: opts.project, impulse: suggested as never }) : null;
        if (ctx.json) printJson({ kind, impulse: suggested, saved: !!state, issues: state?.issues ?? [] });
        else {
          printJson(suggested);
          process.stderr.write(
            state ? `Saved the suggested ${kind} impulse of ${opts.project}\n` : `(suggested ${kind} impulse, not saved: add --apply to save it)\n`,
          );
          for (const i of state?.issues ?? []) process.stderr.write(`${i.severity}: ${i.message}\n`);
        }
      }),
    );

  const dsp = program.command('dsp').description('run DSP blocks directly');
  dsp
    .command('blocks')
    .description('list the DSP blocks and their parameters')
    .option('--project <name>', 'also list this project’s custom blocks')
    .action(
      action(async (ctx, opts: { project?: string }) => {
        const blocks = await ctx.call('dsp.blocks', opts.project ? { project: opts.project } : {});
        if (ctx.json) printJson(blocks);
        else
          printTable(
            blocks.map((b) => ({ name: b.name, title: b.title, parameters: b.params.map((p) => `${p.key}=${String(p.default)}`).join(' ') })),
            ['name', 'title', 'parameters'],
          );
      }),
    );
  dsp
    .command('run')
    .description('run one block on one input and print {features, output_config, labels} as JSON')
    .requiredOption('--block <name>', 'block name (spectral_analysis, mfcc, mfe, spectrogram, flatten, raw, image, custom:<name>)')
    .option('--params <json>', 'parameters as JSON, names as in Edge Impulse; missing ones take defaults', '{}')
    .requiredOption('--input <file>', 'JSON { axes, frequency_hz, values } (interleaved) or { width, height, values } (packed RGB); - for stdin')
    .option('--project <name>', 'project of a custom block')
    .action(
      action(async (ctx, opts: { block: string; params: string; input: string; project?: string }) => {
        const params = parseJsonOption(opts.params, '--params');
        if (!params || typeof params !== 'object' || Array.isArray(params))
          throw new KilnError('BAD_REQUEST', '--params must be a JSON object, e.g. \'{"fft-length": 64}\'', { field: '--params' });
        const input = toRunInput(readJsonFile(opts.input, 'Input'), opts.input);
        const r = await ctx.call('dsp.run', {
          block: opts.block,
          params: params as Record<string, number | string | boolean>,
          input,
          ...(opts.project ? { project: opts.project } : {}),
        });
        const { type, ...shape } = r.shape;
        if (type === 'image' && shape.width && shape.height)
          Object.assign(shape, { frames: Math.max(1, Math.round(input.values.length / (shape.width * shape.height))) });
        printJson({ features: r.features, output_config: { type, shape }, ...(r.labels ? { labels: r.labels } : {}) });
      }),
    );
}
