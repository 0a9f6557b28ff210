/**
 * The impulse being designed: the saved impulse, the draft with an undo/redo history, the
 * dataset facts it is checked against, custom blocks, feature status and node positions.
 * Edits go through the pure graph helpers of src/shared/impulse; the server is called only to
 * load, save and generate features.
 */
import { create } from 'zustand';
import {
  addDspBlock,
  addLearningBlock,
  builtinDescriptor,
  connectBlocks,
  disconnectBlocks,
  emptyFacts,
  removeBlock,
  setInputBlock,
  updateDspBlock,
  validateImpulse,
  CUSTOM_BLOCK_PREFIX,
  type BlockCatalog,
  type BlockDescriptor,
  type DatasetFacts,
  type DspBlockConfig,
  type Impulse,
  type ImpulseIssue,
  type InputBlock,
  type LearningBlockType,
} from '../../shared/impulse/impulse';
import type { SampleRow } from '../../shared/api/samples';
import type { CustomBlockInfo, CustomBlockTestResult, ExploreResult, FeaturesStatus, ParamSpecInput } from '../../shared/api/impulse';
import { api } from '../api';
import { errorMessage } from './appStore';

export interface XY {
  x: number;
  y: number;
}

/** How many edits undo can go back. */
export const HISTORY_LIMIT = 100;

export interface ImpulseState {
  project: string | null;
  loading: boolean;
  loadError: string | null;
  /** the impulse as last saved (null: the project has none stored yet) */
  saved: Impulse | null;
  /** the draft being edited */
  impulse: Impulse | null;
  /** set when the draft is the suggested default for the dataset (motion, audio, …), not a stored impulse */
  suggested: string | null;
  past: Impulse[];
  future: Impulse[];
  facts: DatasetFacts;
  samples: SampleRow[];
  customBlocks: CustomBlockInfo[];
  positions: Record<string, XY>;
  saving: boolean;
  saveError: string | null;
  status: FeaturesStatus | null;
  statusError: string | null;
  /** error of the last edit that the graph helpers refused */
  editError: string | null;

  load(project: string): Promise<void>;
  refreshSamples(): Promise<void>;
  /** applies a pure change to the draft, recording it for undo */
  edit(change: (impulse: Impulse) => Impulse): boolean;
  undo(): void;
  redo(): void;
  addDsp(blockName: string, at?: XY): string | null;
  addLearning(type: LearningBlockType, at?: XY): string | null;
  remove(id: string): void;
  connect(dspId: string, learningId: string): void;
  disconnect(dspId: string, learningId: string): void;
  updateDsp(id: string, change: Partial<Omit<DspBlockConfig, 'id'>>): void;
  setInput(input: InputBlock): void;
  setTitle(id: string, title: string): void;
  moveNode(id: string, at: XY): void;
  save(): Promise<boolean>;
  /** throws away the draft's unsaved edits */
  revert(): void;
  /** starts a features.generate job for the saved impulse; its id, or null (statusError says why) */
  generate(): Promise<string | null>;
  loadStatus(): Promise<void>;
  loadCustomBlocks(): Promise<void>;
  saveCustomBlock(block: { name: string; title: string; code: string; params?: ParamSpecInput[] }): Promise<void>;
  testCustomBlock(args: { code: string; title?: string; sampleId?: number }): Promise<CustomBlockTestResult>;
  explore(args: { blockId: string; method: 'pca' | 'umap'; dims: 2 | 3 }): Promise<ExploreResult>;
}

/** Every live sample row of the project (pages of 1000), for the preview picker. */
async function allSampleRows(project: string, max = 5000): Promise<SampleRow[]> {
  const rows: SampleRow[] = [];
  for (let offset = 0; offset < max; offset += 1000) {
    const page = await api().call('samples.list', { project, offset, limit: 1000, sort: 'name' });
    rows.push(...page.rows);
    if (rows.length >= page.total || page.rows.length === 0) break;
  }
  return rows;
}

const positionsKey = (project: string) => `kiln-impulse-positions:${project}`;

