import { Option, type Command } from 'commander';
import { BAUD_RATES, DEFAULT_BAUD, type DeviceRow, type RecordResult } from '../../shared/api/devices';
import { KilnError } from '../../shared/errors';
import { runBoardSimulator } from '../devices/boardSimulator';
import { MOTIONS } from '../devices/virtual/virtualAccelerometer';
import { WORDS } from '../devices/virtual/virtualMicrophone';
import { action, type CliContext } from './main';
import { printJson, printTable, ProgressBar } from './output';

const baudOption = () => new Option('--baud <rate>', 'baud rate of the board').choices(BAUD_RATES.map(String)).default(String(DEFAULT_BAUD));

function positiveInt(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new KilnError('BAD_PARAMS', `${name} must be a positive whole number, not "${v}"`);
    return n;
  };
}

function positiveNumber(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!(n > 0) || !Number.isFinite(n)) throw new KilnError('BAD_PARAMS', `${name} must be a positive number, not "${v}"`);
    return n;
  };
}

function describeRow(r: DeviceRow): string {
  if (r.protocol === 'forwarder' && r.detection) {
    const axes = r.sensors[0]?.axes?.join(', ') ?? `${r.detection.axes} axes`;
    return `data forwarder: ${r.detection.axes} axes (${axes}) at ${r.detection.frequencyHz} Hz, e.g. "${r.detection.sampleLine}"`;
  }
  if (r.protocol === 'ei-at') return `Edge Impulse firmware: ${r.sensors.map((s) => `${s.name} (${s.frequencies.join('/')} Hz)`).join(', ')}`;
  if (r.kind === 'virtual') return `${r.sensors[0]?.axes?.join(', ')} at ${r.sensors[0]?.frequencies.join(' or ')} Hz; ${r.variants.join(', ')}`;
  return r.present ? 'not connected' : 'not present';
}

