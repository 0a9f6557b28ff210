import type { Command } from 'commander';
import type { VersionDiff, VersionSummary } from '../../shared/api/versions';
import { KilnError } from '../../shared/errors';
import { action } from './main';
import { printJson, printTable } from './output';

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)} %`);

function versionId(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new KilnError('BAD_REQUEST', `A version id is a positive whole number, not "${v}"`, { field: 'id' });
  return n;
}

function counts(v: VersionSummary): string {
  return v.counts.map((c) => `${c.label} ${c.train}+${c.test}`).join(', ');
}

function printDiff(d: VersionDiff): void {
  const s = d.samples;
  process.stdout.write(
    `#${d.from.id} → #${d.to.id}: ${s.added} samples added, ${s.removed} removed, ${s.relabelled} relabelled, ${s.moved} moved between train and test\n`,
  );
  if (s.byLabel.length) printTable(s.byLabel, ['label', 'added', 'removed', 'relabelledIn', 'relabelledOut', 'moved']);
  const show = (x: unknown) => JSON.stringify(x);
  for (const [title, changes] of [
    ['Impulse', d.impulse],
    ['Training settings', d.settings],
  ] as const) {
    process.stdout.write(changes.length ? `${title}:\n` : `${title}: unchanged\n`);
    for (const c of changes) process.stdout.write(`  ${c.path}: ${show(c.from)} → ${show(c.to)}\n`);
  }
  for (const m of d.metrics) process.stdout.write(`${m.name}: ${m.from ?? '—'} → ${m.to ?? '—'}\n`);
}

/** `kiln versions list|create|diff|restore|export`. */
export function versionsCommands(program: Command): void {
  const versions = program.command('versions').description('immutable versions of a project: create, list, diff, restore, export');
  versions
    .command('list')
    .description('list the versions (newest first)')
    .requiredOption('--project <name>', 'project name or path to a .kiln file')
    .action(
      action(async (ctx, opts: { project: string }) => {
        const list = await ctx.call('versions.list', { project: opts.project });
        if (ctx.json) return printJson(list);
        if (!list.length) return void process.stdout.write('No versions yet: kiln versions create --project … --message "…"\n');
        printTable(
          list.map((v) => ({
            id: v.id,
            message: v.message,
            created: v.createdAt.slice(0, 19).replace('T', ' '),
            samples: v.samples,
            'per label (train+test)': counts(v),
            accuracy: pct(v.accuracy),
            'model bytes': v.modelBytes ?? '—',
          })),
          ['id', 'message', 'created', 'samples', 'per label (train+test)', 'accuracy', 'model bytes'],
        );
      }),
    );
  versions
    .command('create')
    .description('store the dataset, impulse, settings and active model as a new version')
    .requiredOption('--project <name>', 'project name or path to a .kiln file')
    .requiredOption('--message <text>', 'what changed (1–200 characters)')
    .action(
      action(async (ctx, opts: { project: string; message: string }) => {
        const v = await ctx.call('versions.create', { project: opts.project, message: opts.message });
        if (ctx.json) printJson(v);
        else process.stdout.write(`Created version #${v.id} "${v.message}": ${v.samples} samples (${counts(v)}), accuracy ${pct(v.accuracy)}\n`);
      }),
    );
  versions
    .command('diff <from> <to>')
    .description('what changed between two versions: samples per label, impulse and settings field by field, metrics')
    .requiredOption('--project <name>', 'project name or path to a .kiln file')
    .action(
      action(async (ctx, from: string, to: string, opts: { project: string }) => {
        const d = await ctx.call('versions.diff', { project: opts.project, from: versionId(from), to: versionId(to) });
        if (ctx.json) printJson(d);
        else printDiff(d);
      }),
    );
  versions
    .command('restore <id>')
    .description('make the working project the version (the current state is kept as a version first)')
    .requiredOption('--project <name>', 'project name or path to a .kiln file')
    .action(
      action(async (ctx, id: string, opts: { project: string }) => {
        const r = await ctx.call('versions.restore', { project: opts.project, id: versionId(id) });
        if (ctx.json) printJson(r);
        else
          process.stdout.write(
            `Restored version #${r.restored.id} "${r.restored.message}" (${r.samples} samples). The state before is version #${r.backup.id}: kiln versions restore ${r.backup.id} --project ${opts.project} undoes this.\n`,
          );
      }),
    );
  versions
    .command('export <id>')
    .description("write the version as a standalone .kiln file in the home's exports folder")
    .requiredOption('--project <name>', 'project name or path to a .kiln file')
    .action(
      action(async (ctx, id: string, opts: { project: string }) => {
        const { jobId } = await ctx.call('versions.export', { project: opts.project, id: versionId(id) });
        const result = (await ctx.follow(jobId)) as { path: string };
        if (ctx.json) printJson(result);
        else process.stdout.write(`Exported version #${id} to ${result.path}\n`);
      }),
    );
}
