import { create } from 'zustand';
import type { EpochMetrics, ModelDetail, ModelSummary, TestResult, TrainingInfo, TrainSettingsValue } from '../../shared/api/training';
import type { JobInfo, JobLogLine } from '../../shared/api/jobs';
import type { ModelSpecInput } from '../../shared/model/spec';
import type { ResultOf } from '../../shared/api/contract';
import { api } from '../api';
import { errorMessage } from './appStore';

export type Estimate = ResultOf<'model.estimate'>;

interface TrainingState {
  project: string | null;
  info: TrainingInfo | null;
  loadError: string | null;
  /** the architecture being edited (may be invalid) */
  draft: ModelSpecInput | null;
  /** the draft differs from what is saved */
  dirty: boolean;
  settings: TrainSettingsValue | null;
  models: ModelSummary[];
  selected: ModelDetail | null;
  compare: ModelDetail | null;
  /** the running (or last) training job of this page */
  jobId: string | null;
  job: JobInfo | null;
  epochs: EpochMetrics[];
  totalEpochs: number;
  log: JobLogLine[];
  estimate: Estimate | null;
  estimateError: string | null;
  board: string | null;
  testJobId: string | null;
  testJob: JobInfo | null;
  lastTest: TestResult | null;
  busy: boolean;

  load(project: string, block?: string): Promise<void>;
  setDraft(spec: ModelSpecInput): void;
  resetDraft(): void;
  saveDraft(): Promise<void>;
  setSettings(patch: Partial<TrainSettingsValue>): void;
  train(): Promise<void>;
  cancel(): Promise<void>;
  loadModels(): Promise<void>;
  select(id: number): Promise<void>;
  setCompare(id: number | null): Promise<void>;
  activate(id: number): Promise<void>;
  remove(id: number): Promise<string>;
  restore(token: string): Promise<void>;
  loadEstimate(board?: string): Promise<void>;
  runTest(modelId?: number): Promise<void>;
  loadLastTest(): Promise<void>;
  connect(): () => void;
}

