import { create } from 'zustand';
import type { DeviceData, RecordResult } from '../../shared/api/devices';
import type { JobInfo } from '../../shared/api/jobs';
import { api } from '../api';
import { errorMessage } from './appStore';
import { isActive, useJobs } from './jobsStore';

export interface RecordForm {
  /** device id from devices.list */
  device: string;
  /** sensor name ('' = the device's first) */
  sensor: string;
  label: string;
  lengthMs: number;
  /** null = the device's default / detected rate */
  frequencyHz: number | null;
  category: 'train' | 'test';
}

/** Live readings of the running recording, kept outside React state (it grows fast). */
export interface LiveBuffer {
  axes: string[];
  intervalMs: number;
  /** seconds since the start */
  t: number[];
  /** one array per axis */
  ys: number[][];
}

interface RecordState {
  /** the project whose form this is (each project remembers its own) */
  project: string | null;
  form: RecordForm;
  /** true until the user changes this project's form (the panel may then suggest a device) */
  fresh: boolean;
  jobId: string | null;
  starting: boolean;
  error: string | null;
  result: RecordResult | null;
  /** what happened to the last job when it did not succeed ('cancelled', …) */
  outcome: JobInfo['state'] | null;
  live: LiveBuffer | null;
  /** bumped when `live` grows, so the chart redraws */
  liveVersion: number;
  setForm(patch: Partial<RecordForm>): void;
  /** switches to a project's own form and forgets the last plot and result */
  forProject(project: string | null): void;
  /** starts a recording; resolves with the finished job's result (null when it failed) */
  start(project: string): Promise<RecordResult | null>;
  /** follows a recording job that is already running (after a page reload); resolves like start() */
  attach(jobId: string): Promise<RecordResult | null>;
  clearResult(): void;
  /** follows device.data; returns unsubscribe */
  subscribe(): () => void;
}

const STORAGE_KEY = 'kiln-record-form';
const DEFAULT_FORM: RecordForm = { device: 'virtual-accelerometer', sensor: '', label: '', lengthMs: 10_000, frequencyHz: null, category: 'train' };

const storageKey = (project: string | null): string => (project ? `${STORAGE_KEY}:${project}` : STORAGE_KEY);

function loadForm(project: string | null): RecordForm {
  try {
    const raw = typeof localStorage !== 'undefined' ? localStorage.getItem(storageKey(project)) : null;
    if (!raw) return DEFAULT_FORM;
    const f = JSON.parse(raw) as Partial<RecordForm>;
    return {
      device: typeof f.device === 'string' && f.device ? f.device : DEFAULT_FORM.device,
      sensor: typeof f.sensor === 'string' ? f.sensor : '',
      label: typeof f.label === 'string' ? f.label : '',
      lengthMs: typeof f.lengthMs === 'number' && f.lengthMs > 0 ? f.lengthMs : DEFAULT_FORM.lengthMs,
      frequencyHz: typeof f.frequencyHz === 'number' && f.frequencyHz > 0 ? f.frequencyHz : null,
      category: f.category === 'test' ? 'test' : 'train',
    };
  } catch {
    return DEFAULT_FORM;
  }
}

export const useRecord = create<RecordState>((set, get) => ({
  project: null,
  form: DEFAULT_FORM,
  fresh: true,
  jobId: null,
  starting: false,
  error: null,
  result: null,
  outcome: null,
  live: null,
  liveVersion: 0,
  forProject(project) {
    if (project === get().project) return;
    const saved = typeof localStorage !== 'undefined' && localStorage.getItem(storageKey(project)) !== null;
    set({
      project,
      form: loadForm(project),
      fresh: !saved,
      jobId: null,
      starting: false,
      error: null,
      result: null,
      outcome: null,
      live: null,
      liveVersion: get().liveVersion + 1,
    });
  },
  setForm(patch) {
    const form = { ...get().form, ...patch };
    set({ form, fresh: false });
    try {
      localStorage.setItem(storageKey(get().project), JSON.stringify(form));
    } catch {
      // private mode: the form just is not remembered
    }
  },
  async start(project) {
    const f = get().form;
    set({ starting: true, error: null, result: null, outcome: null, live: null, liveVersion: get().liveVersion + 1 });
    let jobId: string;
    try {
      ({ jobId } = await api().call('devices.record', {
        project,
        device: f.device,
        label: f.label.trim(),
        lengthMs: f.lengthMs,
        category: f.category,
        ...(f.sensor ? { sensor: f.sensor } : {}),
        ...(f.frequencyHz ? { frequencyHz: f.frequencyHz } : {}),
      }));
    } catch (e) {
      set({ starting: false, error: errorMessage(e) });
      return null;
    }
    set({ starting: false });
    return get().attach(jobId);
  },
  async attach(jobId) {
    set({ jobId, error: null, result: null, outcome: null });
    // seed the jobs store in case the job already moved on before its events were heard
    const { job } = await api().call('jobs.get', { jobId });
    useJobs.setState((s) => ({ jobs: { ...s.jobs, [job.id]: s.jobs[job.id] && isActive(job) ? s.jobs[job.id]! : job } }));
    const done = await useJobs.getState().waitFor(jobId);
    if (get().jobId !== jobId) return null;
    if (done.state === 'succeeded') {
      const result = done.result as RecordResult;
      set({ jobId: null, result, outcome: 'succeeded' });
      return result;
    }
    set({
      jobId: null,
      outcome: done.state,
      error:
        done.state === 'cancelled'
          ? 'Recording cancelled; what arrived so far was kept as a truncated sample.'
          : (done.error?.message ?? `Recording ${done.state}`),
    });
    return null;
  },
  clearResult() {
    set({ result: null, error: null, outcome: null });
  },
  subscribe() {
    return api().on('device.data', (d: DeviceData) => {
      if (d.jobId !== get().jobId) return;
      let live = get().live;
      if (!live || live.axes.length !== d.axes.length) {
        live = { axes: d.axes, intervalMs: d.intervalMs, t: [], ys: d.axes.map(() => []) };
      }
      const n = d.values.length / d.axes.length;
      for (let k = 0; k < n; k++) {
        live.t.push(((d.start + k * d.step) * d.intervalMs) / 1000);
        for (let a = 0; a < d.axes.length; a++) live.ys[a]!.push(d.values[k * d.axes.length + a]!);
      }
      set({ live, liveVersion: get().liveVersion + 1 });
    });
  },
}));
