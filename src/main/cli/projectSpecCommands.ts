import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { KilnError } from '../../shared/errors';
import { action } from './main';
import { printJson } from './output';

/** `kiln project export-spec|apply-spec`: the kiln.json document a CI pipeline keeps in git. */
export function projectSpecCommands(program: Command): void {
  const project = program.command('project').description('the project spec document (kiln.json): impulse, training settings, seed, quality gates');
  project
    .command('export-spec')
    .description('write the impulse, training settings, seed, architectures and quality gates as one JSON document')
    .requiredOption('--project <name>', 'project name or path to a .kiln file')
    .option('--out <file>', 'file to write; - for stdout', 'kiln.json')
    .action(
      action(async (ctx, opts: { project: string; out: string }) => {
        const spec = await ctx.call('projectSpec.export', { project: opts.project });
        const text = `${JSON.stringify(spec, null, 2)}\n`;
        if (opts.out === '-') return void process.stdout.write(text);
        const file = path.resolve(opts.out);
        try {
          writeFileSync(file, text);
        } catch (e) {
          throw new KilnError('BAD_FILE', `Cannot write ${file}: ${(e as Error).message}`, { file });
        }
        if (ctx.json) printJson({ path: file });
        else process.stdout.write(`Wrote ${file}\n`);
      }),
    );
  project
    .command('apply-spec')
    .description('validate a spec document (every problem names its field) and apply it to the project')
    .requiredOption('--project <name>', 'project name or path to a .kiln file')
    .requiredOption('--file <file>', 'the spec document (kiln.json); - for stdin')
    .action(
      action(async (ctx, opts: { project: string; file: string }) => {
        const name = opts.file === '-' ? 'stdin' : path.basename(opts.file);
        let text: string;
        try {
          text = readFileSync(opts.file === '-' ? 0 : opts.file, 'utf8');
        } catch (e) {
          const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
          throw new KilnError('BAD_FILE', `Cannot read ${opts.file}: ${missing ? 'no such file' : (e as Error).message}`, { file: opts.file });
        }
        let document: unknown;
        try {
          document = JSON.parse(text);
        } catch (e) {
          throw new KilnError('BAD_FILE', `${name} is not valid JSON: ${(e as Error).message}`, { file: opts.file });
        }
        const spec = await ctx.call('projectSpec.apply', { project: opts.project, document, source: name });
        if (ctx.json) printJson(spec);
        else
          process.stdout.write(
            `Applied ${name}: impulse with ${spec.impulse.dsp.length} processing and ${spec.impulse.learning.length} learning blocks, ${spec.training.epochs} epochs, seed ${spec.training.seed}, ${Object.keys(spec.gates).length} gate settings\n`,
          );
      }),
    );
}
