import { Option, type Command } from 'commander';
import { BAUD_RATES, DEFAULT_BAUD } from '../../shared/api/devices';
import type { LiveResult, LiveSessionInfo, LiveSource } from '../../shared/api/live';
import { KilnError } from '../../shared/errors';
import { MOTIONS } from '../devices/virtual/virtualAccelerometer';
import { WORDS } from '../devices/virtual/virtualMicrophone';
import { action } from './main';

interface ClassifyOptions {
  project: string;
  port?: string;
  baud: string;
  device?: 'virtual-accelerometer' | 'virtual-microphone';
  motion?: string;
  word?: string;
  seed?: number;
  seconds?: number;
}

function positiveNumber(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!(n > 0) || !Number.isFinite(n)) throw new KilnError('BAD_PARAMS', `${name} must be a positive number, not "${v}"`);
    return n;
  };
}

function wholeNumber(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new KilnError('BAD_PARAMS', `${name} must be a whole number ≥ 0, not "${v}"`);
    return n;
  };
}

function sourceOf(o: ClassifyOptions): LiveSource {
  if (o.port && o.device) throw new KilnError('BAD_PARAMS', 'Give either --port or --device, not both');
  if (o.port) return { kind: 'serial', path: o.port, baudRate: Number(o.baud) };
  if (!o.device)
    throw new KilnError('BAD_PARAMS', 'Say where the data comes from: --port <path> for a board, or --device virtual-accelerometer|virtual-microphone');
  if (o.device === 'virtual-accelerometer' && o.word)
    throw new KilnError('BAD_PARAMS', '--word is for the virtual microphone; use --motion with the accelerometer');
  if (o.device === 'virtual-microphone' && o.motion)
    throw new KilnError('BAD_PARAMS', '--motion is for the virtual accelerometer; use --word with the microphone');
  const variant = o.motion ?? o.word;
  return { kind: 'virtual', device: o.device, ...(variant ? { variant } : {}), ...(o.seed !== undefined ? { seed: o.seed } : {}) };
}

/** One human-readable line per window: time, label, top score, every score, anomaly, latency. */
export function formatResult(r: LiveResult, info: LiveSessionInfo): string {
  const width = Math.max(9, ...info.classes.map((c) => c.length));
  const top = info.classes.length ? Math.max(...Object.values(r.scores)) : null;
  const scores = info.classes.map((c) => `${c} ${(r.scores[c] ?? 0).toFixed(2)}`).join('  ');
  const parts = [`${(r.t / 1000).toFixed(2).padStart(7)} s`, r.label.padEnd(width)];
  if (top !== null) parts.push(top.toFixed(2), `[${scores}]`);
  if (r.anomaly !== null) parts.push(`anomaly ${r.anomaly.toFixed(2)}`);
  parts.push(`${r.latencyMs.toFixed(1)} ms`);
  return parts.join('  ');
}

/** `kiln classify`: live classification from a board or a virtual device, one line per window. */
export function liveCommands(program: Command): void {
  program
    .command('classify')
    .description('classify live data window by window with the active model, from a serial board or a virtual device')
    .requiredOption('--project <name>', 'project name or path to a .kiln file')
    .option('--port <path>', 'serial port of a board (data forwarder or Edge Impulse firmware), or the pty of `kiln simulate-board`')
    .addOption(new Option('--baud <rate>', 'baud rate of the board').choices(BAUD_RATES.map(String)).default(String(DEFAULT_BAUD)))
    .addOption(new Option('--device <id>', 'a built-in virtual device').choices(['virtual-accelerometer', 'virtual-microphone']))
    .addOption(new Option('--motion <motion>', 'virtual accelerometer: the motion to make').choices([...MOTIONS]))
    .addOption(new Option('--word <word>', 'virtual microphone: the word to say').choices([...WORDS]))
    .option('--seed <n>', 'virtual devices: which "person" (default: random)', wholeNumber('--seed'))
    .option('--seconds <n>', 'stop after this many seconds (default: run until Ctrl+C)', positiveNumber('--seconds'))
    .action(
      action(async (ctx, opts: ClassifyOptions) => {
        const source = sourceOf(opts);
        const say = (text: string): void => {
          if (!ctx.json) process.stderr.write(`${text}\n`);
        };
        if (source.kind === 'serial') say(`Connecting to ${source.path} (finding out what the board speaks takes a few seconds)…`);

        let info: LiveSessionInfo | null = null;
        const early: LiveResult[] = [];
        let finish: (error?: KilnError) => void = () => {};
        const done = new Promise<KilnError | undefined>((resolve) => (finish = resolve));
        const print = (r: LiveResult): void => {
          if (ctx.json) {
            const { sessionId: _s, signal: _sig, ...rest } = r;
            process.stdout.write(`${JSON.stringify(rest)}\n`);
          } else process.stdout.write(`${formatResult(r, info!)}\n`);
        };
        const off = ctx.services.events.subscribe((e) => {
          if (e.name === 'live.result') {
            if (!info) early.push(e.payload);
            else if (e.payload.sessionId === info.sessionId) print(e.payload);
          }
          if (e.name === 'live.state' && info && e.payload.sessionId === info.sessionId && e.payload.state === 'error') {
            finish(new KilnError('DEVICE_GONE', e.payload.message ?? 'The source stopped.'));
          }
        });
        const onSignal = (): void => finish();
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        let timer: NodeJS.Timeout | undefined;
        try {
          info = await ctx.call('live.start', { project: opts.project, source });
          const started = info;
          for (const r of early) if (r.sessionId === started.sessionId) print(r);
          say(
            `Classifying ${info.source} with ${info.modelId !== null ? `model #${info.modelId}` : 'the anomaly block'} (${info.engine}): ` +
              `${info.windowMs} ms windows every ${info.increaseMs} ms at ${info.frequencyHz} Hz${info.classes.length ? `; classes ${info.classes.join(', ')}` : ''}.`,
          );
          for (const note of info.notes) say(`Note: ${note}`);
          say(opts.seconds ? `Stopping after ${opts.seconds} s (Ctrl+C stops sooner).` : 'Press Ctrl+C to stop.');
          if (opts.seconds) timer = setTimeout(() => finish(), opts.seconds * 1000);
          const error = await done;
          if (error) throw error;
          await ctx.call('live.stop', { sessionId: info.sessionId });
        } finally {
          clearTimeout(timer);
          off();
          process.removeListener('SIGINT', onSignal);
          process.removeListener('SIGTERM', onSignal);
        }
      }),
    );
}
