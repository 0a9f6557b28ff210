/**
 * `kiln` — the command line. Calls the same services and dispatcher as the studio, so every
 * argument is validated by the same contract and errors read the same.
 */
import { Command, CommanderError, Option } from 'commander';
import path from 'node:path';
import { createDispatcher } from '../api';
import type { Dispatcher } from '../api/dispatcher';
import { createServices, type Services } from '../app/services';
import { KILN_VERSION } from '../app/version';
import { defaultHome } from '../store/projectHome';
import type { ArgsOf, Method, ResultOf } from '../../shared/api/contract';
import { KilnError } from '../../shared/errors';
import { describeJob, printJson, printTable, ProgressBar } from './output';
import { serveCommand } from './serve';
import { startProjectImport } from '../app/projectImport';
import { devicesCommands } from './devicesCommands';
import { samplesCommands } from './samplesCommands';
import { impulseCommands } from './impulseCommands';
import { trainingCommands } from './trainingCommands';
import { liveCommands } from './liveCommands';
import { exportCommands } from './exportCommands';
import { versionsCommands } from './versionsCommands';
import { projectSpecCommands } from './projectSpecCommands';

export interface CliContext {
  services: Services;
  dispatcher: Dispatcher;
  json: boolean;
  call<M extends Method>(method: M, args: ArgsOf<M>): Promise<ResultOf<M>>;
  /** waits for a job, drawing a progress bar; throws if it did not succeed */
  follow(jobId: string): Promise<unknown>;
}

interface GlobalOptions {
  home?: string;
  json?: boolean;
  trustCustomCode?: boolean;
}

function context(cmd: Command): CliContext {
  const opts = cmd.optsWithGlobals<GlobalOptions>();
  const services = createServices({ home: path.resolve(opts.home ?? defaultHome()), host: 'cli', trustCustomCode: opts.trustCustomCode === true });
  const dispatcher = createDispatcher(services);
  const ctx: CliContext = {
    services,
    dispatcher,
    json: opts.json === true,
    async call(method, args) {
      const response = await dispatcher.call(method, args);
      if (!response.ok) throw new KilnError(response.error.code as never, response.error.message);
      return response.result as never;
    },
    async follow(jobId) {
      const bar = new ProgressBar();
      const unsubscribe = services.events.subscribe((e) => {
        if (e.name === 'job.updated' && e.payload.id === jobId) bar.update(e.payload.progress, e.payload.status);
        if (e.name === 'job.log' && e.payload.jobId === jobId && !ctx.json) {
          bar.done();
          process.stderr.write(`${e.payload.line.message}\n`);
        }
      });
      const job = await services.jobs.wait(jobId);
      unsubscribe();
      bar.done();
      if (job.state !== 'succeeded') throw new KilnError((job.error?.code ?? 'INTERNAL') as never, describeJob(job));
      return job.result;
    },
  };
  return ctx;
}

/** Runs a command body with services that are always disposed, mapping errors to exit codes. */
export function action<A extends unknown[]>(body: (ctx: CliContext, ...args: A) => Promise<void>) {
  return async (...args: A) => {
    const cmd = args[args.length - 1] as Command;
    const ctx = context(cmd);
    try {
      await body(ctx, ...args);
    } finally {
      ctx.services.dispose();
    }
  };
}

