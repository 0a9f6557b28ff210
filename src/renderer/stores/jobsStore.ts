import { create } from 'zustand';
import type { JobInfo, JobLogLine } from '../../shared/api/jobs';
import { api } from '../api';

interface JobsState {
  jobs: Record<string, JobInfo>;
  logs: Record<string, JobLogLine[]>;
  /** loads running/recent jobs (after a page reload this re-attaches to running ones) */
  load(project?: string): Promise<void>;
  cancel(jobId: string): Promise<void>;
  /** resolves when the job is no longer running */
  waitFor(jobId: string): Promise<JobInfo>;
  connect(): () => void;
}

const waiters = new Map<string, ((j: JobInfo) => void)[]>();

export const isActive = (j: JobInfo) => j.state === 'running' || j.state === 'queued';

export const useJobs = create<JobsState>((set, get) => ({
  jobs: {},
  logs: {},
  async load(project) {
    const list = await api().call('jobs.list', project === undefined ? {} : { project });
    set({ jobs: { ...get().jobs, ...Object.fromEntries(list.map((j) => [j.id, j])) } });
  },
  async cancel(jobId) {
    const job = await api().call('jobs.cancel', { jobId });
    set({ jobs: { ...get().jobs, [job.id]: job } });
  },
  waitFor(jobId) {
    const job = get().jobs[jobId];
    if (job && !isActive(job)) return Promise.resolve(job);
    return new Promise((resolve) => waiters.set(jobId, [...(waiters.get(jobId) ?? []), resolve]));
  },
  connect() {
    const offUpdate = api().on('job.updated', (job) => {
      set({ jobs: { ...get().jobs, [job.id]: job } });
      if (!isActive(job)) {
        for (const w of waiters.get(job.id) ?? []) w(job);
        waiters.delete(job.id);
      }
    });
    const offLog = api().on('job.log', ({ jobId, line }) => {
      set({ logs: { ...get().logs, [jobId]: [...(get().logs[jobId] ?? []), line].slice(-500) } });
    });
    return () => {
      offUpdate();
      offLog();
    };
  },
}));

export function activeJobs(jobs: Record<string, JobInfo>, project?: string | null): JobInfo[] {
  return Object.values(jobs)
    .filter((j) => isActive(j) && (project === undefined || j.project === project || j.project === null))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}
