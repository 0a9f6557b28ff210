import { create } from 'zustand';
import type { RestoreResult, VersionDiff, VersionSummary } from '../../shared/api/versions';
import { api } from '../api';
import { errorMessage } from './appStore';

interface VersionsState {
  project: string | null;
  versions: VersionSummary[];
  loadError: string | null;
  /** the two versions being compared (older first) */
  from: number | null;
  to: number | null;
  diff: VersionDiff | null;
  diffError: string | null;
  busy: boolean;
  exportPath: string | null;

  load(project: string): Promise<void>;
  create(message: string): Promise<VersionSummary>;
  setPair(from: number | null, to: number | null): Promise<void>;
  restore(id: number): Promise<RestoreResult>;
  exportVersion(id: number): Promise<string>;
}

const JOB_POLL_MS = 300;

export const useVersions = create<VersionsState>((set, get) => ({
  project: null,
  versions: [],
  loadError: null,
  from: null,
  to: null,
  diff: null,
  diffError: null,
  busy: false,
  exportPath: null,

  async load(project) {
    if (get().project !== project) set({ project, versions: [], from: null, to: null, diff: null, diffError: null, exportPath: null });
    try {
      set({ versions: await api().call('versions.list', { project }), loadError: null });
    } catch (e) {
      set({ loadError: errorMessage(e) });
    }
  },

  async create(message) {
    const project = get().project;
    if (!project) throw new Error('No project open');
    set({ busy: true });
    try {
      const v = await api().call('versions.create', { project, message });
      await get().load(project);
      return v;
    } finally {
      set({ busy: false });
    }
  },

  async setPair(from, to) {
    const project = get().project;
    set({ from, to, diff: null, diffError: null });
    if (!project || from === null || to === null || from === to) return;
    try {
      const diff = await api().call('versions.diff', { project, from, to });
      if (get().from === from && get().to === to) set({ diff });
    } catch (e) {
      set({ diffError: errorMessage(e) });
    }
  },

  async restore(id) {
    const project = get().project;
    if (!project) throw new Error('No project open');
    set({ busy: true });
    try {
      const r = await api().call('versions.restore', { project, id });
      await get().load(project);
      return r;
    } finally {
      set({ busy: false });
    }
  },

  async exportVersion(id) {
    const project = get().project;
    if (!project) throw new Error('No project open');
    set({ busy: true, exportPath: null });
    try {
      const { jobId } = await api().call('versions.export', { project, id });
      for (;;) {
        const { job } = await api().call('jobs.get', { jobId });
        if (job.state === 'succeeded') {
          const path = (job.result as { path: string }).path;
          set({ exportPath: path });
          return path;
        }
        if (job.state !== 'running' && job.state !== 'queued') throw new Error(job.error?.message ?? `The export ${job.state}`);
        await new Promise((r) => setTimeout(r, JOB_POLL_MS));
      }
    } finally {
      set({ busy: false });
    }
  },
}));
