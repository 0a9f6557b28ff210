/**
 * The devices service: which boards and virtual devices there are, connecting to a serial
 * board (protocol probe + forwarder detection), and recording into a project as a job.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DeviceData, DeviceRow, RecordResult } from '../../shared/api/devices';
import { DEFAULT_BAUD } from '../../shared/api/devices';
import type { JobInfo } from '../../shared/api/jobs';
import { KilnError } from '../../shared/errors';
import type { EventBus } from '../api/eventBus';
import type { JobContext, JobRunner } from '../jobs/jobRunner';
import type { ProjectHome } from '../store/projectHome';
import { SampleRepository, type Category } from '../store/sampleRepository';
import { EiAtClient, probe, recordAt, type EiDeviceConfig, type SampleStage } from './eiAtProtocol';
import { detect, parseForwarderLine, record as recordForwarder, type DetectResult } from './forwarderProtocol';
import { LiveStream } from './liveStream';
import { listPorts, type ListPortsOptions } from './portDiscovery';
import { SerialConnection } from './serialConnection';
import { SqliteSampleSink } from './sqliteSampleSink';
import type { PortInfo, RecordingSummary } from './types';
import { VIRTUAL_DEVICES, recordVirtual, type VirtualDevice } from './virtual/virtualDevice';

/** File in the home folder that keeps the port paths the user added by hand. */
export const USER_PORTS_FILE = '.kiln-devices.json';

export interface DeviceServiceOptions {
  /** the home folder (KILN_HOME): where the user-added port list is kept */
  homeDir: string;
  events: EventBus;
  jobs: JobRunner;
  projects: ProjectHome;
  /** how often to look for plugged/unplugged boards, ms (default 2000) */
  pollMs?: number;
  /** stands in for serialport's list() (tests) */
  lister?: ListPortsOptions['lister'];
  /** directory scanned for USB serial devices (default /dev) */
  devDir?: string;
}

export type ConnectProtocol = 'auto' | 'forwarder' | 'ei-at';

interface Connection {
  conn: SerialConnection;
  baudRate: number;
  protocol: 'forwarder' | 'ei-at';
  name: string;
  detection?: DetectResult;
  config?: EiDeviceConfig;
  axisNames?: string[];
}

export interface RecordRequest {
  project: string;
  device: string;
  sensor?: string | undefined;
  label: string;
  lengthMs: number;
  frequencyHz?: number | undefined;
  category: Category;
  axisNames?: string[] | undefined;
  baudRate?: number | undefined;
  variant?: string | undefined;
  seed?: number | undefined;
}

const virtualId = (d: VirtualDevice): string => `virtual-${d.info.id}`;

/** Default names for a forwarder's fields; the user renames them on the Devices page. */
export function defaultAxisNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `axis${i + 1}`);
}

export class DeviceService {
  private readonly connections = new Map<string, Connection>();
  /** paths being connected right now (a second connect waits for an answer instead) */
  private readonly connecting = new Set<string>();
  private readonly recording = new Set<string>();
  private ports: PortInfo[] = [];
  private userPaths: string[];
  /** axis names the user gave each forwarder port (remembered across restarts) */
  private axisMemory: Record<string, string[]>;
  private pollTimer: NodeJS.Timeout | undefined;
  private lastSignature = '';
  private disposed = false;
  private polling = false;

  constructor(private readonly o: DeviceServiceOptions) {
    const saved = this.loadSaved();
    this.userPaths = saved.ports;
    this.axisMemory = saved.axes;
  }

  // --- listing ---------------------------------------------------------------------------

  /** Every serial port, user-added path and virtual device; starts watching for changes. */
  async list(): Promise<DeviceRow[]> {
    await this.refreshPorts();
    this.startWatching();
    return this.rows();
  }

  /** Looks for plugged/unplugged boards every pollMs and pushes `devices.changed`. Idempotent. */
  startWatching(): void {
    if (this.pollTimer || this.disposed) return;
    this.lastSignature = signature(this.rows());
    this.pollTimer = setInterval(() => void this.poll(), this.o.pollMs ?? 2000);
    this.pollTimer.unref?.();
  }

  private async poll(): Promise<void> {
    if (this.polling) return; // a slow port list (udevadm) must not pile up
    this.polling = true;
    try {
      await this.refreshPorts();
      this.emitIfChanged();
    } finally {
      this.polling = false;
    }
  }

