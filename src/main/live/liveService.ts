/**
 * Live classification sessions: start one on a project and a source (virtual device or serial
 * board), results and state changes go out as `live.result` / `live.state` events, stop it by id.
 * One session per project and per serial port at a time; every session is stopped on dispose.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { LiveReadiness, LiveSessionInfo, LiveSource } from '../../shared/api/live';
import { isKilnError, KilnError } from '../../shared/errors';
import { currentImpulse } from '../training/featureSet';
import type { EventBus } from '../api/eventBus';
import type { DeviceService } from '../devices/deviceService';
import type { ProjectHome } from '../store/projectHome';
import { LiveClassifier } from './liveClassifier';
import { chooseEngine, type EngineChoice } from './engineChoice';
import { loadLiveModel } from './liveModel';
import { openSerialSource, openVirtualSource, suggestVirtualDevice, type LiveStreamSource } from './liveSources';

interface Session {
  info: LiveSessionInfo;
  classifier: LiveClassifier;
  /** serial path, when the source is a board */
  port: string | null;
}

export interface LiveServiceOptions {
  home: ProjectHome;
  events: EventBus;
  /** serial ports connected on the Devices page are released before a session opens them */
  devices?: DeviceService;
  /** false: never try ONNX Runtime (default: use it when it is faster) */
  allowOnnx?: boolean;
}

function describeEngine(c: EngineChoice): string {
  const ms = (x: number) => `${x < 0.1 ? x.toFixed(3) : x.toFixed(2)} ms`;
  if (c.onnxMs === null) return c.floatMs > 0 ? `${c.engine} (${ms(c.floatMs)} per window)` : c.engine;
  return `${c.engine} (model ${ms(Math.min(c.floatMs, c.onnxMs))} per window; kiln-js ${ms(c.floatMs)}, onnxruntime ${ms(c.onnxMs)})`;
}

export class LiveService {
  private readonly sessions = new Map<string, Session>();
  /** serial ports being opened right now */
  private readonly opening = new Set<string>();
  private disposed = false;

  constructor(private readonly o: LiveServiceOptions) {}

  list(): LiveSessionInfo[] {
    return [...this.sessions.values()].map((s) => s.info);
  }

  /** Whether the project can classify live (impulse + active model), and what its impulse reads. */
  check(project: string): LiveReadiness {
    const db = this.o.home.get(project).db;
    let input: LiveReadiness['input'] = null;
    let suggestedDevice: LiveReadiness['suggestedDevice'] = null;
    try {
      const impulse = currentImpulse(db).impulse;
      if (impulse.input.type === 'time-series') {
        const i = impulse.input;
        input = { axes: [...i.axes], frequencyHz: i.frequencyHz, windowMs: i.windowSizeMs, increaseMs: i.windowIncreaseMs };
        suggestedDevice = suggestVirtualDevice(i);
      }
    } catch (e) {
      if (!isKilnError(e)) throw e;
      return { ready: false, problem: e.message, fix: 'impulse', classes: [], input: null, suggestedDevice: null };
    }
    try {
      const model = loadLiveModel(db);
      return { ready: true, problem: null, fix: null, classes: model.classifier?.classNames ?? [], input, suggestedDevice };
    } catch (e) {
      if (!isKilnError(e)) throw e;
      return { ready: false, problem: e.message, fix: input ? 'training' : 'impulse', classes: [], input, suggestedDevice };
    }
  }

