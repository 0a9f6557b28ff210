import { create } from 'zustand';
import { DEFAULT_BAUD, type VirtualDeviceId } from '../../shared/api/devices';
import type { LiveReadiness, LiveResult, LiveSessionInfo, LiveSource } from '../../shared/api/live';
import { api } from '../api';
import { errorMessage } from './appStore';

/** Points kept for the scores-over-time chart (a minute at 4 windows a second). */
export const HISTORY_POINTS = 240;

export interface LiveForm {
  kind: 'virtual' | 'serial';
  device: VirtualDeviceId;
  /** motion or word of the virtual device ('' = its default) */
  variant: string;
  path: string;
  baud: number;
}

/** Scores over time, one array per class, plus the anomaly score (null where absent). */
export interface LiveHistory {
  t: number[];
  scores: number[][];
  anomaly: (number | null)[];
  labels: string[];
}

interface LiveState {
  project: string | null;
  readiness: LiveReadiness | null;
  checking: boolean;
  form: LiveForm;
  /** the running session */
  session: LiveSessionInfo | null;
  /** the session whose results are on screen (stays after it stops, until the next start) */
  shown: LiveSessionInfo | null;
  starting: boolean;
  stopping: boolean;
  /** why the last start failed or the session ended by itself */
  error: string | null;
  errorKind: 'start' | 'ended' | null;
  last: LiveResult | null;
  history: LiveHistory;
  /** bumps on every result (charts redraw on it) */
  version: number;
  check(project: string): Promise<void>;
  setForm(patch: Partial<LiveForm>): void;
  start(project: string): Promise<void>;
  stop(): Promise<void>;
  /** switches motion/word; applied at once while a virtual session runs */
  setVariant(variant: string): Promise<void>;
  /** follows live.result / live.state; returns unsubscribe */
  subscribe(): () => void;
}

const emptyHistory = (classes = 0): LiveHistory => ({ t: [], scores: Array.from({ length: classes }, () => []), anomaly: [], labels: [] });

/** The source the form describes, as the API takes it. */
export function sourceOf(form: LiveForm): LiveSource {
  if (form.kind === 'serial') return { kind: 'serial', path: form.path.trim(), baudRate: form.baud };
  return { kind: 'virtual', device: form.device, ...(form.variant ? { variant: form.variant } : {}) };
}

/** Appends one result, keeping the last HISTORY_POINTS. */
export function appendResult(h: LiveHistory, r: LiveResult, classes: readonly string[]): LiveHistory {
  const cut = h.t.length >= HISTORY_POINTS ? 1 : 0;
  return {
    t: [...h.t.slice(cut), r.t / 1000],
    scores: classes.map((c, i) => [...(h.scores[i] ?? []).slice(cut), r.scores[c] ?? 0]),
    anomaly: [...h.anomaly.slice(cut), r.anomaly],
    labels: [...h.labels.slice(cut), r.label],
  };
}

export const useLive = create<LiveState>((set, get) => ({
  project: null,
  readiness: null,
  checking: false,
  form: { kind: 'virtual', device: 'virtual-accelerometer', variant: '', path: '', baud: DEFAULT_BAUD },
  session: null,
  shown: null,
  starting: false,
  stopping: false,
  error: null,
  errorKind: null,
  last: null,
  history: emptyHistory(),
  version: 0,

  async check(project) {
    if (get().project !== project)
      set({ project, readiness: null, error: null, errorKind: null, last: null, history: emptyHistory(), session: null, shown: null });
    set({ checking: true });
    try {
      const readiness = await api().call('live.check', { project });
      const form = get().form;
      // start on the virtual device that fits the impulse, unless the user chose a source already
      const device = readiness.suggestedDevice && form.kind === 'virtual' && !form.variant ? readiness.suggestedDevice : form.device;
      set({ readiness, form: { ...form, device } });
    } catch (e) {
      set({ readiness: { ready: false, problem: errorMessage(e), fix: null, classes: [], input: null, suggestedDevice: null } });
    } finally {
      set({ checking: false });
    }
  },

  setForm(patch) {
    const form = { ...get().form, ...patch };
    if (patch.device && patch.device !== get().form.device) form.variant = '';
    set({ form });
  },

  async start(project) {
    if (get().starting) return;
    set({ starting: true, error: null, errorKind: null });
    try {
      const session = await api().call('live.start', { project, source: sourceOf(get().form) });
      set({ session, shown: session, last: null, history: emptyHistory(session.classes.length), version: get().version + 1 });
    } catch (e) {
      set({ error: errorMessage(e), errorKind: 'start' });
    } finally {
      set({ starting: false });
    }
  },

  async stop() {
    const s = get().session;
    if (!s) return;
    set({ stopping: true });
    try {
      await api().call('live.stop', { sessionId: s.sessionId });
    } catch (e) {
      set({ error: errorMessage(e) });
    } finally {
      set({ session: null, stopping: false });
    }
  },

  async setVariant(variant) {
    get().setForm({ variant });
    const s = get().session;
    if (!s || get().form.kind !== 'virtual') return;
    try {
      await api().call('live.setVariant', { sessionId: s.sessionId, variant });
      const next = { ...s, source: s.source.replace(/\([^)]*\)$/, `(${variant})`) };
      set({ session: next, shown: next });
    } catch (e) {
      set({ error: errorMessage(e) });
    }
  },

  subscribe() {
    const offResult = api().on('live.result', (r) => {
      const s = get().session;
      if (!s || r.sessionId !== s.sessionId) return;
      set({ last: r, history: appendResult(get().history, r, s.classes), version: get().version + 1 });
    });
    const offState = api().on('live.state', (e) => {
      const s = get().session;
      if (!s || e.sessionId !== s.sessionId) return;
      if (e.state === 'error') set({ session: null, error: e.message ?? 'The source stopped.', errorKind: 'ended' });
      if (e.state === 'stopped') set({ session: null });
      // a notice while running (e.g. windows skipped on a slow machine) joins the session's notes
      if (e.state === 'running' && e.message && !e.message.startsWith('Classifying ')) {
        const next = { ...s, notes: [...s.notes, e.message] };
        set({ session: next, shown: next });
      }
    });
    return () => {
      offResult();
      offState();
    };
  },
}));