/** `kiln devices …`, `kiln record`, `kiln simulate-board`. */
export function devicesCommands(program: Command): void {
  const devices = program.command('devices').description('serial boards and virtual devices');
  devices
    .command('list')
    .description('list serial ports, paths added by hand and the virtual devices')
    .action(
      action(async (ctx) => {
        const rows = await ctx.call('devices.list', {});
        if (ctx.json) printJson(rows);
        else
          printTable(
            rows.map((r) => ({ id: r.id, kind: r.kind, status: r.status, found: r.source, details: describeRow(r) })),
            ['id', 'kind', 'status', 'found', 'details'],
          );
      }),
    );
  devices
    .command('add <path>')
    .description('remember a serial path by hand (e.g. the pty of `kiln simulate-board`)')
    .action(
      action(async (ctx, path: string) => {
        const rows = await ctx.call('devices.addPort', { path });
        if (ctx.json) printJson(rows);
        else process.stdout.write(`Added ${path}\n`);
      }),
    );
  devices
    .command('remove <path>')
    .description('forget a serial path added by hand')
    .action(
      action(async (ctx, path: string) => {
        const rows = await ctx.call('devices.removePort', { path });
        if (ctx.json) printJson(rows);
        else process.stdout.write(`Removed ${path}\n`);
      }),
    );
  devices
    .command('detect <path>')
    .description('open a serial board and find out what it speaks (Edge Impulse firmware, or a data forwarder: axes and rate)')
    .addOption(baudOption())
    .addOption(new Option('--protocol <protocol>', 'skip the probe').choices(['auto', 'forwarder', 'ei-at']).default('auto'))
    .action(
      action(async (ctx, path: string, opts: { baud: string; protocol: 'auto' | 'forwarder' | 'ei-at' }) => {
        const row = await ctx.call('devices.connect', { path, baudRate: Number(opts.baud), protocol: opts.protocol });
        if (ctx.json) printJson(row);
        else process.stdout.write(`${path}: ${describeRow(row)}\n`);
      }),
    );

  program
    .command('record')
    .description('record one sample from a serial board or a virtual device into a project')
    .requiredOption('--project <name>', 'project name or path to a .kiln file')
    .option('--port <path>', 'serial port of a board (data forwarder or Edge Impulse firmware)')
    .addOption(baudOption())
    .addOption(new Option('--protocol <protocol>', 'what the board speaks').choices(['auto', 'forwarder', 'ei-at']).default('auto'))
    .addOption(new Option('--device <id>', 'a virtual device instead of a board').choices(['virtual-accelerometer', 'virtual-microphone']))
    .addOption(new Option('--motion <motion>', 'virtual accelerometer: what to do (default: the label if it is one)').choices([...MOTIONS]))
    .addOption(new Option('--word <word>', 'virtual microphone: what to say (default: the label if it is one)').choices([...WORDS]))
    .option('--seed <n>', 'virtual devices: the "person" (default random)', positiveInt('--seed'))
    .requiredOption('--label <label>', 'label of the sample')
    .requiredOption('--length-ms <ms>', 'length of the sample in ms', positiveInt('--length-ms'))
    .option('--frequency <hz>', 'sampling frequency (default: detected / the sensor default)', positiveNumber('--frequency'))
    .option('--sensor <name>', 'Edge Impulse boards: which sensor (default: the first)')
    .addOption(new Option('--category <category>', 'train or test').choices(['train', 'test']).default('train'))
    .option('--axes <names>', 'data forwarder: comma-separated axis names, e.g. accX,accY,accZ')
    .action(
      action(async (ctx, opts: RecordOptions) => {
        if (!opts.port === !opts.device) throw new KilnError('BAD_REQUEST', 'Give either --port <path> (a board) or --device <id> (a virtual device).');
        if (opts.port && (opts.motion || opts.word || opts.seed !== undefined)) {
          throw new KilnError('BAD_REQUEST', '--motion, --word and --seed are for virtual devices (--device), not boards.');
        }
        if (opts.device === 'virtual-accelerometer' && opts.word) throw new KilnError('BAD_REQUEST', 'The virtual accelerometer takes --motion, not --word.');
        if (opts.device === 'virtual-microphone' && opts.motion) throw new KilnError('BAD_REQUEST', 'The virtual microphone takes --word, not --motion.');
        const axisNames = opts.axes?.split(',').map((a) => a.trim());
        let device = opts.device ?? '';
        if (opts.port) {
          const row = await ctx.call('devices.connect', { path: opts.port, baudRate: Number(opts.baud), protocol: opts.protocol });
          if (!ctx.json) process.stderr.write(`${opts.port}: ${describeRow(row)}\n`);
          device = row.id;
        }
        const variant = opts.motion ?? opts.word;
        const { jobId } = await ctx.call('devices.record', {
          project: opts.project,
          device,
          label: opts.label,
          lengthMs: opts.lengthMs,
          category: opts.category,
          ...(opts.frequency !== undefined ? { frequencyHz: opts.frequency } : {}),
          ...(opts.sensor ? { sensor: opts.sensor } : {}),
          ...(axisNames ? { axisNames } : {}),
          ...(variant ? { variant } : {}),
          ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
        });
        const result = await followRecording(ctx, jobId);
        if (ctx.json) printJson(result);
        else if (result) {
          const secs = ((result.readings * result.intervalMs) / 1000).toFixed(2);
          process.stdout.write(
            `Saved ${result.name} (${result.label}, ${result.category}): ${result.readings} readings, ${secs} s${result.truncated ? ' — TRUNCATED' : ''}\n`,
          );
        }
      }),
    );

  program
    .command('simulate-board')
    .description('pretend to be a board on a serial path (one end of a socat pty pair) until Ctrl+C')
    .option('--port <path>', 'serial path to write to (e.g. /tmp/kiln-a from `socat pty,link=/tmp/kiln-a pty,link=/tmp/kiln-b`)')
    .option('--pty', 'make the pty pair with socat and print the path to connect to')
    .addOption(new Option('--protocol <protocol>', 'what the board speaks').choices(['forwarder', 'ei-at']).default('forwarder'))
    .option('--hz <hz>', 'forwarder: readings per second', positiveNumber('--hz'), 62.5)
    .option('--axes <n>', 'forwarder: fields per line', positiveInt('--axes'), 3)
    .addOption(new Option('--signal <signal>', 'forwarder: what the readings show').choices([...MOTIONS, 'sine']))
    .option('--seed <n>', 'random seed', positiveInt('--seed'), 1)
    .option('--garbage', 'forwarder: send binary noise, like a board at the wrong baud rate (to try error handling)')
    .action(async (opts: SimulateOptions) => {
      if (opts.garbage && opts.protocol !== 'forwarder') throw new KilnError('BAD_REQUEST', '--garbage only applies to --protocol forwarder.');
      if (!opts.port === !opts.pty) throw new KilnError('BAD_REQUEST', 'Give either --port <path> or --pty.');
      let stopPair: (() => Promise<void>) | undefined;
      let port = opts.port!;
      if (opts.pty) {
        const { startPtyPair } = await import('../devices/testing/ptyPair');
        const pair = await startPtyPair().catch((e: unknown) => {
          throw new KilnError('DEVICE_ERROR', e instanceof Error ? e.message : String(e));
        });
        port = pair.a;
        stopPair = pair.stop;
        process.stdout.write(`${pair.b}\n`);
      }
      const sim = await runBoardSimulator({
        path: port,
        protocol: opts.protocol,
        hz: opts.hz,
        axes: opts.axes,
        seed: opts.seed,
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...(opts.garbage ? { faults: { garbage: true } } : {}),
      });
      const what = opts.protocol === 'forwarder' ? `a data forwarder (${opts.axes} axes at ${opts.hz} Hz)` : 'a board with Edge Impulse AT firmware';
      process.stderr.write(`Simulating ${what} on ${port}${opts.pty ? '; connect Kiln to the path printed above' : ''}. Press Ctrl+C to stop.\n`);
      const gone = await new Promise<string | null>((resolve) => {
        process.once('SIGINT', () => resolve(null));
        process.once('SIGTERM', () => resolve(null));
        void sim.gone.then(resolve);
      });
      await sim.stop();
      await stopPair?.();
      if (gone !== null) throw new KilnError('DEVICE_GONE', `${gone} Stopped the simulator (${sim.stats.linesSent} lines sent).`);
      process.stderr.write(`Stopped (${sim.stats.linesSent} lines sent).\n`);
    });
}