  private emitIfChanged(): void {
    if (this.disposed) return;
    const rows = this.rows();
    const sig = signature(rows);
    if (sig === this.lastSignature) return;
    this.lastSignature = sig;
    this.o.events.emit('devices.changed', { devices: rows });
  }

  private async refreshPorts(): Promise<void> {
    this.ports = await listPorts({
      extraPaths: this.userPaths,
      ...(this.o.lister ? { lister: this.o.lister } : {}),
      ...(this.o.devDir ? { devDir: this.o.devDir } : {}),
    });
  }

  /** The rows as they are now (no port scan). */
  rows(): DeviceRow[] {
    const rows: DeviceRow[] = [];
    const seen = new Set<string>();
    const user = new Set(this.userPaths);
    for (const p of this.ports) {
      seen.add(p.path);
      rows.push(this.serialRow(p.path, p, user.has(p.path)));
    }
    for (const p of this.connections.keys()) {
      if (!seen.has(p)) rows.push(this.serialRow(p, undefined, user.has(p)));
    }
    // boards in use first, then the ones the user added, then the rest by path
    const rank = (r: DeviceRow): number => (r.status === 'connected' || r.status === 'recording' ? 0 : r.userAdded ? 1 : 2);
    rows.sort((a, b) => rank(a) - rank(b) || a.path.localeCompare(b.path));
    for (const d of VIRTUAL_DEVICES) rows.push(this.virtualRow(d));
    return rows;
  }

  private serialRow(p: string, port: PortInfo | undefined, userAdded: boolean): DeviceRow {
    const c = this.connections.get(p);
    const present = c ? true : (port?.present ?? existsSync(p));
    const sensors = c
      ? c.protocol === 'ei-at'
        ? (c.config?.sensors ?? [])
        : [
            {
              name: 'Data forwarder',
              frequencies: [c.detection!.frequencyHz],
              maxSampleLengthS: 3600,
              axes: c.axisNames ?? defaultAxisNames(c.detection!.axes),
            },
          ]
      : [];
    return {
      id: p,
      name: c?.name ?? (port?.manufacturer ? `${port.manufacturer}` : path.basename(p)),
      kind: 'serial',
      path: p,
      source: port?.source ?? (userAdded ? 'user' : 'scan'),
      present,
      protocol: c?.protocol ?? 'unknown',
      status: this.recording.has(p) ? 'recording' : c ? 'connected' : present ? 'available' : 'missing',
      baudRate: c?.baudRate ?? null,
      sensors: sensors.map((s) => ({ ...s, frequencies: [...s.frequencies], ...(s.axes ? { axes: [...s.axes] } : {}) })),
      variants: [],
      manufacturer: port?.manufacturer ?? null,
      detection: c?.detection
        ? { axes: c.detection.axes, frequencyHz: c.detection.frequencyHz, sampleLine: c.detection.sampleLine, malformedLines: c.detection.malformedLines }
        : null,
      userAdded,
    };
  }

  private virtualRow(d: VirtualDevice): DeviceRow {
    const id = virtualId(d);
    return {
      id,
      name: d.info.name,
      kind: 'virtual',
      path: d.info.path,
      source: 'virtual',
      present: true,
      protocol: 'virtual',
      status: this.recording.has(id) ? 'recording' : 'available',
      baudRate: null,
      sensors: d.info.sensors.map((s) => ({ ...s, frequencies: [...s.frequencies], ...(s.axes ? { axes: [...s.axes] } : {}) })),
      variants: [...d.variants],
      manufacturer: null,
      detection: null,
      userAdded: false,
    };
  }

  private row(id: string): DeviceRow {
    const r = this.rows().find((x) => x.id === id);
    if (!r) throw new KilnError('NOT_FOUND', `No device "${id}"`);
    return r;
  }

  // --- user-added paths ------------------------------------------------------------------

  private get userFile(): string {
    return path.join(this.o.homeDir, USER_PORTS_FILE);
  }

