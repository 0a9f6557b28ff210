import { create } from 'zustand';
import type { DemoKind, ProjectInfo, ProjectSummary } from '../../shared/api/projects';
import { api, uploadFile } from '../api';
import { errorMessage, useApp } from './appStore';
import { useJobs } from './jobsStore';

interface ProjectState {
  list: ProjectSummary[];
  loading: boolean;
  error: string | null;
  info: ProjectInfo | null;
  infoError: string | null;
  refresh(): Promise<void>;
  loadInfo(project: string): Promise<void>;
  create(name: string, demo?: DemoKind): Promise<ProjectSummary>;
  /** the job filling a demo project, while it runs (the picker shows its progress) */
  demoJobId: string | null;
  rename(name: string, newName: string): Promise<ProjectSummary>;
  duplicate(name: string, newName: string): Promise<string | null>;
  remove(name: string): Promise<void>;
  importFile(file: File, onUpload?: (fraction: number) => void): Promise<string | null>;
  /** deleted samples of the open project, kept for undo */
  trash: { project: string; count: number; bytes: number; keepDays: number } | null;
  loadTrash(project: string): Promise<void>;
  /** drops them for good; resolves with the bytes freed */
  purge(project: string): Promise<number>;
}

export const useProjects = create<ProjectState>((set, get) => ({
  list: [],
  loading: false,
  error: null,
  info: null,
  infoError: null,
  demoJobId: null,
  trash: null,
  async loadTrash(project) {
    try {
      set({ trash: { project, ...(await api().call('samples.trash', { project })) } });
    } catch {
      set({ trash: null });
    }
  },
  async purge(project) {
    const { freedBytes } = await api().call('samples.purge', { project });
    await Promise.all([get().loadTrash(project), get().loadInfo(project)]);
    return freedBytes;
  },
  async refresh() {
    set({ loading: true });
    try {
      set({ list: await api().call('projects.list', {}), error: null });
    } catch (e) {
      set({ error: errorMessage(e) });
    } finally {
      set({ loading: false });
    }
  },
  async loadInfo(project) {
    try {
      set({ info: await api().call('projects.info', { project }), infoError: null });
    } catch (e) {
      set({ info: null, infoError: errorMessage(e) });
    }
  },
  async create(name, demo) {
    if (!demo) {
      const p = await api().call('projects.create', { name });
      await get().refresh();
      return p;
    }
    const { jobId } = await api().call('projects.createDemo', { name, demo });
    set({ demoJobId: jobId });
    try {
      const job = await useJobs.getState().waitFor(jobId);
      if (job.state !== 'succeeded') throw new Error(job.error?.message ?? `Creating the demo ${job.state}`);
    } finally {
      set({ demoJobId: null });
    }
    await get().refresh();
    const p = get().list.find((x) => x.name === name);
    if (!p) throw new Error(`The demo project "${name}" was not created`);
    return p;
  },
  async rename(name, newName) {
    const p = await api().call('projects.rename', { name, newName });
    await get().refresh();
    return p;
  },
  async duplicate(name, newName) {
    const { jobId } = await api().call('projects.duplicate', { name, newName });
    const job = await useJobs.getState().waitFor(jobId);
    await get().refresh();
    if (job.state !== 'succeeded') throw new Error(job.error?.message ?? `Duplicate ${job.state}`);
    return newName;
  },
  async remove(name) {
    const { trashId } = await api().call('projects.delete', { name });
    await get().refresh();
    useApp.getState().toast(
      {
        kind: 'info',
        message: `Deleted “${name}”.`,
        action: {
          label: 'Undo',
          run: () => {
            void api()
              .call('projects.restore', { trashId })
              .then(() => get().refresh())
              .then(() => useApp.getState().toast({ kind: 'success', message: `Restored “${name}”.` }))
              .catch((e: unknown) => useApp.getState().toast({ kind: 'error', message: errorMessage(e) }));
          },
        },
      },
      10000,
    );
  },
  async importFile(file, onUpload) {
    const uploadId = await uploadFile(api(), file, onUpload);
    const { jobId } = await api().call('projects.import', { uploadId });
    const job = await useJobs.getState().waitFor(jobId);
    await get().refresh();
    if (job.state !== 'succeeded') throw new Error(job.error?.message ?? `Import ${job.state}`);
    return (job.result as { project: string }).project;
  },
}));
