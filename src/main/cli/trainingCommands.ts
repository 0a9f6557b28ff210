import path from 'node:path';
import type { Command } from 'commander';
import { describeValidation, uncertainMeaning, type ModelDetail, type TestResult, type TrainSettingsInput } from '../../shared/api/training';
import { KilnError } from '../../shared/errors';
import { action } from './main';
import { printJson, printTable } from './output';

function number(flag: string, check: (n: number) => boolean, what: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || !check(n)) throw new KilnError('BAD_REQUEST', `${flag} must be ${what}, not "${v}"`);
    return n;
  };
}

const pct = (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)} %`);

function printConfusion(classNames: string[], confusion: number[][]): void {
  const rows = confusion.map((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    const r: Record<string, unknown> = { 'true \\ predicted': classNames[i] };
    classNames.forEach((c, j) => (r[c] = `${row[j]} (${total ? Math.round((row[j]! / total) * 100) : 0} %)`));
    r.uncertain = row[classNames.length] ?? 0;
    return r;
  });
  printTable(rows, ['true \\ predicted', ...classNames, 'uncertain']);
}

function printModel(d: ModelDetail): void {
  const m = d.metrics;
  process.stdout.write(
    `Model #${d.id} (${d.kind}, block "${d.block}", seed ${d.seed}, backend ${d.backend}, ${m.epochsRun} epochs${m.stoppedEarly ? ', stopped early' : ''})\n`,
  );
  if (m.float32) {
    process.stdout.write(
      `Accuracy on ${m.evaluatedOn} rows (${m.float32.rows}): float32 ${pct(m.float32.accuracy)} (top-1 ${pct(m.float32.top1)}), int8 ${pct(m.int8?.accuracy)} (top-1 ${pct(m.int8?.top1)}); loss ${m.float32.loss?.toFixed(4) ?? '—'}\n`,
    );
    process.stdout.write(`  (${uncertainMeaning(m.uncertainThreshold)})\n`);
    process.stdout.write(`Size: float32 ${m.sizes.float32Bytes} B, int8 ${m.sizes.int8Bytes ?? '—'} B\n`);
    printConfusion(m.classNames, m.float32.confusion);
    printTable(
      m.classNames.map((c, i) => ({
        class: c,
        precision: m.float32!.perClass[i]!.precision.toFixed(3),
        recall: m.float32!.perClass[i]!.recall.toFixed(3),
        f1: m.float32!.perClass[i]!.f1.toFixed(3),
        support: m.float32!.perClass[i]!.support,
      })),
      ['class', 'precision', 'recall', 'f1', 'support'],
    );
  }
  if (m.validation) process.stdout.write(`${describeValidation(m.validation)}\n`);
  for (const a of m.advice ?? []) process.stdout.write(`Warning: ${a.message}\n`);
  if (m.regression) process.stdout.write(`MSE ${m.regression.mse.toFixed(4)}, MAE ${m.regression.mae.toFixed(4)}\n`);
  if (m.anomaly) process.stdout.write(`Anomaly: ${m.anomaly.clusters.length} clusters, threshold ${m.anomaly.threshold.toFixed(3)}\n`);
}