  private loadSaved(): { ports: string[]; axes: Record<string, string[]> } {
    try {
      const parsed = JSON.parse(readFileSync(this.userFile, 'utf8')) as { ports?: unknown; axes?: unknown };
      const ports = Array.isArray(parsed.ports) ? parsed.ports.filter((p): p is string => typeof p === 'string' && p.length > 0) : [];
      const axes: Record<string, string[]> = {};
      if (parsed.axes && typeof parsed.axes === 'object') {
        for (const [k, v] of Object.entries(parsed.axes as Record<string, unknown>)) {
          if (Array.isArray(v) && v.length > 0 && v.every((n) => typeof n === 'string' && n.trim() !== '')) axes[k] = v as string[];
        }
      }
      return { ports, axes };
    } catch {
      return { ports: [], axes: {} }; // missing or unreadable: start empty (rewritten on the next change)
    }
  }

  private saveUserPaths(): void {
    mkdirSync(this.o.homeDir, { recursive: true });
    const tmp = `${this.userFile}.tmp`;
    writeFileSync(tmp, JSON.stringify({ version: 1, ports: this.userPaths, axes: this.axisMemory }, null, 2) + '\n');
    renameSync(tmp, this.userFile);
  }

  /** Adds a serial path by hand (e.g. the pty of `kiln simulate-board`); it is remembered. */
  async addPort(rawPath: string): Promise<DeviceRow[]> {
    const p = portPath(rawPath);
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new KilnError('NOT_FOUND', `Nothing exists at ${p}. Plug the board in (or start \`kiln simulate-board\`) and check the path.`, { field: 'path' });
    }
    if (!st.isCharacterDevice()) {
      throw new KilnError('BAD_PARAMS', `${p} is ${st.isDirectory() ? 'a folder' : 'a regular file'}, not a serial port.`, { field: 'path' });
    }
    if (!this.userPaths.includes(p)) {
      this.userPaths = [...this.userPaths, p].sort();
      this.saveUserPaths();
    }
    await this.refreshPorts();
    this.emitIfChanged();
    return this.rows();
  }

  private rememberAxes(p: string, names: string[]): void {
    if (this.axisMemory[p]?.join('\u0000') === names.join('\u0000')) return;
    this.axisMemory = { ...this.axisMemory, [p]: [...names] };
    try {
      this.saveUserPaths();
    } catch {
      // not remembering names across restarts is no reason to fail the request
    }
  }

  /** Forgets a path added by hand (disconnecting it first). */
  async removePort(rawPath: string): Promise<DeviceRow[]> {
    const p = portPath(rawPath);
    if (!this.userPaths.includes(p)) throw new KilnError('NOT_FOUND', `${p} was not added by hand, so there is nothing to remove.`);
    if (this.connections.has(p)) await this.disconnect(p);
    this.userPaths = this.userPaths.filter((x) => x !== p);
    this.saveUserPaths();
    await this.refreshPorts();
    this.emitIfChanged();
    return this.rows();
  }

  // --- connecting --------------------------------------------------------------------------

  /**
   * Opens a serial board and finds out what it speaks: Edge Impulse AT firmware (reads its
   * sensors) or a data forwarder (counts its fields and measures its rate over ~2 s).
   */
  async connect(rawPath: string, baudRate = DEFAULT_BAUD, protocol: ConnectProtocol = 'auto'): Promise<DeviceRow> {
    const p = portPath(rawPath);
    if (this.recording.has(p)) throw new KilnError('DEVICE_ERROR', `${p} is recording; wait for it to finish or cancel the recording first.`);
    if (this.connecting.has(p)) throw new KilnError('DEVICE_ERROR', `Already connecting to ${p}; wait for the result.`);
    this.connecting.add(p);
    try {
      if (this.connections.has(p)) await this.disconnect(p);
      const conn = await SerialConnection.open(p, baudRate);
      let c: Connection;
      try {
        c = await this.identify(conn, baudRate, protocol);
      } catch (e) {
        await conn.close();
        throw e;
      }
      this.connections.set(p, c);
      conn.onClose(() => {
        if (this.connections.get(p)?.conn !== conn) return;
        this.connections.delete(p);
        void this.refreshPorts().then(() => this.emitIfChanged());
      });
      this.emitIfChanged();
      return this.row(p);
    } finally {
      this.connecting.delete(p);
    }
  }

  private async identify(conn: SerialConnection, baudRate: number, protocol: ConnectProtocol): Promise<Connection> {
    // A data forwarder starts printing numbers on its own; Edge Impulse firmware stays quiet
    // until asked. A short listen first saves the AT probe's wait for forwarders.
    if (protocol === 'auto' && (await printsNumbers(conn, 400))) protocol = 'forwarder';
    if (protocol !== 'forwarder') {
      const probed = await probe(conn, { timeoutMs: 1500 });
      if (probed.protocol === 'ei-at' && probed.config) {
        const info = probed.config.info;
        const name = info.type ? `${info.type}${info.id ? ` (${info.id})` : ''}` : `Edge Impulse board on ${conn.path}`;
        return { conn, baudRate, protocol: 'ei-at', name, config: probed.config };
      }
      if (protocol === 'ei-at') {
        throw new KilnError(
          'NO_DATA',
          `No Edge Impulse AT firmware answered on ${conn.path} at ${baudRate} baud — wrong baud rate, or is the board running a data-forwarder sketch?`,
          { path: conn.path },
        );
      }
    }
    const detection = await detect(conn, { timeoutMs: 2000 });
    return {
      conn,
      baudRate,
      protocol: 'forwarder',
      name: `Data forwarder (${path.basename(conn.path)})`,
      detection,
      // the names the user gave this port last time, when the board still prints as many fields
      axisNames: this.axisMemory[conn.path]?.length === detection.axes ? [...this.axisMemory[conn.path]!] : defaultAxisNames(detection.axes),
    };
  }

  async disconnect(rawPath: string): Promise<DeviceRow[]> {
    const p = portPath(rawPath);
    if (this.recording.has(p)) throw new KilnError('DEVICE_ERROR', `${p} is recording; cancel the recording before disconnecting.`);
    const c = this.connections.get(p);
    if (c) {
      this.connections.delete(p);
      await c.conn.close();
    }
    this.emitIfChanged();
    return this.rows();
  }

  /** Names the fields of a connected data forwarder. */
  setAxes(rawPath: string, axisNames: string[]): DeviceRow {
    const p = portPath(rawPath);
    const c = this.connections.get(p);
    if (!c) throw new KilnError('BAD_REQUEST', `${p} is not connected; connect it first.`);
    if (c.protocol !== 'forwarder') throw new KilnError('BAD_REQUEST', `${p} runs Edge Impulse firmware, whose sensors name their own axes.`);
    c.axisNames = checkAxisNames(axisNames, c.detection!.axes, p);
    this.rememberAxes(p, c.axisNames);
    this.lastSignature = '';
    this.emitIfChanged();
    return this.row(p);
  }

  // --- recording ---------------------------------------------------------------------------

  /** Starts a `samples.record` job; bad arguments are refused before the job starts. */
  record(req: RecordRequest): JobInfo {
    const project = this.o.projects.get(req.project); // NOT_FOUND when there is no such project
    const projectName = this.o.projects.nameOf(project.file);
    const virtual = VIRTUAL_DEVICES.find((d) => virtualId(d) === req.device || d.info.path === req.device);
    const deviceKey = virtual ? virtualId(virtual) : portPath(req.device);
    if (this.recording.has(deviceKey)) throw new KilnError('DEVICE_ERROR', `${req.device} is already recording; wait for it to finish.`);
    if (this.connecting.has(deviceKey)) throw new KilnError('DEVICE_ERROR', `${req.device} is still connecting; wait for the detection to finish.`);

    const plan = virtual ? this.planVirtual(virtual, req) : this.planSerial(deviceKey, req);
    const repo = new SampleRepository(project.db);
    this.recording.add(deviceKey);
    this.emitIfChanged();
    try {
      return this.o.jobs.start('samples.record', `Record "${req.label}" from ${plan.deviceName}`, projectName, async (ctx) => {
        try {
          return await this.runRecording(ctx, repo, req, deviceKey, plan);
        } finally {
          this.o.events.emit('samples.changed', { project: projectName });
          this.recording.delete(deviceKey);
          this.emitIfChanged();
        }
      });
    } catch (e) {
      this.recording.delete(deviceKey);
      throw e;
    }
  }

  private planVirtual(d: VirtualDevice, req: RecordRequest): RecordPlan {
    const sensor = d.info.sensors[0]!;
    const hz = req.frequencyHz ?? d.defaultHz;
    if (!sensor.frequencies.includes(hz)) {
      throw new KilnError('BAD_PARAMS', `${d.info.name} records at ${sensor.frequencies.join(' or ')} Hz, not ${hz} Hz.`, { field: 'frequencyHz' });
    }
    if (req.lengthMs > sensor.maxSampleLengthS * 1000) {
      throw new KilnError('BAD_PARAMS', `${d.info.name} records at most ${sensor.maxSampleLengthS} s per sample.`, { field: 'lengthMs' });
    }
    const variant = req.variant ?? (d.variants.includes(req.label) ? req.label : d.variants.find((v) => v !== 'idle' && v !== 'noise')!);
    if (!d.variants.includes(variant)) {
      throw new KilnError('BAD_PARAMS', `${d.info.name} cannot produce "${variant}"; choose one of ${d.variants.join(', ')}.`, { field: 'variant' });
    }
    return { kind: 'virtual', device: d, deviceName: d.info.name, hz, variant, seed: req.seed ?? Math.floor(Math.random() * 2 ** 31) };
  }

  private planSerial(p: string, req: RecordRequest): RecordPlan {
    const c = this.connections.get(p);
    if (!c) {
      // Not connected yet: connect inside the job (with progress), after checking the path.
      if (!existsSync(p)) throw new KilnError('DEVICE_GONE', `No serial port at ${p}. Is the board plugged in?`, { field: 'device' });
      return { kind: 'serial', deviceName: path.basename(p), hz: req.frequencyHz ?? 0 };
    }
    return { kind: 'serial', deviceName: c.name, hz: this.checkSerial(c, req) };
  }

  /** Checks the request against a connected board; returns the frequency to record at. */
  private checkSerial(c: Connection, req: RecordRequest): number {
    if (c.protocol === 'forwarder') {
      const axes = c.detection!.axes;
      if (req.axisNames) {
        c.axisNames = checkAxisNames(req.axisNames, axes, c.conn.path);
        this.rememberAxes(c.conn.path, c.axisNames);
      }
      return req.frequencyHz ?? c.detection!.frequencyHz;
    }
    const sensors = c.config?.sensors ?? [];
    const sensor = req.sensor ? sensors.find((s) => s.name.toLowerCase() === req.sensor!.toLowerCase()) : sensors[0];
    if (!sensor) {
      throw new KilnError(
        'BAD_PARAMS',
        req.sensor
          ? `The board has no sensor "${req.sensor}"; it has ${sensors.map((s) => `"${s.name}"`).join(', ') || 'none'}.`
          : 'The board lists no sensors.',
        { field: 'sensor' },
      );
    }
    const hz = req.frequencyHz ?? sensor.frequencies[0];
    if (!hz) throw new KilnError('BAD_PARAMS', `The board does not say at what rate "${sensor.name}" samples; give a frequency.`, { field: 'frequencyHz' });
    if (sensor.frequencies.length > 0 && !sensor.frequencies.some((f) => Math.abs(f - hz) < 1e-6)) {
      throw new KilnError('BAD_PARAMS', `"${sensor.name}" samples at ${sensor.frequencies.join(' or ')} Hz, not ${hz} Hz.`, { field: 'frequencyHz' });
    }
    if (sensor.maxSampleLengthS > 0 && req.lengthMs > sensor.maxSampleLengthS * 1000) {
      throw new KilnError('BAD_PARAMS', `"${sensor.name}" takes samples of at most ${sensor.maxSampleLengthS} s.`, { field: 'lengthMs' });
    }
    return hz;
  }

  private async runRecording(ctx: JobContext, repo: SampleRepository, req: RecordRequest, deviceKey: string, plan: RecordPlan): Promise<RecordResult> {
    let live: LiveStream | undefined;
    let readings = 0;
    /** an AT board reports its own progress stages */
    let atBoard = false;
    let intervalMs = plan.hz > 0 ? 1000 / plan.hz : 0;
    const sink = new SqliteSampleSink(repo, {
      category: req.category,
      source: plan.kind === 'virtual' ? `virtual:${plan.device.info.id}` : `serial:${deviceKey}`,
      onAppend: (values) => {
        const meta = sink.meta!;
        intervalMs = meta.intervalMs;
        live ??= new LiveStream({ jobId: ctx.jobId, device: deviceKey, axes: meta.sensors.map((s) => s.name), intervalMs: meta.intervalMs }, (d: DeviceData) =>
          this.o.events.emit('device.data', d),
        );
        live.push(values);
        readings += values.length / meta.sensors.length;
        if (!atBoard) {
          const s = (readings * meta.intervalMs) / 1000;
          ctx.progress((readings * meta.intervalMs) / req.lengthMs, `Recording… ${s.toFixed(1)} / ${(req.lengthMs / 1000).toFixed(1)} s`);
        }
      },
    });
    let summary: RecordingSummary;
    try {
      if (plan.kind === 'virtual') {
        ctx.progress(0, 'Recording…');
        summary = await recordVirtual(
          plan.device,
          {
            variant: plan.variant,
            label: req.label,
            lengthMs: req.lengthMs,
            frequencyHz: plan.hz,
            seed: plan.seed,
            speed: 1,
            chunkMs: 100,
            signal: ctx.signal,
          },
          sink,
        );
        ctx.log(`${plan.device.info.name}: ${plan.variant}, person #${plan.seed}`);
      } else {
        let c = this.connections.get(deviceKey);
        if (!c) {
          ctx.progress(0, `Connecting to ${deviceKey}…`);
          await this.connectQuietly(deviceKey, req.baudRate ?? DEFAULT_BAUD);
          c = this.connections.get(deviceKey)!;
          ctx.log(
            `Connected to ${deviceKey}: ${c.protocol === 'ei-at' ? 'Edge Impulse AT firmware' : `data forwarder, ${c.detection!.axes} axes at ${c.detection!.frequencyHz} Hz`}`,
          );
        }
        const hz = this.checkSerial(c, req);
        intervalMs = 1000 / hz;
        if (c.protocol === 'forwarder') {
          ctx.progress(0, 'Recording…');
          const axes = c.axisNames ?? defaultAxisNames(c.detection!.axes);
          summary = await recordForwarder(
            c.conn,
            {
              lengthMs: req.lengthMs,
              frequencyHz: hz,
              axes,
              label: req.label,
              deviceName: c.conn.path,
              deviceType: 'DATA_FORWARDER',
              chunkMs: 100,
              signal: ctx.signal,
              onBoardError: (line) => ctx.log(`Board: ${line}`, 'warn'),
            },
            sink,
          );
        } else {
          atBoard = true;
          summary = await this.recordAtBoard(ctx, c, req, hz, sink);
        }
      }
    } finally {
      live?.close();
    }
    if (summary.malformedLines > 0) ctx.log(`Skipped ${summary.malformedLines} lines that were not ${intervalMs ? 'valid readings' : 'numeric'}.`, 'warn');
    if (summary.truncated) ctx.log(`Recording cut short: ${summary.reason ?? 'no reason given'}`, 'warn');
    const rec = sink.record;
    if (rec)
      ctx.log(
        `Saved ${rec.name}: ${rec.readings} readings (${((rec.readings * rec.intervalMs) / 1000).toFixed(2)} s)${summary.truncated ? ', truncated' : ''}.`,
      );
    else if (summary.truncated) throw new KilnError('NO_DATA', summary.reason ?? `No readings arrived from ${deviceKey}; nothing was saved.`);
    return {
      sampleId: rec?.id ?? null,
      name: rec?.name ?? null,
      label: req.label,
      category: req.category,
      readings: rec?.readings ?? 0,
      expectedReadings: summary.expectedReadings,
      intervalMs: rec?.intervalMs ?? intervalMs,
      truncated: summary.truncated,
      reason: summary.reason ?? null,
      malformedLines: summary.malformedLines,
      device: deviceKey,
    };
  }

  private async connectQuietly(p: string, baudRate: number): Promise<void> {
    // connect() refuses recording devices; this one is marked recording by us, so lift it briefly.
    this.recording.delete(p);
    try {
      await this.connect(p, baudRate, 'auto');
    } finally {
      this.recording.add(p);
    }
  }

  private async recordAtBoard(ctx: JobContext, c: Connection, req: RecordRequest, hz: number, sink: SqliteSampleSink): Promise<RecordingSummary> {
    const client = new EiAtClient(c.conn);
    const sensor = req.sensor ?? c.config!.sensors[0]!.name;
    const sensorName = c.config!.sensors.find((s) => s.name.toLowerCase() === sensor.toLowerCase())?.name ?? sensor;
    const stageText: Record<SampleStage, [number, string]> = {
      settings: [0.02, 'Sending sample settings…'],
      starting: [0.05, 'Board is preparing (erasing flash)…'],
      sampling: [0.1, 'Sampling on the board…'],
      processing: [0.8, 'Board is processing…'],
      uploading: [0.85, 'Board is storing the sample…'],
      reading: [0.9, 'Reading the sample back…'],
      done: [1, 'Saving…'],
    };
    let samplingTimer: NodeJS.Timeout | undefined;
    const onAbort = (): void => void client.breakLoop().catch(() => undefined);
    ctx.signal.addEventListener('abort', onAbort);
    try {
      const result = await recordAt(client, { sensor: sensorName, label: req.label, intervalMs: 1000 / hz, lengthMs: req.lengthMs }, sink, (p) => {
        const [fraction, text] = stageText[p.stage];
        ctx.progress(fraction, text);
        if (p.line) ctx.log(`Board: ${p.line}`);
        clearInterval(samplingTimer);
        if (p.stage === 'sampling') {
          const t0 = Date.now();
          samplingTimer = setInterval(() => {
            const f = Math.min(1, (Date.now() - t0) / req.lengthMs);
            ctx.progress(0.1 + 0.7 * f, `Sampling on the board… ${((f * req.lengthMs) / 1000).toFixed(1)} / ${(req.lengthMs / 1000).toFixed(1)} s`);
          }, 200);
        }
      });
      if (result.sample.readings < result.expectedReadings) {
        return { ...result, truncated: true, reason: `The board returned ${result.sample.readings} of ${result.expectedReadings} readings.` };
      }
      return result;
    } catch (e) {
      if (ctx.signal.aborted) throw new KilnError('CANCELLED', 'Recording cancelled; the board was told to stop.');
      throw e;
    } finally {
      clearInterval(samplingTimer);
      ctx.signal.removeEventListener('abort', onAbort);
    }
  }

  /** Closes every connection and stops watching. */
  async dispose(): Promise<void> {
    this.disposed = true;
    clearInterval(this.pollTimer);
    const open = [...this.connections.values()];
    this.connections.clear();
    await Promise.all(open.map((c) => c.conn.close().catch(() => undefined)));
  }
}