  /**
   * Loads the project's impulse and active model, opens the source, checks it fits the impulse
   * and starts classifying. Refuses with a clear KilnError (no model, source does not fit,
   * port missing or busy) before anything runs.
   */
  async start(project: string, source: LiveSource, onStatus?: (text: string) => void): Promise<LiveSessionInfo> {
    if (this.disposed) throw new KilnError('BAD_REQUEST', 'Kiln is shutting down');
    const db = this.o.home.get(project); // NOT_FOUND when there is no such project
    const projectName = this.o.home.nameOf(db.file);
    const model = loadLiveModel(db.db);
    const input = model.input;
    const port = source.kind === 'serial' ? path.resolve(source.path) : null;
    let stream: LiveStreamSource;
    if (source.kind === 'virtual') {
      stream = openVirtualSource(source.device, { variant: source.variant, seed: source.seed, preferredHz: input.frequencyHz });
    } else {
      const p = port!;
      if (this.opening.has(p) || [...this.sessions.values()].some((s) => s.port === p)) {
        throw new KilnError('DEVICE_ERROR', `${p} is already classifying; stop that session first.`);
      }
      this.opening.add(p);
      try {
        const known = this.o.devices?.rows().find((r) => r.id === p && r.status !== 'missing');
        if (known?.status === 'recording') throw new KilnError('DEVICE_ERROR', `${p} is recording; wait for the recording to finish.`);
        const forwarder = known?.protocol === 'forwarder' ? known : undefined;
        // the Devices page may hold the port open; release it (its detection is reused)
        if (known?.status === 'connected') await this.o.devices!.disconnect(p);
        stream = await openSerialSource(p, {
          baudRate: source.baudRate ?? known?.baudRate ?? undefined,
          expectedHz: input.frequencyHz,
          windowMs: input.windowSizeMs,
          axisNames: forwarder?.sensors[0]?.axes,
          knownHz: forwarder?.detection?.frequencyHz,
          ...(onStatus ? { onStatus } : {}),
        });
      } finally {
        this.opening.delete(p);
      }
    }

    let classifier: LiveClassifier;
    const sessionId = randomUUID();
    try {
      classifier = new LiveClassifier(model, stream, {
        onResult: (w) => this.o.events.emit('live.result', { sessionId, ...w }),
        onEnd: (reason) => {
          this.sessions.delete(sessionId);
          this.o.events.emit('live.state', { sessionId, state: 'error', message: reason });
        },
        onNotice: (text) => this.o.events.emit('live.state', { sessionId, state: 'running', message: text }),
      });
    } catch (e) {
      await stream.stop();
      throw e;
    }
    let choice: EngineChoice;
    try {
      choice = await chooseEngine(model, { allowOnnx: this.o.allowOnnx !== false });
    } catch (e) {
      await stream.stop();
      throw e;
    }
    // one live session per project: a new start replaces the old one
    for (const [id, s] of this.sessions) if (s.info.project === projectName) await this.stop(id);

    const notes = [...model.notes, ...(choice.note ? [choice.note] : []), ...(classifier.note ? [classifier.note] : [])];
    const info: LiveSessionInfo = {
      sessionId,
      project: projectName,
      source: stream.description,
      classes: model.classifier?.classNames ?? [],
      axes: [...input.axes],
      frequencyHz: input.frequencyHz,
      windowMs: input.windowSizeMs,
      increaseMs: input.windowIncreaseMs,
      engine: describeEngine(choice),
      modelId: model.classifier?.modelId ?? null,
      anomaly: model.anomaly ? { modelId: model.anomaly.modelId ?? 0, threshold: model.anomaly.threshold } : null,
      uncertainThreshold: model.classifier?.uncertainThreshold ?? 0,
      notes,
    };
    this.sessions.set(sessionId, { info, classifier, port });
    classifier.start();
    this.o.events.emit('live.state', { sessionId, state: 'running', message: `Classifying ${stream.description}` });
    return info;
  }

  /** Stops a session; false when there is no such session (already stopped or ended). */
  async stop(sessionId: string): Promise<boolean> {
    const s = this.sessions.get(sessionId);
    if (!s) return false;
    this.sessions.delete(sessionId);
    await s.classifier.stop();
    this.o.events.emit('live.state', { sessionId, state: 'stopped', message: 'Stopped' });
    return true;
  }

  /** Virtual devices: switch to another motion or word while classifying. */
  setVariant(sessionId: string, variant: string): string {
    const s = this.sessions.get(sessionId);
    if (!s) throw new KilnError('NOT_FOUND', 'That live session has ended; start a new one');
    const src = s.classifier.source;
    if (!src.setVariant) throw new KilnError('BAD_REQUEST', `${src.description} is a real board; move it instead`);
    const v = src.setVariant(variant);
    s.info = { ...s.info, source: src.description };
    return v;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await Promise.all([...this.sessions.keys()].map((id) => this.stop(id).catch(() => false)));
  }
}