export function buildProgram(): Command {
  const program = new Command('kiln')
    .description('Kiln — offline studio for embedded machine learning')
    .version(KILN_VERSION)
    .addOption(new Option('--home <dir>', 'folder that holds the projects').env('KILN_HOME').default(undefined, '~/Kiln'))
    .option('--json', 'print machine-readable JSON')
    .option(
      '--trust-custom-code',
      "run projects' custom DSP code without asking (it runs in a sandbox; without this, a project's custom code runs only once allowed in the studio)",
    )
    .showHelpAfterError()
    .exitOverride();

  serveCommand(program);

  const projects = program.command('projects').description('create, list, rename, duplicate, import and delete projects');
  projects
    .command('list')
    .description('list the projects in the home folder')
    .action(
      action(async (ctx) => {
        const list = await ctx.call('projects.list', {});
        if (ctx.json) printJson(list);
        else
          printTable(
            list.map((p) => ({ ...p, size: formatBytes(p.sizeBytes), samples: p.sampleCount, created: p.createdAt?.slice(0, 10), status: p.error ?? 'ok' })),
            ['name', 'samples', 'size', 'created', 'status'],
          );
      }),
    );
  projects
    .command('create <name>')
    .description('create an empty project, or one filled with a demo dataset')
    .addOption(new Option('--demo <kind>', 'fill with a demo dataset recorded from the virtual devices').choices(['motion', 'keywords']))
    .action(
      action(async (ctx, name: string, opts: { demo?: 'motion' | 'keywords' }) => {
        const p = await ctx.call('projects.create', { name, ...(opts.demo ? { demo: opts.demo } : {}) });
        if (ctx.json) printJson(p);
        else process.stdout.write(`Created ${p.name} (${p.path})${p.sampleCount ? ` with ${p.sampleCount} samples` : ''}\n`);
      }),
    );
  projects
    .command('rename <name> <newName>')
    .description('rename a project')
    .action(
      action(async (ctx, name: string, newName: string) => {
        const p = await ctx.call('projects.rename', { name, newName });
        if (ctx.json) printJson(p);
        else process.stdout.write(`Renamed ${name} to ${p.name}\n`);
      }),
    );
  projects
    .command('duplicate <name> <newName>')
    .description('copy a project under a new name')
    .action(
      action(async (ctx, name: string, newName: string) => {
        const { jobId } = await ctx.call('projects.duplicate', { name, newName });
        const result = await ctx.follow(jobId);
        if (ctx.json) printJson(result);
        else process.stdout.write(`Duplicated ${name} as ${newName}\n`);
      }),
    );
  projects
    .command('import <file>')
    .description('copy a .kiln file from elsewhere into the home folder')
    .option('--name <name>', 'name for the imported project')
    .action(
      action(async (ctx, file: string, opts: { name?: string }) => {
        // a path on this machine: the CLI calls the service directly (the API takes uploads only)
        const { jobId } = startProjectImport(ctx.services, { file: path.resolve(file), fileName: path.basename(file) }, opts.name);
        const result = await ctx.follow(jobId);
        if (ctx.json) printJson(result);
        else process.stdout.write(`Imported ${file} as ${(result as { project: string }).project}\n`);
      }),
    );
  projects
    .command('delete <name>')
    .description('move a project to the trash folder of the home (restorable)')
    .option('-y, --yes', 'do not ask (required when not on a terminal)')
    .action(
      action(async (ctx, name: string, opts: { yes?: boolean }) => {
        if (!opts.yes) {
          if (!process.stdin.isTTY) throw new KilnError('BAD_REQUEST', `Refusing to delete "${name}" without --yes`);
          const answer = await ask(`Delete project "${name}"? It is moved to the trash. [y/N] `);
          if (!/^y(es)?$/i.test(answer.trim())) {
            process.stdout.write('Nothing deleted\n');
            return;
          }
        }
        const r = await ctx.call('projects.delete', { name });
        if (ctx.json) printJson(r);
        else process.stdout.write(`Deleted ${name} (restore with: kiln projects restore ${r.trashId})\n`);
      }),
    );
  projects
    .command('restore <trashId>')
    .description('bring a deleted project back from the trash')
    .action(
      action(async (ctx, trashId: string) => {
        const p = await ctx.call('projects.restore', { trashId });
        if (ctx.json) printJson(p);
        else process.stdout.write(`Restored ${p.name}\n`);
      }),
    );
  projects
    .command('info <name>')
    .description('show a project: file, size, schema, samples per label')
    .action(
      action(async (ctx, name: string) => {
        const info = await ctx.call('projects.info', { project: name });
        if (ctx.json) printJson(info);
        else {
          process.stdout.write(
            `${info.name}\n  file     ${info.path}\n  size     ${formatBytes(info.sizeBytes)}\n  created  ${info.createdAt}\n  schema   v${info.schemaVersion}\n  samples  ${info.samples.total} (${info.samples.train} train, ${info.samples.test} test)\n`,
          );
          if (info.samples.byLabel.length) printTable(info.samples.byLabel, ['label', 'train', 'test']);
        }
      }),
    );

  devicesCommands(program);
  samplesCommands(program);
  impulseCommands(program);
  trainingCommands(program);
  liveCommands(program);
  exportCommands(program);
  versionsCommands(program);
  projectSpecCommands(program);
  return program;
}

async function ask(question: string): Promise<string> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

/** Entry: parses argv, prints errors as one clear line, sets the exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander already printed help or the usage error
      return e.exitCode;
    }
    if (e instanceof KilnError) {
      const wantsJson = argv.includes('--json');
      if (wantsJson) process.stderr.write(JSON.stringify({ error: { code: e.code, message: e.message } }) + '\n');
      else process.stderr.write(`kiln: ${e.message}\n`);
      return e.code === 'BAD_REQUEST' || e.code === 'BAD_PARAMS' ? 2 : 1;
    }
    process.stderr.write(`kiln: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}
