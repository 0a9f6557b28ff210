import { writeFirmwareSample } from './firmwareCbor';
import { SerialConnection } from './serialConnection';
import type { DeviceConnection } from './types';
import { createRng, type Rng } from './virtual/random';
import { createAccelerometerStream, MOTIONS, type Motion } from './virtual/virtualAccelerometer';
import { createMicrophoneStream } from './virtual/virtualMicrophone';
import type { SignalStream } from './virtual/signalStream';

/**
 * Pretends to be a board on a serial path (one end of a socat pty pair), speaking the
 * data-forwarder or the Edge Impulse AT protocol, with faults that tests can switch on.
 */

/** Pause between the `OK` of a fast read-back and its payload, ms. */
const TRANSFER_SWITCH_MS = 150;

export interface ForwarderFaults {
  /** send random binary bytes instead of text, like a board at the wrong baud rate */
  garbage?: boolean;
  /** every Nth line is cut short (fewer fields) */
  partialLineEvery?: number;
  /** every Nth line carries one field too many */
  wrongFieldCountEvery?: number;
  /** every Nth line has a non-numeric field */
  nonNumericEvery?: number;
  /** every Nth line is `ERR: …` */
  errLineEvery?: number;
  /** close the port after this many ms of streaming (see onDisappear) */
  disappearAfterMs?: number;
}

export interface AtOptions {
  /** 'old' lists sensors by name only (older firmware) */
  sensorFormat?: 'new' | 'old';
  /** e.g. '1.3.0'; below 1.2 READFILE answers in hex */
  atVersion?: string;
  deviceId?: string;
  deviceType?: string;
  /** the "Starting in … ms" pause (real boards: 2000) */
  startDelayMs?: number;
  /** multiplies the sampling time (1 = real time) */
  timeScale?: number;
  /** store samples as a file (host uses AT+READFILE) instead of reporting a buffer range */
  useFile?: boolean;
  /** 0xFF bytes after the CBOR document (erased flash) */
  paddingBytes?: number;
  /** answer any command starting with `command` with `reply` (e.g. 'ERR: Failed to allocate memory') */
  replyOverride?: { command: string; reply: string };
  /** close the port right after printing `Sampling...` (see onDisappear) */
  disappearWhileSampling?: boolean;
  /** `Data Transfer Baudrate` in AT+CONFIG? (default 115200) */
  transferBaudRate?: number;
  /** where in the board's buffer the sample starts (default 0) */
  bufferOffset?: number;
  /** print `OK` after every read-back payload, as some firmware does */
  okAfterPayload?: boolean;
}

export interface BoardSimulatorOptions {
  /** serial path to open (e.g. one end of a socat pty pair) */
  path?: string;
  /** or an already open connection (e.g. the board end of createMemoryLink()) */
  connection?: DeviceConnection;
  protocol: 'forwarder' | 'ei-at';
  /** forwarder: readings per second (default 62.5) */
  hz?: number;
  /** forwarder: fields per line (default 3) */
  axes?: number;
  /** forwarder signal: a motion of the virtual accelerometer (3 axes) or 'sine' (default: 'wave' for 3 axes, else 'sine') */
  signal?: Motion | 'sine';
  seed?: number;
  baudRate?: number;
  /** forwarder field separator (default ',') */
  separator?: string;
  faults?: ForwarderFaults;
  at?: AtOptions;
  /** called when a fault makes the board disappear (tests kill socat here) */
  onDisappear?: () => void;
}

export interface BoardSimulator {
  /** lines written (forwarder), including faulty ones */
  readonly stats: { linesSent: number; faultyLinesSent: number; commands: string[] };
  stop(): Promise<void>;
  /** resolves with a sentence when the port goes away by itself (not after stop()) */
  readonly gone: Promise<string>;
}