export const useTraining = create<TrainingState>((set, get) => ({
  project: null,
  info: null,
  loadError: null,
  draft: null,
  dirty: false,
  settings: null,
  models: [],
  selected: null,
  compare: null,
  jobId: null,
  job: null,
  epochs: [],
  totalEpochs: 0,
  log: [],
  estimate: null,
  estimateError: null,
  board: null,
  testJobId: null,
  testJob: null,
  lastTest: null,
  busy: false,

  async load(project, block) {
    if (get().project !== project) {
      set({
        project,
        info: null,
        draft: null,
        models: [],
        selected: null,
        compare: null,
        jobId: null,
        job: null,
        epochs: [],
        log: [],
        estimate: null,
        lastTest: null,
        testJob: null,
        testJobId: null,
      });
    }
    try {
      const info = await api().call('training.info', { project, ...(block ? { block } : {}) });
      set({ info, loadError: null, draft: (info.spec as ModelSpecInput | null) ?? null, dirty: false, settings: get().settings ?? info.settings });
      await get().loadModels();
      // re-attach to a running training job after a reload
      const jobs = await api().call('jobs.list', { project });
      const running = jobs.find((j) => j.kind === 'model.train' && (j.state === 'running' || j.state === 'queued'));
      if (running) {
        const { log } = await api().call('jobs.get', { jobId: running.id });
        set({ jobId: running.id, job: running, log });
      }
    } catch (e) {
      set({ loadError: errorMessage(e) });
    }
  },

  setDraft(spec) {
    set({ draft: spec, dirty: true });
  },
  resetDraft() {
    const def = get().info?.defaultSpec as ModelSpecInput | null;
    if (def) set({ draft: structuredClone(def), dirty: true });
  },
  async saveDraft() {
    const { project, info, draft } = get();
    if (!project || !info?.block || !draft) return;
    const { spec } = await api().call('training.setSpec', { project, block: info.block, spec: draft });
    set({ draft: spec as ModelSpecInput, dirty: false, info: { ...info, spec } });
  },
  setSettings(patch) {
    const s = get().settings;
    if (s) set({ settings: { ...s, ...patch } });
  },

  async train() {
    const { project, info, draft, settings } = get();
    if (!project || !settings) return;
    set({ busy: true });
    try {
      const { jobId } = await api().call('model.train', {
        project,
        settings,
        ...(info?.block ? { block: info.block } : {}),
        ...(draft && info?.spec !== null ? { spec: draft } : {}),
      });
      set({ jobId, job: null, epochs: [], totalEpochs: settings.epochs, log: [], dirty: false });
    } finally {
      set({ busy: false });
    }
  },
  async cancel() {
    const { jobId } = get();
    if (jobId) await api().call('jobs.cancel', { jobId });
  },

  async loadModels() {
    const { project } = get();
    if (!project) return;
    const models = await api().call('models.list', { project });
    set({ models });
    const sel = get().selected;
    const want = sel && models.some((m) => m.id === sel.id) ? sel.id : (models.find((m) => m.active) ?? models[0])?.id;
    if (want !== undefined && want !== sel?.id) await get().select(want);
    if (want === undefined) set({ selected: null, estimate: null });
  },
  async select(id) {
    const { project } = get();
    if (!project) return;
    const selected = await api().call('models.get', { project, id });
    set({ selected, compare: get().compare?.id === id ? null : get().compare });
    await get().loadEstimate(get().board ?? undefined);
  },
  async setCompare(id) {
    const { project } = get();
    if (!project) return;
    set({ compare: id === null ? null : await api().call('models.get', { project, id }) });
  },
  async activate(id) {
    const { project } = get();
    if (!project) return;
    await api().call('models.activate', { project, id });
    await get().loadModels();
  },
  async remove(id) {
    const { project } = get();
    if (!project) return '';
    const { undoToken } = await api().call('models.delete', { project, id });
    if (get().selected?.id === id) set({ selected: null });
    if (get().compare?.id === id) set({ compare: null });
    await get().loadModels();
    return undoToken;
  },
  async restore(token) {
    const { project } = get();
    if (!project) return;
    const m = await api().call('models.restore', { project, undoToken: token });
    await get().loadModels();
    await get().select(m.id);
  },
  async loadEstimate(board) {
    const { project, selected } = get();
    if (!project || !selected) return;
    try {
      const estimate = await api().call('model.estimate', { project, modelId: selected.id, ...(board ? { board } : {}) });
      set({ estimate, board: estimate.board, estimateError: null });
    } catch (e) {
      set({ estimate: null, estimateError: errorMessage(e) });
    }
  },

  async runTest(modelId) {
    const { project } = get();
    if (!project) return;
    const { jobId } = await api().call('model.test', { project, ...(modelId !== undefined ? { modelId } : {}) });
    set({ testJobId: jobId, testJob: null });
  },
  async loadLastTest() {
    const { project } = get();
    if (!project) return;
    set({ lastTest: await api().call('model.lastTest', { project }) });
  },

  connect() {
    const offEpoch = api().on('training.epoch', (e) => {
      if (e.jobId !== get().jobId) return;
      set({ epochs: [...get().epochs.filter((x) => x.epoch !== e.metrics.epoch), e.metrics], totalEpochs: e.epochs });
    });
    const offJob = api().on('job.updated', (job) => {
      if (job.id === get().jobId) {
        set({ job });
        // the full log, in case lines arrived before this page knew the job id
        if (job.state !== 'running' && job.state !== 'queued')
          void api()
            .call('jobs.get', { jobId: job.id })
            .then(({ log }) => get().jobId === job.id && set({ log }));
        if (job.state === 'succeeded')
          void get()
            .loadModels()
            .then(() => {
              const id = (job.result as { modelId?: number } | null)?.modelId;
              if (id) void get().select(id);
            });
      }
      if (job.id === get().testJobId) {
        set({ testJob: job });
        if (job.state === 'succeeded') void get().loadLastTest();
      }
    });
    const offLog = api().on('job.log', ({ jobId, line }) => {
      if (jobId === get().jobId) set({ log: [...get().log, line].slice(-400) });
    });
    return () => {
      offEpoch();
      offJob();
      offLog();
    };
  },
}));

/** True while a job is queued or running. */
export function jobRunning(job: JobInfo | null): boolean {
  return !!job && (job.state === 'running' || job.state === 'queued');
}
