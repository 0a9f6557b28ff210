/**
 * Deployment page state: what to build (format, precision, board), the estimate for it, the
 * build job and the libraries kept in the project. Actions call the API; components read
 * selectors. A download goes through the transfer service (never a path from the page).
 */
import { create } from 'zustand';
import type { BuiltLibrary, DeployEstimate, DeployOptions, LibraryFormat, LibraryPrecision } from '../../shared/api/deploy';
import type { JobInfo } from '../../shared/api/jobs';
import { api } from '../api';
import { errorMessage } from './appStore';

/** The board a new project's page starts on (the usual first board of a workshop). */
export const DEFAULT_BOARD = 'arduino-nano-33-ble-sense';

interface DeployState {
  project: string | null;
  options: DeployOptions | null;
  loadError: string | null;
  format: LibraryFormat;
  precision: LibraryPrecision;
  board: string | null;
  estimate: DeployEstimate | null;
  estimateError: string | null;
  jobId: string | null;
  job: JobInfo | null;
  buildError: string | null;
  libraries: BuiltLibrary[];
  /** id of the library being prepared for download */
  downloading: number | null;

  load(project: string): Promise<void>;
  setFormat(format: LibraryFormat): Promise<void>;
  setPrecision(precision: LibraryPrecision): Promise<void>;
  setBoard(board: string): Promise<void>;
  loadEstimate(): Promise<void>;
  build(): Promise<void>;
  loadLibraries(): Promise<void>;
  /** offers the zip through the transfer service and hands it to the host (browser download or save dialog) */
  download(id: number): Promise<{ savedTo: string | null }>;
  remove(id: number): Promise<void>;
  connect(): () => void;
}

export const isBuilding = (s: Pick<DeployState, 'job' | 'jobId'>): boolean =>
  s.jobId !== null && (s.job === null || s.job.state === 'running' || s.job.state === 'queued');

/** The format choices with whether each can be built now. */
export const selectFormats = (s: DeployState): DeployOptions['formats'] => s.options?.formats ?? NO_FORMATS;
const NO_FORMATS: DeployOptions['formats'] = [];

/** Why the Build button is off, or null when a build can start. */
export function selectBuildBlocker(s: DeployState): string | null {
  if (!s.options) return 'Loading…';
  if (s.options.problem) return s.options.problem;
  const f = s.options.formats.find((x) => x.format === s.format);
  if (f && !f.available) return f.reason;
  if (s.estimateError) return s.estimateError;
  if (s.estimate && !s.estimate.fits) return `Does not fit the ${s.estimate.board.name}: choose a bigger board${s.precision === 'float32' ? ' or int8' : ''}`;
  if (isBuilding(s)) return 'A build is running';
  return null;
}

/** A precision the format and model allow: ONNX is float32 only, int8 needs a quantized model. */
function allowedPrecision(options: DeployOptions | null, format: LibraryFormat, wanted: LibraryPrecision): LibraryPrecision {
  if (format === 'onnx') return 'float32';
  if (wanted === 'int8' && options?.model && !options.model.hasInt8) return 'float32';
  return wanted;
}

export const useDeploy = create<DeployState>((set, get) => ({
  project: null,
  options: null,
  loadError: null,
  format: 'c',
  precision: 'int8',
  board: null,
  estimate: null,
  estimateError: null,
  jobId: null,
  job: null,
  buildError: null,
  libraries: [],
  downloading: null,

  async load(project) {
    if (get().project !== project) {
      set({ project, options: null, estimate: null, estimateError: null, jobId: null, job: null, buildError: null, libraries: [], board: null });
    }
    try {
      const options = await api().call('deploy.options', { project });
      const firstAvailable = options.formats.find((f) => f.available)?.format ?? 'c';
      const format = options.formats.find((f) => f.format === get().format)?.available ? get().format : firstAvailable;
      const board = get().board ?? (options.boards.some((b) => b.id === DEFAULT_BOARD) ? DEFAULT_BOARD : (options.boards[0]?.id ?? null));
      set({ options, loadError: null, format, board, precision: allowedPrecision(options, format, get().precision) });
      await Promise.all([get().loadLibraries(), get().loadEstimate()]);
      // re-attach to a build that is still running after a reload
      const running = (await api().call('jobs.list', { project })).find((j) => j.kind === 'library.build' && (j.state === 'running' || j.state === 'queued'));
      if (running) set({ jobId: running.id, job: running });
    } catch (e) {
      set({ loadError: errorMessage(e) });
    }
  },

  async setFormat(format) {
    set({ format, precision: allowedPrecision(get().options, format, get().precision), buildError: null });
    await get().loadEstimate();
  },
  async setPrecision(precision) {
    set({ precision: allowedPrecision(get().options, get().format, precision), buildError: null });
    await get().loadEstimate();
  },
  async setBoard(board) {
    set({ board, buildError: null });
    await get().loadEstimate();
  },

  async loadEstimate() {
    const { project, options, format, precision, board } = get();
    if (!project || !board || !options?.model || options.problem) {
      set({ estimate: null, estimateError: null });
      return;
    }
    try {
      const estimate = await api().call('deploy.estimate', { project, format, precision, board });
      // a later choice may have been made while this one was on its way
      if (get().format === format && get().precision === precision && get().board === board) set({ estimate, estimateError: null });
    } catch (e) {
      set({ estimate: null, estimateError: errorMessage(e) });
    }
  },

  async build() {
    const { project, format, precision, board } = get();
    if (!project) return;
    set({ buildError: null, job: null });
    try {
      const { jobId } = await api().call('deploy.build', { project, format, precision, ...(board ? { board } : {}) });
      set({ jobId });
      // a short build may have finished before its id arrived here
      const { job } = await api().call('jobs.get', { jobId });
      if (get().jobId === jobId && (get().job === null || job.state !== 'running')) jobDone(job);
    } catch (e) {
      set({ buildError: errorMessage(e), jobId: null });
    }
  },

  async loadLibraries() {
    const project = get().project;
    if (!project) return;
    set({ libraries: await api().call('deploy.list', { project }) });
  },

  async download(id) {
    const project = get().project;
    if (!project) return { savedTo: null };
    set({ downloading: id });
    try {
      const offer = await api().call('deploy.download', { project, id });
      return await api().download(offer);
    } finally {
      set({ downloading: null });
    }
  },

  async remove(id) {
    const project = get().project;
    if (!project) return;
    await api().call('deploy.delete', { project, id });
    await get().loadLibraries();
  },

  connect() {
    return api().on('job.updated', (job) => {
      if (job.id === get().jobId) jobDone(job);
    });
  },
}));

/** Follows the build job: keeps its state, reloads the list when it succeeded. */
function jobDone(job: JobInfo): void {
  const before = useDeploy.getState().job;
  useDeploy.setState({ job });
  if (before?.state === job.state && before.progress === job.progress) return;
  if (job.state === 'succeeded' && before?.state !== 'succeeded') void useDeploy.getState().loadLibraries();
  if (job.state === 'failed') useDeploy.setState({ buildError: job.error?.message ?? 'The build failed' });
}