export async function runBoardSimulator(options: BoardSimulatorOptions): Promise<BoardSimulator> {
  const conn = options.connection ?? (options.path ? await SerialConnection.open(options.path, options.baudRate) : undefined);
  if (!conn) throw new Error('runBoardSimulator needs a path or a connection');
  const sim = options.protocol === 'forwarder' ? runForwarder(conn, options) : runAt(conn, options);
  let stopping = false;
  const gone = new Promise<string>((resolve) => conn.onClose((reason) => (stopping ? undefined : resolve(reason))));
  return {
    stats: sim.stats,
    gone,
    stop: () => {
      stopping = true;
      return sim.stop();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Data forwarder

function sineStream(axes: number, hz: number, rng: Rng): SignalStream {
  const freqs = Array.from({ length: axes }, (_, k) => 0.5 + 0.37 * k);
  const amps = Array.from({ length: axes }, (_, k) => 1 + k * 0.5);
  let t = 0;
  return {
    sensors: Array.from({ length: axes }, (_, k) => ({ name: `axis${k}`, units: 'N/A' })),
    frequencyHz: hz,
    next(n) {
      const out = new Float32Array(n * axes);
      for (let i = 0; i < n; i++, t++) {
        for (let k = 0; k < axes; k++) {
          out[i * axes + k] = amps[k]! * Math.sin((2 * Math.PI * freqs[k]! * t) / hz) + rng.normal(0, 0.05);
        }
      }
      return out;
    },
  };
}

function every(n: number | undefined, i: number): boolean {
  return !!n && n > 0 && i % n === n - 1;
}

function runForwarder(conn: DeviceConnection, o: BoardSimulatorOptions): Omit<BoardSimulator, 'gone'> {
  const hz = o.hz ?? 62.5;
  const axes = o.axes ?? 3;
  const rng = createRng(o.seed ?? 1);
  const signal = o.signal ?? (axes === 3 ? 'wave' : 'sine');
  const stream =
    signal !== 'sine' && axes === 3 && MOTIONS.includes(signal)
      ? createAccelerometerStream({ motion: signal, frequencyHz: hz, seed: o.seed ?? 1 })
      : sineStream(axes, hz, rng);
  const sep = o.separator ?? ',';
  const f = o.faults ?? {};
  const stats = { linesSent: 0, faultyLinesSent: 0, commands: [] as string[] };
  const t0 = performance.now();
  let stopped = false;

  const formatLine = (values: Float32Array, i: number): string => {
    const fields: string[] = [];
    for (let k = 0; k < axes; k++) fields.push(values[i * axes + k]!.toFixed(4));
    const n = stats.linesSent;
    if (every(f.partialLineEvery, n)) {
      stats.faultyLinesSent++;
      return fields.slice(0, Math.max(1, Math.floor(axes / 2))).join(sep);
    }
    if (every(f.wrongFieldCountEvery, n)) {
      stats.faultyLinesSent++;
      return [...fields, '0.0000'].join(sep);
    }
    if (every(f.nonNumericEvery, n)) {
      stats.faultyLinesSent++;
      fields[0] = 'nan?';
      return fields.join(sep);
    }
    if (every(f.errLineEvery, n)) {
      stats.faultyLinesSent++;
      return 'ERR: sensor read failed';
    }
    return fields.join(sep);
  };

  // Timer-paced by wall clock: each tick writes every line that is due, in one write, so
  // 1 kHz works with coarse timers and nothing drifts.
  const tick = (): void => {
    if (stopped) return;
    const elapsed = performance.now() - t0;
    if (f.disappearAfterMs !== undefined && elapsed >= f.disappearAfterMs) {
      stopped = true;
      clearInterval(timer);
      void conn.close().then(() => o.onDisappear?.());
      return;
    }
    const due = Math.floor((elapsed * hz) / 1000) - stats.linesSent;
    if (due <= 0) return;
    if (f.garbage) {
      const bytes = Buffer.alloc(due * axes * 7);
      for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(rng.next() * 256);
      stats.linesSent += due;
      void conn.write(bytes).catch(() => {});
      return;
    }
    const values = stream.next(due);
    let text = '';
    for (let i = 0; i < due; i++) {
      text += formatLine(values, i) + '\r\n';
      stats.linesSent++;
    }
    void conn.write(text).catch(() => {});
  };
  const timer = setInterval(tick, 5);

  return {
    stats,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await conn.close();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Edge Impulse AT firmware

interface SimSensor {
  name: string;
  frequencies: number[];
  maxSampleLengthS: number;
  audio: boolean;
}

const SIM_SENSORS: SimSensor[] = [
  { name: 'Built-in accelerometer', frequencies: [62.5, 100], maxSampleLengthS: 300, audio: false },
  { name: 'Built-in microphone', frequencies: [16000], maxSampleLengthS: 60, audio: true },
];

function versionBelow(v: string, major: number, minor: number): boolean {
  const [a = 0, b = 0] = v.split('.').map(Number);
  return a < major || (a === major && b < minor);
}

function runAt(conn: DeviceConnection, o: BoardSimulatorOptions): Omit<BoardSimulator, 'gone'> {
  const at = o.at ?? {};
  const version = at.atVersion ?? '1.3.0';
  const settings = { label: 'test', intervalMs: 16, lengthMs: 10000, hmacKey: '' };
  const stats = { linesSent: 0, faultyLinesSent: 0, commands: [] as string[] };
  const files = new Map<string, Buffer>();
  let buffer: Buffer = Buffer.alloc(0);
  let input = '';
  let busy: Promise<void> = Promise.resolve();
  let stopped = false;
  let sampleCount = 0;

  const send = (text: string): Promise<void> => (stopped ? Promise.resolve() : conn.write(text).catch(() => {}));
  const println = (line = ''): Promise<void> => send(`${line}\r\n`);
  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

  const config = (): string[] => {
    const lines = [
      '===== Device info =====',
      `ID:         ${at.deviceId ?? 'DE:AD:BE:EF:00:01'}`,
      `Type:       ${at.deviceType ?? 'KILN_BOARD_SIMULATOR'}`,
      `AT Version: ${version}`,
      `Data Transfer Baudrate: ${at.transferBaudRate ?? 115200}`,
      '',
      '===== Sensors ======',
      ...SIM_SENSORS.map((s) =>
        at.sensorFormat === 'old'
          ? s.name
          : `Name: ${s.name}, Max sample length: ${s.maxSampleLengthS}s, Frequencies: [${s.frequencies.map((f) => `${f.toFixed(2)}Hz`).join(', ')}]`,
      ),
      '',
      '===== Snapshot ======',
      'Has snapshot:    0',
      '',
      '===== WIFI =====',
      'SSID:      ',
      'Password:  ',
      'Security:  0',
      'MAC:       ',
      'Connected: 0',
      'Present:   0',
      '',
      '===== Sampling parameters =====',
      `Label:     ${settings.label}`,
      `Interval:  ${settings.intervalMs.toFixed(2)} ms.`,
      `Length:    ${settings.lengthMs} ms.`,
      `HMAC key:  ${settings.hmacKey}`,
      '',
      '===== Upload settings =====',
      'Api Key:   ',
      'Host:      ',
      'Path:      /api/training/data',
      '',
      '===== Remote management =====',
      'URL:        ',
      'Connected:  0',
      'Last error: ',
    ];
    return lines;
  };

  const sample = async (sensorName: string): Promise<void> => {
    const sensor = SIM_SENSORS.find((s) => s.name.toLowerCase() === sensorName.toLowerCase());
    if (!sensor) {
      await println(`ERR: Failed to find sensor '${sensorName}' in the sensor list`);
      return;
    }
    const hz = 1000 / settings.intervalMs;
    const maxMs = sensor.maxSampleLengthS * 1000;
    if (settings.lengthMs > maxMs) {
      await println(`ERR: Sample length is too long. Maximum allowed is ${maxMs}ms at ${hz.toFixed(2)}Hz.`);
      return;
    }
    const fileName = `/fs/${settings.label}.${++sampleCount}`;
    await println('Sampling settings:');
    await println(`\tInterval: ${settings.intervalMs.toFixed(2)} ms.`);
    await println(`\tLength: ${settings.lengthMs} ms.`);
    await println(`\tName: ${settings.label}`);
    await println(`\tHMAC Key: ${settings.hmacKey}`);
    await println(`\tFile name: ${fileName}`);
    const startDelay = at.startDelayMs ?? 2000;
    await println(`Starting in ${startDelay} ms... (or until all flash was erased)`);
    await sleep(startDelay);
    await println('Sampling...');
    if (at.disappearWhileSampling) {
      stopped = true;
      await conn.close();
      o.onDisappear?.();
      return;
    }
    await sleep(settings.lengthMs * (at.timeScale ?? 1));
    const n = Math.round((settings.lengthMs * hz) / 1000);
    const stream: SignalStream = sensor.audio
      ? createMicrophoneStream({ word: 'yes', frequencyHz: hz, seed: o.seed ?? 1, periodMs: settings.lengthMs })
      : createAccelerometerStream({ motion: o.signal && o.signal !== 'sine' ? o.signal : 'wave', frequencyHz: hz, seed: o.seed ?? 1 });
    const doc = writeFirmwareSample({
      deviceName: at.deviceId ?? 'DE:AD:BE:EF:00:01',
      deviceType: at.deviceType ?? 'KILN_BOARD_SIMULATOR',
      intervalMs: settings.intervalMs,
      sensors: stream.sensors,
      values: stream.next(n),
      hmacKey: settings.hmacKey,
      binaryI16: sensor.audio,
      // erased-flash padding only after accelerometer data; audio runs to the end of the range
      paddingBytes: sensor.audio ? 0 : (at.paddingBytes ?? 13),
    });
    await println(`Done sampling, total bytes collected: ${doc.length}`);
    await println('[1/1] Uploading file to Edge Impulse...');
    if (at.useFile) {
      files.set(fileName, doc);
    } else {
      const offset = at.bufferOffset ?? 0;
      buffer = Buffer.concat([Buffer.alloc(offset, 0xff), doc]);
      await println(`Not uploading file, not connected to WiFi. Used buffer, from=${offset}, to=${offset + doc.length}.`);
    }
    await println('OK');
  };

  // a read-back payload; with `y` the firmware says OK, switches to its transfer speed (a pty
  // cannot show the switch), sends, and says OK again
  const sendPayload = async (text: string, fast: boolean): Promise<void> => {
    if (fast) {
      await println('OK');
      // like the firmware, give the host time to switch its port before the payload starts
      // (changing a port's speed flushes what it has received so far)
      await sleep(TRANSFER_SWITCH_MS);
    }
    for (let i = 0; i < text.length; i += 1024) await send(text.slice(i, i + 1024));
    await println();
    if (fast || at.okAfterPayload) await println('OK');
  };

  const handle = async (command: string): Promise<void> => {
    const override = at.replyOverride;
    if (override && command.startsWith(override.command)) {
      await println(override.reply);
      return;
    }
    const [name = '', arg = ''] = splitOnce(command, '=');
    switch (name) {
      case 'AT':
        await println('OK');
        return;
      case 'AT+CONFIG?':
        for (const line of config()) await println(line);
        return;
      case 'AT+SAMPLESETTINGS': {
        const parts = arg.split(',');
        const interval = Number(parts[1]);
        const length = Number(parts[2]);
        if (parts.length < 3 || !(interval > 0) || !(length > 0)) {
          await println('ERR: Invalid sample settings, expected label,interval_ms,length_ms[,hmac_key]');
          return;
        }
        Object.assign(settings, { label: parts[0]!, intervalMs: interval, lengthMs: length, hmacKey: parts[3] ?? '' });
        await println('OK');
        return;
      }
      case 'AT+SAMPLESTART':
        await sample(arg);
        return;
      case 'AT+READBUFFER': {
        // AT+READBUFFER=<from>,<length>[,y]: y = switch to the data-transfer baud rate
        const [fromText = '', lengthText = '', fast = ''] = arg.split(',');
        const from = Number(fromText);
        const length = Number(lengthText);
        if (!Number.isInteger(from) || !Number.isInteger(length) || from < 0 || length <= 0 || from + length > buffer.length) {
          await println(`ERR: Invalid buffer range ${arg}`);
          return;
        }
        await sendPayload(buffer.subarray(from, from + length).toString('base64'), fast === 'y');
        return;
      }
      case 'AT+READFILE': {
        const [name = '', fast = ''] = arg.split(',');
        const file = files.get(name);
        if (!file) {
          await println(`ERR: File '${name}' does not exist`);
          return;
        }
        await sendPayload(versionBelow(version, 1, 2) ? file.toString('hex') : file.toString('base64'), fast === 'y');
        return;
      }
      case 'AT+UNLINKFILE':
        files.delete(arg);
        return;
      default:
        await println(`Not a valid AT command (${command})`);
    }
  };

  const offData = conn.onData((chunk) => {
    for (const byte of chunk) {
      const ch = String.fromCharCode(byte);
      if (ch === '\n' && input === '') continue; // \r\n from a host: the \r already ended the line
      if (ch === '\r' || ch === '\n') {
        const command = input.trim();
        input = '';
        stats.commands.push(command);
        busy = busy.then(async () => {
          await send('\r\n');
          if (command !== '' && command !== 'b') await handle(command);
          await send('> ');
        });
      } else {
        input += ch;
        // Echo as typed, but only when the "main loop" is free, like the firmware's shell.
        busy = busy.then(() => send(ch));
      }
    }
  });
  void send('Hello from the Kiln board simulator\r\n> ');

  return {
    stats,
    async stop() {
      stopped = true;
      offData();
      await conn.close();
    },
  };
}

function splitOnce(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)];
}
