/**
 * The dataset of the open project for the Data acquisition page: the table is paged from the
 * server (`samples.list`, PAGE_SIZE rows per page, loaded as the user scrolls), with filter,
 * sort, selection, counts, the sample shown in the view panel and the import in progress.
 */
import { create } from 'zustand';
import type { ResultOf } from '../../shared/api/contract';
import type { DatasetCounts, ImportResult, SampleCategory, SampleRow, SampleSort } from '../../shared/api/samples';
import { api, uploadFile } from '../api';
import { useJobs } from './jobsStore';

export const PAGE_SIZE = 100;

export interface DatasetFilter {
  label: string | null;
  category: SampleCategory | null;
  text: string;
}

export type SampleDetail = ResultOf<'samples.get'>;

export interface ImportState {
  phase: 'uploading' | 'importing' | 'done';
  files: number;
  /** 0…1 */
  progress: number;
  status: string;
  jobId: string | null;
  result: ImportResult | null;
  error: string | null;
}

interface DatasetState {
  project: string | null;
  filter: DatasetFilter;
  sort: SampleSort;
  descending: boolean;
  /** rows of the current filter by page index; missing pages are loaded on demand */
  pages: Record<number, SampleRow[]>;
  total: number | null;
  /** bumps on every reset, so answers to stale requests are dropped */
  generation: number;
  counts: DatasetCounts | null;
  labels: string[];
  selected: Set<number>;
  /** index of the last plain or ctrl click, for shift-click ranges */
  anchor: number | null;
  viewId: number | null;
  detail: SampleDetail | null;
  detailError: string | null;
  importing: ImportState | null;
  error: string | null;

  open(project: string): void;
  setFilter(f: Partial<DatasetFilter>): void;
  setSort(sort: SampleSort): void;
  /** reloads counts and drops cached pages (after a change anywhere) */
  refresh(): Promise<void>;
  ensurePage(index: number): Promise<void>;
  rowAt(index: number): SampleRow | undefined;
  click(index: number, mods: { shift: boolean; ctrl: boolean }): Promise<void>;
  selectAll(): Promise<void>;
  clearSelection(): void;
  view(id: number | null): Promise<void>;
  relabel(label: string): Promise<number>;
  move(category: SampleCategory): Promise<number>;
  /** deletes the selection; resolves with the undo token */
  deleteSelected(): Promise<{ deleted: number; undoToken: string }>;
  undoDelete(undoToken: string): Promise<void>;
  rebalance(testFraction: number): Promise<number>;
  crop(id: number, start: number, end: number): Promise<ResultOf<'samples.crop'>>;
  split(id: number, cuts: number[]): Promise<ResultOf<'samples.split'>>;
  /** undo of crop/split: bring `replaced` back, remove what it was replaced with */
  undoReplace(replaced: number, created: number[]): Promise<void>;
  importFiles(files: File[], opts: { label?: string; category: SampleCategory | 'split' }): Promise<ImportResult | null>;
  dismissImport(): void;
}

/** Max readings asked for the plot: longer samples come back min/max-decimated. */
export const PLOT_READINGS = 4000;
/** Max pixels asked for the image view: larger images come back shrunk. */
export const IMAGE_PIXELS = 640 * 480;
const EMPTY_FILTER: DatasetFilter = { label: null, category: null, text: '' };
const loading = new Set<string>();

function query(s: Pick<DatasetState, 'filter' | 'sort' | 'descending'>) {
  return {
    ...(s.filter.label !== null ? { label: s.filter.label } : {}),
    ...(s.filter.category ? { category: s.filter.category } : {}),
    ...(s.filter.text.trim() ? { text: s.filter.text.trim() } : {}),
    sort: s.sort,
    descending: s.descending,
  };
}