interface RecordOptions {
  project: string;
  port?: string;
  baud: string;
  protocol: 'auto' | 'forwarder' | 'ei-at';
  device?: 'virtual-accelerometer' | 'virtual-microphone';
  motion?: string;
  word?: string;
  seed?: number;
  label: string;
  lengthMs: number;
  frequency?: number;
  sensor?: string;
  category: 'train' | 'test';
  axes?: string;
}

interface SimulateOptions {
  port?: string;
  pty?: boolean;
  protocol: 'forwarder' | 'ei-at';
  hz: number;
  axes: number;
  signal?: (typeof MOTIONS)[number] | 'sine';
  seed: number;
  garbage?: boolean;
}

/** Waits for a recording job with a progress bar; Ctrl+C stops it and keeps what arrived. */
async function followRecording(ctx: CliContext, jobId: string): Promise<RecordResult | null> {
  const bar = new ProgressBar();
  const off = ctx.services.events.subscribe((e) => {
    if (e.name === 'job.updated' && e.payload.id === jobId) bar.update(e.payload.progress, e.payload.status);
    if (e.name === 'job.log' && e.payload.jobId === jobId && !ctx.json && e.payload.line.level !== 'info') {
      bar.done();
      process.stderr.write(`${e.payload.line.message}\n`);
    }
  });
  const onInt = (): void => {
    ctx.services.jobs.cancel(jobId);
  };
  process.once('SIGINT', onInt);
  try {
    const job = await ctx.services.jobs.wait(jobId);
    bar.done();
    if (job.state === 'cancelled') {
      process.stderr.write('Recording stopped; what arrived so far was kept as a truncated sample.\n');
      return null;
    }
    if (job.state !== 'succeeded') throw new KilnError((job.error?.code ?? 'INTERNAL') as never, job.error?.message ?? `${job.title}: ${job.state}`);
    const result = job.result as RecordResult;
    if (result.truncated && !ctx.json) process.stderr.write(`Warning: ${result.reason ?? 'the recording was cut short'}\n`);
    return result;
  } finally {
    off();
    process.removeListener('SIGINT', onInt);
  }
}