function readPositions(project: string): Record<string, XY> {
  try {
    const raw = typeof localStorage !== 'undefined' ? localStorage.getItem(positionsKey(project)) : null;
    const v = raw ? (JSON.parse(raw) as unknown) : null;
    return v && typeof v === 'object' ? (v as Record<string, XY>) : {};
  } catch {
    return {};
  }
}

function writePositions(project: string, positions: Record<string, XY>): void {
  try {
    localStorage.setItem(positionsKey(project), JSON.stringify(positions));
  } catch {
    // positions are a convenience; a full or disabled storage only loses the layout
  }
}

/** The catalog the editor checks against: built-ins plus the project's custom blocks. */
export function catalogFor(customBlocks: readonly CustomBlockInfo[]): BlockCatalog {
  return (name: string): BlockDescriptor | undefined => {
    if (name.startsWith(CUSTOM_BLOCK_PREFIX)) {
      const c = customBlocks.find((b) => `${CUSTOM_BLOCK_PREFIX}${b.name}` === name || b.name === name);
      return c ? { name, title: c.title || c.name, params: c.params, inputKind: 'time-series', singleAxis: false, custom: true } : undefined;
    }
    return builtinDescriptor(name);
  };
}

/** True when the draft differs from what is stored (or nothing is stored yet). */
export function isDirty(s: Pick<ImpulseState, 'saved' | 'impulse'>): boolean {
  if (!s.impulse) return false;
  return s.saved === null || JSON.stringify(s.saved) !== JSON.stringify(s.impulse);
}

/** Validation issues of the draft against the dataset facts. */
export function draftIssues(s: Pick<ImpulseState, 'impulse' | 'facts' | 'customBlocks'>): ImpulseIssue[] {
  return s.impulse ? validateImpulse(s.impulse, s.facts, catalogFor(s.customBlocks)) : [];
}