export const useDataset = create<DatasetState>((set, get) => {
  const project = () => {
    const p = get().project;
    if (!p) throw new Error('No project open');
    return p;
  };
  const resetPages = () => set({ pages: {}, total: null, generation: get().generation + 1 });
  const selectedIds = () => [...get().selected];

  return {
    project: null,
    filter: EMPTY_FILTER,
    sort: 'created',
    descending: true,
    pages: {},
    total: null,
    generation: 0,
    counts: null,
    labels: [],
    selected: new Set(),
    anchor: null,
    viewId: null,
    detail: null,
    detailError: null,
    importing: null,
    error: null,

    open(p) {
      if (get().project === p) return;
      set({ project: p, filter: EMPTY_FILTER, selected: new Set(), anchor: null, viewId: null, detail: null, counts: null, labels: [], error: null });
      resetPages();
      void get().refresh();
    },
    setFilter(f) {
      set({ filter: { ...get().filter, ...f }, selected: new Set(), anchor: null });
      resetPages();
      void get().ensurePage(0);
    },
    setSort(sort) {
      const same = get().sort === sort;
      set({ sort, descending: same ? !get().descending : sort === 'created', anchor: null });
      resetPages();
      void get().ensurePage(0);
    },
    async refresh() {
      const p = get().project;
      if (!p) return;
      // keep showing the current rows until the fresh ones arrive (no flicker during an import)
      const generation = get().generation + 1;
      const wanted = Object.keys(get().pages).map(Number);
      set({ generation });
      try {
        const [counts, labels, ...pages] = await Promise.all([
          api().call('samples.counts', { project: p }),
          api().call('samples.labels', { project: p }),
          ...(wanted.length ? wanted : [0]).map((i) =>
            api()
              .call('samples.list', { project: p, ...query(get()), offset: i * PAGE_SIZE, limit: PAGE_SIZE })
              .then((r) => [i, r] as const),
          ),
        ]);
        if (get().project !== p || get().generation !== generation) return;
        const fresh: Record<number, SampleRow[]> = {};
        let total = 0;
        for (const [i, r] of pages) {
          fresh[i] = r.rows;
          total = r.total;
        }
        set({ counts, labels, pages: fresh, total, error: null });
        const viewId = get().viewId;
        if (viewId !== null) void get().view(viewId);
      } catch (e) {
        set({ error: e instanceof Error ? e.message : String(e) });
      }
    },
    async ensurePage(index) {
      const s = get();
      if (!s.project || s.pages[index]) return;
      const key = `${s.generation}:${index}`;
      if (loading.has(key)) return;
      loading.add(key);
      const generation = s.generation;
      try {
        const page = await api().call('samples.list', { project: s.project, ...query(s), offset: index * PAGE_SIZE, limit: PAGE_SIZE });
        if (get().generation !== generation) return;
        set({ pages: { ...get().pages, [index]: page.rows }, total: page.total, error: null });
      } catch (e) {
        if (get().generation === generation) set({ error: e instanceof Error ? e.message : String(e) });
      } finally {
        loading.delete(key);
      }
    },
    rowAt(index) {
      return get().pages[Math.floor(index / PAGE_SIZE)]?.[index % PAGE_SIZE];
    },
    async click(index, { shift, ctrl }) {
      const s = get();
      const row = s.rowAt(index);
      if (!row) return;
      if (shift && s.anchor !== null) {
        const [from, to] = s.anchor < index ? [s.anchor, index] : [index, s.anchor];
        const page = await api().call('samples.list', { project: project(), ...query(s), offset: from, limit: Math.min(1000, to - from + 1) });
        const next = ctrl ? new Set(get().selected) : new Set<number>();
        for (const r of page.rows) next.add(r.id);
        set({ selected: next });
        return;
      }
      if (ctrl) {
        const next = new Set(s.selected);
        if (next.has(row.id)) next.delete(row.id);
        else next.add(row.id);
        set({ selected: next, anchor: index });
        return;
      }
      set({ selected: new Set([row.id]), anchor: index });
      void get().view(row.id);
    },
    async selectAll() {
      const ids = await api().call('samples.ids', { project: project(), ...query(get()) });
      set({ selected: new Set(ids) });
    },
    clearSelection() {
      set({ selected: new Set(), anchor: null });
    },
    async view(id) {
      set({ viewId: id, detailError: null, ...(id === null || get().detail?.sample.id !== id ? { detail: null } : {}) });
      if (id === null) return;
      try {
        const detail = await api().call('samples.get', { project: project(), id, maxReadings: PLOT_READINGS, maxPixels: IMAGE_PIXELS });
        if (get().viewId === id) set({ detail });
      } catch (e) {
        if (get().viewId === id) set({ detail: null, detailError: e instanceof Error ? e.message : String(e) });
      }
    },
    async relabel(label) {
      const r = await api().call('samples.relabel', { project: project(), ids: selectedIds(), label });
      return r.changed;
    },
    async move(category) {
      const r = await api().call('samples.move', { project: project(), ids: selectedIds(), category });
      return r.changed;
    },
    async deleteSelected() {
      const ids = selectedIds();
      const r = await api().call('samples.delete', { project: project(), ids });
      const viewId = get().viewId;
      set({ selected: new Set(), anchor: null, ...(viewId !== null && ids.includes(viewId) ? { viewId: null, detail: null } : {}) });
      return r;
    },
    async undoDelete(undoToken) {
      await api().call('samples.restore', { project: project(), undoToken });
    },
    async rebalance(testFraction) {
      const r = await api().call('samples.rebalance', { project: project(), testFraction });
      return r.moved;
    },
    async crop(id, start, end) {
      const r = await api().call('samples.crop', { project: project(), id, start, end });
      set({ selected: new Set([r.sample.id]) });
      void get().view(r.sample.id);
      return r;
    },
    async split(id, cuts) {
      const r = await api().call('samples.split', { project: project(), id, cuts });
      set({ selected: new Set(r.samples.map((s) => s.id)) });
      void get().view(r.samples[0]?.id ?? null);
      return r;
    },
    async undoReplace(replaced, created) {
      await api().call('samples.restore', { project: project(), ids: [replaced], remove: created });
      set({ selected: new Set([replaced]) });
      void get().view(replaced);
    },
    async importFiles(files, opts) {
      const p = project();
      const totalBytes = Math.max(
        1,
        files.reduce((n, f) => n + f.size, 0),
      );
      const state = (s: Partial<ImportState>) => set({ importing: { ...(get().importing as ImportState), ...s } });
      set({ importing: { phase: 'uploading', files: files.length, progress: 0, status: 'Sending files…', jobId: null, result: null, error: null } });
      const uploadIds: string[] = [];
      try {
        let sent = 0;
        for (const [i, f] of files.entries()) {
          state({ status: `Sending ${i + 1} of ${files.length}: ${f.name}` });
          uploadIds.push(await uploadFile(api(), f, (fr) => state({ progress: ((sent + fr * f.size) / totalBytes) * 0.5 })));
          sent += f.size;
        }
        const { jobId } = await api().call('samples.import', { project: p, uploadIds, category: opts.category, ...(opts.label ? { label: opts.label } : {}) });
        state({ phase: 'importing', jobId, status: 'Importing…', progress: 0.5 });
        const unsubscribe = useJobs.subscribe((js) => {
          const j = js.jobs[jobId];
          if (j && get().importing?.jobId === jobId && get().importing?.phase === 'importing') state({ progress: 0.5 + j.progress * 0.5, status: j.status });
        });
        const job = await useJobs.getState().waitFor(jobId);
        unsubscribe();
        if (job.state !== 'succeeded') {
          state({ phase: 'done', progress: 1, error: job.error?.message ?? `Import ${job.state}`, status: job.status });
          return null;
        }
        const result = job.result as ImportResult;
        state({ phase: 'done', progress: 1, result, status: job.status });
        return result;
      } catch (e) {
        for (const u of uploadIds)
          void api()
            .call('uploads.discard', { uploadId: u })
            .catch(() => {});
        state({ phase: 'done', error: e instanceof Error ? e.message : String(e) });
        return null;
      }
    },
    dismissImport() {
      set({ importing: null });
    },
  };
});