type RecordPlan =
  | { kind: 'virtual'; device: VirtualDevice; deviceName: string; hz: number; variant: string; seed: number }
  | { kind: 'serial'; deviceName: string; hz: number };

function checkAxisNames(names: string[], axes: number, p: string): string[] {
  const trimmed = names.map((n) => n.trim());
  if (trimmed.length !== axes) {
    throw new KilnError(
      'BAD_PARAMS',
      `The board on ${p} prints ${axes} field${axes === 1 ? '' : 's'} per line; give ${axes} axis names, not ${trimmed.length}.`,
      {
        field: 'axisNames',
      },
    );
  }
  const seen = new Set<string>();
  for (const n of trimmed) {
    if (n === '') throw new KilnError('BAD_PARAMS', 'An axis name is empty.', { field: 'axisNames' });
    if (seen.has(n.toLowerCase())) throw new KilnError('BAD_PARAMS', `The axis name "${n}" is used twice.`, { field: 'axisNames' });
    seen.add(n.toLowerCase());
  }
  return trimmed;
}

/** True when `conn` prints at least 3 numeric lines with the same field count within `ms`. */
async function printsNumbers(conn: SerialConnection, ms: number): Promise<boolean> {
  const counts = new Map<number, number>();
  let first = true;
  const off = conn.onLine((line) => {
    if (first) {
      first = false; // may have started before we listened
      return;
    }
    const v = parseForwarderLine(line);
    if (v) counts.set(v.length, (counts.get(v.length) ?? 0) + 1);
  });
  await new Promise((r) => setTimeout(r, ms));
  off();
  return [...counts.values()].some((n) => n >= 3);
}

/** Absolute form of a serial path; Windows port names (COM3) stay as they are. */
export function portPath(raw: string): string {
  const p = raw.trim();
  return /^(COM\d+|\\\\\.\\.+)$/i.test(p) ? p : path.resolve(p);
}

function signature(rows: DeviceRow[]): string {
  return JSON.stringify(rows.map((r) => [r.id, r.present, r.status, r.protocol, r.baudRate, r.sensors.map((s) => s.axes)]));
}