/** `kiln` commands of the training domain: train, test, models list|activate|delete. */
export function trainingCommands(program: Command): void {
  program
    .command('train')
    .description(
      "train the impulse's learning block (in a worker thread) and keep the model; ends with its metrics. Settings given as flags apply to this run only unless --save is given; without flags the project's settings (or the defaults for its network) are used",
    )
    .requiredOption('--project <name>', 'project name or path to a .kiln file')
    .option('--block <id>', 'learning block id (default: the first)')
    .option(
      '--epochs <n>',
      'training cycles',
      number('--epochs', (n) => Number.isInteger(n) && n >= 1, 'a whole number ≥ 1'),
    )
    .option(
      '--seed <n>',
      'random seed (same seed, same model)',
      number('--seed', (n) => Number.isInteger(n) && n >= 0, 'a whole number ≥ 0'),
    )
    .option(
      '--learning-rate <x>',
      'Adam learning rate',
      number('--learning-rate', (n) => n > 0 && n <= 1, 'a number in (0, 1]'),
    )
    .option(
      '--batch-size <n>',
      'rows per batch',
      number('--batch-size', (n) => Number.isInteger(n) && n >= 1, 'a whole number ≥ 1'),
    )
    .option(
      '--validation-split <x>',
      'share of rows held out',
      number('--validation-split', (n) => n >= 0 && n <= 0.9, 'between 0 and 0.9'),
    )
    .option('--save', "keep the settings given as flags as the project's training settings")
    .action(
      action(
        async (
          ctx,
          opts: {
            project: string;
            block?: string;
            epochs?: number;
            seed?: number;
            learningRate?: number;
            batchSize?: number;
            validationSplit?: number;
            save?: boolean;
          },
        ) => {
          const info = await ctx.call('training.info', { project: opts.project, ...(opts.block ? { block: opts.block } : {}) });
          const settings: TrainSettingsInput = {
            ...info.settings,
            ...(opts.epochs !== undefined ? { epochs: opts.epochs } : {}),
            ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
            ...(opts.learningRate !== undefined ? { learningRate: opts.learningRate } : {}),
            ...(opts.batchSize !== undefined ? { batchSize: opts.batchSize } : {}),
            ...(opts.validationSplit !== undefined ? { validationSplit: opts.validationSplit } : {}),
          };
          if (!ctx.json) process.stderr.write(`Training on ${info.backend.name} (${info.backend.note})\n`);
          const { jobId } = await ctx.call('model.train', {
            project: opts.project,
            settings,
            save: !!opts.save,
            ...(opts.block ? { block: opts.block } : {}),
          });
          const result = (await ctx.follow(jobId)) as { modelId: number };
          const detail = await ctx.call('models.get', { project: opts.project, id: result.modelId });
          if (ctx.json)
            printJson({
              id: detail.id,
              block: detail.block,
              seed: detail.seed,
              backend: detail.backend,
              datasetHash: detail.datasetHash,
              impulseHash: detail.impulseHash,
              settings: detail.settings,
              validationSplit: detail.metrics.validation ? describeValidation(detail.metrics.validation) : null,
              uncertain: uncertainMeaning(detail.metrics.uncertainThreshold),
              metrics: { ...detail.metrics, explorer: undefined },
            });
          else printModel(detail);
        },
      ),
    );

  program
    .command('test')
    .description('classify every test sample with the active model (sliding windows) and report accuracy, confusion and F1')
    .requiredOption('--project <name>', 'project name or path to a .kiln file')
    .option(
      '--model <id>',
      'model id (default: the active model)',
      number('--model', (n) => Number.isInteger(n) && n >= 1, 'a model id'),
    )
    .option('--precision <p>', 'float32 (default), int8 (the integer-only engine a board runs), or both', 'float32')
    .action(
      action(async (ctx, opts: { project: string; model?: number; precision: string }) => {
        if (!['float32', 'int8', 'both'].includes(opts.precision)) {
          throw new KilnError('BAD_PARAMS', `--precision must be float32, int8 or both, got "${opts.precision}"`, { field: 'precision' });
        }
        const { jobId } = await ctx.call('model.test', {
          project: opts.project,
          precision: opts.precision as 'float32' | 'int8' | 'both',
          ...(opts.model !== undefined ? { modelId: opts.model } : {}),
        });
        await ctx.follow(jobId);
        const r = (await ctx.call('model.lastTest', { project: opts.project })) as TestResult;
        if (ctx.json) {
          printJson(r);
          return;
        }
        process.stdout.write(
          `Model #${r.modelId} on ${r.samples.length} test samples: sample accuracy ${pct(r.sampleAccuracy)}, window accuracy ${pct(r.windows.accuracy)} (${r.windows.rows} windows), weighted F1 ${r.windows.weightedF1.toFixed(3)} [${r.engine}]\n`,
        );
        if (r.int8) {
          process.stdout.write(
            `int8 (${r.int8.engine}): sample accuracy ${pct(r.int8.sampleAccuracy)}, window accuracy ${pct(r.int8.windows.accuracy)}, weighted F1 ${r.int8.windows.weightedF1.toFixed(3)}\n`,
          );
        }
        if (r.windows.confusion.length) printConfusion(r.classNames, r.windows.confusion);
        if (r.unknownLabels.length) process.stdout.write(`Not scored (labels the model does not know): ${r.unknownLabels.join(', ')}\n`);
        const wrong = r.samples.filter((s) => !s.correct && r.classNames.includes(s.label));
        if (wrong.length) {
          printTable(
            wrong.map((s) => ({ sample: s.name, label: s.label, predicted: s.predicted >= 0 ? r.classNames[s.predicted] : 'uncertain' })),
            ['sample', 'label', 'predicted'],
          );
        }
      }),
    );

  const models = program.command('models').description('list, activate or delete trained models');
  models
    .command('list')
    .description('every trained model with its lineage and accuracy')
    .requiredOption('--project <name>', 'project name or path to a .kiln file')
    .action(
      action(async (ctx, opts: { project: string }) => {
        const list = await ctx.call('models.list', { project: opts.project });
        if (ctx.json) return printJson(list);
        if (!list.length) return void process.stdout.write('No trained models yet: run `kiln train --project …`\n');
        printTable(
          list.map((m) => ({
            id: m.id,
            active: m.active ? '*' : '',
            block: m.block,
            kind: m.kind,
            accuracy: pct(m.accuracy),
            int8: pct(m.int8Accuracy),
            epochs: m.epochs,
            seed: m.seed,
            current: m.current ? 'yes' : 'stale',
            created: m.createdAt,
          })),
          ['id', 'active', 'block', 'kind', 'accuracy', 'int8', 'epochs', 'seed', 'current', 'created'],
        );
      }),
    );
  models
    .command('activate <id>')
    .description('make a model the one that is tested and deployed')
    .requiredOption('--project <name>', 'project name or path to a .kiln file')
    .action(
      action(async (ctx, id: string, opts: { project: string }) => {
        const m = await ctx.call('models.activate', { project: opts.project, id: number('<id>', (n) => Number.isInteger(n) && n >= 1, 'a model id')(id) });
        if (ctx.json) printJson(m);
        else process.stdout.write(`Model #${m.id} is now active for block "${m.block}"\n`);
      }),
    );
  models
    .command('delete <id>')
    .description('delete a model')
    .requiredOption('--project <name>', 'project name or path to a .kiln file')
    .action(
      action(async (ctx, id: string, opts: { project: string }) => {
        const n = number('<id>', (x) => Number.isInteger(x) && x >= 1, 'a model id')(id);
        await ctx.call('models.delete', { project: opts.project, id: n });
        if (ctx.json) printJson({ deleted: n });
        else process.stdout.write(`Deleted model #${n}\n`);
      }),
    );
  models
    .command('export-onnx <id>')
    .description("write a model's network as an ONNX file (opset 13; runs in ONNX Runtime)")
    .requiredOption('--project <name>', 'project name or path to a .kiln file')
    .requiredOption('--out <file>', 'output .onnx file')
    .action(
      action(async (ctx, id: string, opts: { project: string; out: string }) => {
        const n = number('<id>', (x) => Number.isInteger(x) && x >= 1, 'a model id')(id);
        // a path on this machine: the CLI calls the service directly (the API offers a download)
        const r = ctx.services.training.exportOnnx(opts.project, n, path.resolve(opts.out));
        if (ctx.json) printJson(r);
        else process.stdout.write(`Wrote ${r.path} (${r.bytes} bytes)\n`);
      }),
    );
}