export const useImpulse = create<ImpulseState>((set, get) => {
  /** the draft or a clear error when nothing is loaded */
  const draft = (): Impulse => {
    const imp = get().impulse;
    if (!imp) throw new Error('No impulse is loaded');
    return imp;
  };
  const project = (): string => {
    const p = get().project;
    if (!p) throw new Error('No project is open');
    return p;
  };

  return {
    project: null,
    loading: false,
    loadError: null,
    saved: null,
    impulse: null,
    suggested: null,
    past: [],
    future: [],
    facts: emptyFacts(),
    samples: [],
    customBlocks: [],
    positions: {},
    saving: false,
    saveError: null,
    status: null,
    statusError: null,
    editError: null,

    async load(name) {
      if (get().project !== name) {
        set({
          project: name,
          impulse: null,
          saved: null,
          past: [],
          future: [],
          status: null,
          positions: readPositions(name),
          samples: [],
          customBlocks: [],
          facts: emptyFacts(),
        });
      }
      set({ loading: true, loadError: null });
      try {
        const [state, rows, custom] = await Promise.all([
          api().call('impulse.get', { project: name }),
          allSampleRows(name),
          api().call('customBlocks.list', { project: name }),
        ]);
        if (get().project !== name) return;
        const keepDraft = get().impulse !== null && isDirty(get());
        set({
          loading: false,
          saved: state.saved ? state.impulse : null,
          facts: state.facts,
          samples: rows,
          customBlocks: custom,
          ...(keepDraft ? {} : { impulse: state.impulse, suggested: state.saved ? null : (state.suggestion ?? 'default'), past: [], future: [] }),
        });
        void get().loadStatus();
      } catch (e) {
        if (get().project === name) set({ loading: false, loadError: errorMessage(e) });
      }
    },

    async refreshSamples() {
      const name = project();
      const [rows, check] = await Promise.all([allSampleRows(name), api().call('impulse.validate', { project: name, impulse: draft() })]);
      if (get().project === name) set({ samples: rows, facts: check.facts });
    },

    edit(change) {
      const before = draft();
      let after: Impulse;
      try {
        after = change(before);
      } catch (e) {
        set({ editError: errorMessage(e) });
        return false;
      }
      if (after === before || JSON.stringify(after) === JSON.stringify(before)) return false;
      set({ impulse: after, past: [...get().past, before].slice(-HISTORY_LIMIT), future: [], editError: null, saveError: null });
      return true;
    },

    undo() {
      const { past, impulse } = get();
      if (!past.length || !impulse) return;
      set({ impulse: past[past.length - 1]!, past: past.slice(0, -1), future: [impulse, ...get().future], editError: null });
    },

    redo() {
      const { future, impulse } = get();
      if (!future.length || !impulse) return;
      set({ impulse: future[0]!, future: future.slice(1), past: [...get().past, impulse], editError: null });
    },

    addDsp(blockName, at) {
      let id: string | null = null;
      const catalog = catalogFor(get().customBlocks);
      get().edit((imp) => {
        const r = addDspBlock(imp, blockName, catalog);
        id = r.id;
        return r.impulse;
      });
      if (id && at) get().moveNode(id, at);
      return id;
    },

    addLearning(type, at) {
      let id: string | null = null;
      get().edit((imp) => {
        const r = addLearningBlock(imp, type);
        id = r.id;
        return r.impulse;
      });
      if (id && at) get().moveNode(id, at);
      return id;
    },

    remove(id) {
      get().edit((imp) => removeBlock(imp, id));
    },
    connect(dspId, learningId) {
      get().edit((imp) => connectBlocks(imp, dspId, learningId));
    },
    disconnect(dspId, learningId) {
      get().edit((imp) => disconnectBlocks(imp, dspId, learningId));
    },
    updateDsp(id, change) {
      get().edit((imp) => updateDspBlock(imp, id, change));
    },
    setInput(input) {
      get().edit((imp) => setInputBlock(imp, input));
    },
    setTitle(id, title) {
      get().edit((imp) => ({
        ...imp,
        dsp: imp.dsp.map((d) => (d.id === id ? { ...d, title } : d)),
        learning: imp.learning.map((l) => (l.id === id ? { ...l, title } : l)),
      }));
    },

    moveNode(id, at) {
      const positions = { ...get().positions, [id]: { x: Math.round(at.x), y: Math.round(at.y) } };
      set({ positions });
      const p = get().project;
      if (p) writePositions(p, positions);
    },

    async save() {
      const name = project();
      const imp = draft();
      set({ saving: true, saveError: null });
      try {
        const state = await api().call('impulse.set', { project: name, impulse: imp });
        if (get().project === name) set({ saving: false, saved: state.impulse, facts: state.facts, suggested: null });
        void get().loadStatus();
        return true;
      } catch (e) {
        if (get().project === name) set({ saving: false, saveError: errorMessage(e) });
        return false;
      }
    },

    revert() {
      const { saved, impulse } = get();
      if (!saved || !impulse) return;
      get().edit(() => saved);
    },

    async generate() {
      const name = project();
      try {
        const { jobId } = await api().call('features.generate', { project: name });
        set({ statusError: null });
        return jobId;
      } catch (e) {
        set({ statusError: errorMessage(e) });
        return null;
      }
    },

    async loadStatus() {
      const name = get().project;
      if (!name) return;
      try {
        const status = await api().call('features.status', { project: name });
        if (get().project === name) set({ status, statusError: null });
      } catch (e) {
        if (get().project === name) set({ status: null, statusError: errorMessage(e) });
      }
    },

    async loadCustomBlocks() {
      const name = project();
      const customBlocks = await api().call('customBlocks.list', { project: name });
      if (get().project === name) set({ customBlocks });
    },

    async saveCustomBlock(block) {
      const name = project();
      await api().call('customBlocks.save', { project: name, ...block });
      await get().loadCustomBlocks();
    },

    testCustomBlock(args) {
      return api().call('customBlocks.test', { project: project(), ...args });
    },

    explore(args) {
      return api().call('features.explore', { project: project(), ...args });
    },
  };
});
