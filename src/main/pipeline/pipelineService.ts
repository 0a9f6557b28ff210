/**
 * The impulse and features service: the saved impulse (or a suggested default), validation
 * against the dataset, single DSP runs, feature generation jobs with a cache, feature status,
 * the feature explorer, and the project's custom DSP blocks.
 */
import type { z } from 'zod';
import type {
  CustomBlockInfo,
  CustomBlockTestResult,
  dspBlockInfo,
  dspRunInput,
  ExploreResult,
  FeaturesStatus,
  ImpulseState,
  ParamSpecInput,
} from '../../shared/api/impulse';
import type { DspInput, DspParams } from '../../shared/dsp/block';
import { builtinDspBlocks, getDspBlock, validateParams } from '../../shared/dsp/index';
import { KilnError } from '../../shared/errors';
import { defaultImpulseFor } from '../../shared/impulse/defaults';
import { CUSTOM_BLOCK_PREFIX, emptyFacts, validateImpulse, type DatasetFacts, type Impulse, type ImpulseIssue } from '../../shared/impulse/impulse';
import { SampleWindows } from '../../shared/impulse/windowing';
import type { EventBus } from '../api/eventBus';
import type { JobRunner } from '../jobs/jobRunner';
import type { ProjectHome } from '../store/projectHome';
import type { Db } from '../store/projectDatabase';
import { SampleRepository } from '../store/sampleRepository';
import { customDescriptor, getCustomBlock, listCustomBlocks, projectCatalog, removeCustomBlock, saveCustomBlock, checkCustomBlock } from './customBlocks';
import { factsOf, liveSamples } from './datasetFacts';
import { cachedLength, cachedSampleHashes, cachedWindowCount, readFeatures, staleSampleHashes } from './featureCache';
import { computeFeatures, computeTaskFeatures } from './featureCompute';
import { CustomBlockRunner } from './customBlockRunner';
import { CUSTOM_WINDOW_TIMEOUT_MS, generateFeatures, type GenerateOptions } from './featureGenerator';
import type { FeatureTask, FeatureTaskResult } from './featureTask';
import type { ProjectionResult, ProjectionTask } from './projectionTask';
import { poolRow } from './explore';
import { loadImpulse, saveImpulse } from './impulseStore';
import { resolveBlocks } from './resolvedImpulse';
import { WorkerPool } from './workerPool';
import { CustomCodeTrust, type TrustState } from './customCodeTrust';
import { planWindows } from '../../shared/impulse/windowing';

type DspRunInput = z.infer<typeof dspRunInput>;
type DspBlockInfo = z.infer<typeof dspBlockInfo>;

export class PipelineService {
  /** running feature jobs by project file, so a second request joins the first */
  private readonly running = new Map<string, { jobId: string; hash: string }>();

  constructor(
    private readonly home: ProjectHome,
    private readonly events: EventBus,
    private readonly jobs: JobRunner,
    private readonly options: GenerateOptions = {},
    private readonly trust: CustomCodeTrust = new CustomCodeTrust(home.dir),
  ) {}

  /** Whether this machine runs the project's custom code, and which blocks it has. */
  codeTrust(project: string): { state: TrustState; blocks: string[] } {
    const p = this.home.get(project);
    return { state: this.trust.state(p.file, p.meta().createdAt), blocks: listCustomBlocks(p.db).map((b) => b.title || b.name) };
  }

  setCodeTrust(project: string, trusted: boolean): { state: TrustState; blocks: string[] } {
    const p = this.home.get(project);
    this.trust.set(p.file, p.meta().createdAt, trusted);
    return this.codeTrust(project);
  }

  /** Before any of the project's custom code runs: refused (CODE_NOT_TRUSTED) until the user allowed it. */
  private requireTrust(project: string): void {
    const p = this.home.get(project);
    const blocks = listCustomBlocks(p.db).map((b) => b.title || b.name);
    // no saved custom block: the only code is what the user is typing in the editor now
    if (blocks.length === 0) return;
    this.trust.require(p.file, p.meta().createdAt, this.home.nameOf(p.file), blocks);
  }

  private db(project: string): Db {
    return this.home.get(project).db;
  }

  facts(project: string): DatasetFacts {
    return factsOf(liveSamples(this.db(project)));
  }

  /** The saved impulse, or the suggested default (flagged as not saved) when there is none. */
  getImpulse(project: string): ImpulseState {
    const db = this.db(project);
    const facts = factsOf(liveSamples(db));
    const saved = loadImpulse(db);
    if (saved) {
      return {
        impulse: saved.impulse,
        saved: true,
        suggestion: null,
        hash: saved.hash,
        updatedAt: saved.updatedAt,
        issues: validateImpulse(saved.impulse, facts, projectCatalog(db)),
        facts,
      };
    }
    const suggestion = defaultImpulseFor(facts);
    return {
      impulse: suggestion.impulse,
      saved: false,
      suggestion: suggestion.kind,
      hash: null,
      updatedAt: null,
      issues: validateImpulse(suggestion.impulse, facts, projectCatalog(db)),
      facts,
    };
  }

  /**
   * Saves the impulse. Refused when it is wrong in itself (unknown block, bad parameter, a block
   * reading an axis the input does not give, …); mismatches with the current data are saved and
   * reported as issues, since the data may still change.
   */
  setImpulse(project: string, impulse: Impulse): ImpulseState {
    const db = this.db(project);
    const catalog = projectCatalog(db);
    const structural = validateImpulse(impulse, emptyFacts(), catalog).filter((i) => i.severity === 'error');
    if (structural.length) {
      throw new KilnError('BAD_DATA', `The impulse was not saved: ${structural.map((i) => i.message).join('; ')}`, { issues: structural });
    }
    const saved = saveImpulse(db, impulse);
    this.events.emit('impulse.changed', { project, hash: saved.hash });
    return this.getImpulse(project);
  }

  validate(project: string, impulse: Impulse): { issues: ImpulseIssue[]; facts: DatasetFacts } {
    const db = this.db(project);
    const facts = factsOf(liveSamples(db));
    return { issues: validateImpulse(impulse, facts, projectCatalog(db)), facts };
  }

  /** Built-in blocks, plus the project's custom blocks when a project is given. */
  blocks(project?: string): DspBlockInfo[] {
    const list: DspBlockInfo[] = builtinDspBlocks.map((b) => ({
      name: b.name,
      title: b.title,
      description: b.description,
      inputKind: b.name === 'image' ? 'image' : 'time-series',
      singleAxis: b.singleAxis === true,
      custom: false,
      params: b.params.map((p): ParamSpecInput => ({
        ...p,
        options: p.options ? [...p.options] : undefined,
        showIf: p.showIf ? { key: p.showIf.key, values: [...p.showIf.values] } : undefined,
      })),
    }));
    if (project) {
      for (const c of listCustomBlocks(this.db(project))) {
        list.push({
          name: CUSTOM_BLOCK_PREFIX + c.name,
          title: c.title,
          description: 'Custom block (JavaScript)',
          inputKind: 'time-series',
          singleAxis: false,
          custom: true,
          params: c.params,
        });
      }
    }
    return list;
  }

  /** One block on one input (previews, `kiln dsp run`). Custom blocks run in a sandboxed worker. */
  async runDsp(
    blockName: string,
    rawParams: DspParams,
    raw: DspRunInput,
    project?: string,
  ): Promise<{
    features: number[];
    shape: { type: 'flat' | 'spectrogram' | 'image'; width?: number; height?: number; channels?: number };
    labels?: string[];
    params: DspParams;
  }> {
    const input = toDspInput(raw);
    if (blockName.startsWith(CUSTOM_BLOCK_PREFIX)) {
      if (!project) throw new KilnError('BAD_REQUEST', `Custom block "${blockName}" needs the project it belongs to`);
      const custom = getCustomBlock(this.db(project), blockName.slice(CUSTOM_BLOCK_PREFIX.length));
      if (!custom) throw new KilnError('NOT_FOUND', `Custom block "${blockName}" is not in project "${project}"`);
      const params = validateParams(customDescriptor(custom), rawParams);
      this.requireTrust(project);
      const features = await runCustomOnce(custom.title, custom.code, params, input);
      return { features: Array.from(features), shape: { type: 'flat', width: features.length }, params };
    }
    const block = getDspBlock(blockName);
    const params = validateParams(block, rawParams);
    if (block.name === 'image' ? !(input.width && input.height) : !input.axes.length) {
      throw new KilnError('BAD_DATA', block.name === 'image' ? 'The image block needs width and height in the input' : `${block.title} needs the input's axes`);
    }
    const out = block.run(input, params);
    return { features: Array.from(out.features), shape: { ...out.shape }, ...(out.labels ? { labels: out.labels } : {}), params };
  }

  /** Starts (or joins) the feature generation job of a project; refuses an impulse that cannot run. */
  generate(project: string): { jobId: string } {
    const db = this.db(project);
    const file = this.home.get(project).file;
    const saved = loadImpulse(db);
    if (!saved)
      throw new KilnError('NOT_FOUND', `Project "${project}" has no saved impulse; design one on the Impulse design page (or kiln impulse set) first`);
    const existing = this.running.get(file);
    if (existing?.hash === saved.hash) return { jobId: existing.jobId };
    if (existing)
      throw new KilnError(
        'BAD_REQUEST',
        `Features are still being generated for the previous version of the impulse; wait for that job or cancel it, then generate again`,
        { jobId: existing.jobId },
      );
    const catalog = projectCatalog(db);
    const errors = validateImpulse(saved.impulse, factsOf(liveSamples(db)), catalog).filter((i) => i.severity === 'error');
    if (errors.length) throw new KilnError('BAD_DATA', `Features cannot be generated: ${errors.map((e) => e.message).join('; ')}`, { issues: errors });
    const blocks = resolveBlocks(db, saved.impulse, catalog);
    if (blocks.some((b) => b.task.code !== undefined)) this.requireTrust(project);
    const job = this.jobs.start('features.generate', `Generate features (${project})`, project, async (ctx) => {
      try {
        return await generateFeatures(db, saved.impulse, blocks, ctx, this.options);
      } finally {
        this.running.delete(file);
        this.events.emit('features.changed', { project });
      }
    });
    this.running.set(file, { jobId: job.id, hash: saved.hash });
    return { jobId: job.id };
  }

  /** Per DSP block: windows, and how many samples have up-to-date, stale or no features. */
  status(project: string): FeaturesStatus {
    const db = this.db(project);
    const saved = loadImpulse(db);
    const impulse = saved?.impulse ?? defaultImpulseFor(factsOf(liveSamples(db))).impulse;
    const samples = liveSamples(db);
    const unusable: FeaturesStatus['unusable'] = [];
    const usable: { hash: string; windows: number }[] = [];
    for (const s of samples) {
      try {
        usable.push({ hash: s.hash, windows: planWindows(impulse.input, { ...s }).count });
      } catch (e) {
        unusable.push({ sampleId: s.id, name: s.name, message: e instanceof Error ? e.message : String(e) });
      }
    }
    let resolved: ReturnType<typeof resolveBlocks>;
    try {
      resolved = resolveBlocks(db, impulse, projectCatalog(db));
    } catch {
      resolved = [];
    }
    const blocks = resolved.map((b) => {
      const cached = cachedSampleHashes(db, b.task.key);
      const stale = staleSampleHashes(db, b.config.id, b.task.key);
      let generated = 0;
      let staleCount = 0;
      for (const u of usable) {
        if (cached.has(u.hash)) generated++;
        else if (stale.has(u.hash)) staleCount++;
      }
      return {
        blockId: b.config.id,
        title: b.task.title,
        block: b.config.block,
        configHash: b.task.key,
        featuresPerWindow: b.featuresPerWindow ?? cachedLength(db, b.task.key),
        windows: usable.reduce((n, u) => n + u.windows, 0),
        samples: usable.length,
        generated,
        stale: staleCount,
        missing: usable.length - generated - staleCount,
      };
    });
    return {
      saved: saved !== null,
      impulseHash: saved?.hash ?? null,
      blocks,
      unusable,
      upToDate: saved !== null && resolved.length === impulse.dsp.length && blocks.every((b) => b.generated === b.samples),
    };
  }

  /** Feature vectors of the dataset projected to 2 or 3 dimensions (PCA or seeded UMAP). */
  async explore(project: string, o: { blockId?: string; method: 'pca' | 'umap'; dims: 2 | 3; maxPoints: number; seed: number }): Promise<ExploreResult> {
    const db = this.db(project);
    const saved = loadImpulse(db);
    if (!saved) throw new KilnError('NOT_FOUND', `Project "${project}" has no saved impulse; save one and generate features first`);
    let blocks = resolveBlocks(db, saved.impulse, projectCatalog(db));
    if (o.blockId !== undefined) {
      blocks = blocks.filter((b) => b.config.id === o.blockId);
      if (!blocks.length)
        throw new KilnError('NOT_FOUND', `The impulse has no processing block "${o.blockId}" (blocks: ${saved.impulse.dsp.map((d) => d.id).join(', ')})`);
    }
    // windows per sample, from the cache (samples missing any block's features are left out)
    const samples = liveSamples(db);
    const have = blocks.map((b) => cachedSampleHashes(db, b.task.key));
    const withFeatures = samples.filter((s) => have.every((h) => h.has(s.hash)));
    const counts = withFeatures.map((s) => cachedWindowCount(db, s.hash, blocks[0]!.task.key));
    const total = counts.reduce((a, b) => a + b, 0);
    if (total === 0) {
      throw new KilnError('NO_DATA', `No features to explore yet: ${samples.length ? 'generate features first' : 'the dataset is empty'}`);
    }
    const take = Math.min(total, o.maxPoints);
    const picks = new Set<number>();
    for (let i = 0; i < take; i++) picks.add(Math.floor((i * total) / take));
    const rows: Float64Array[] = [];
    const meta: Omit<ExploreResult['points'][number], 'coords'>[] = [];
    let dims = 0;
    let index = 0;
    withFeatures.forEach((s, si) => {
      const n = counts[si]!;
      const chosen: number[] = [];
      for (let w = 0; w < n; w++) if (picks.has(index + w)) chosen.push(w);
      index += n;
      if (!chosen.length) return;
      const parts = blocks.map((b) => readFeatures(db, s.hash, b.task.key)!);
      dims = parts.reduce((a, p) => a + p.length, 0);
      for (const w of chosen) {
        const row = new Float64Array(dims);
        let off = 0;
        for (const p of parts) {
          for (let j = 0; j < p.length; j++) row[off + j] = p.features[w * p.length + j]!;
          off += p.length;
        }
        // long feature vectors (images) are averaged down to ≤ 2048 columns before projecting
        rows.push(poolRow(row));
        meta.push({ label: s.label, sampleId: s.id, sampleName: s.name, category: s.category, window: w });
      }
    });
    const featuresPerWindow = dims;
    const width = rows[0]!.length;
    const data = new Float64Array(rows.length * width);
    rows.forEach((r, i) => data.set(r, i * width));
    rows.length = 0;
    const projected = await runProjection({ data, rows: meta.length, dims: width, method: o.method, k: o.dims, seed: o.seed });
    const coords = meta.map((_, i) => Array.from(projected.coords.subarray(i * o.dims, (i + 1) * o.dims)));
    const explained = projected.explained;
    return {
      method: o.method,
      dims: o.dims,
      points: meta.map((m, i) => ({ ...m, coords: coords[i]! })),
      totalWindows: total,
      featuresPerWindow,
      ...(explained ? { explainedVariance: explained } : {}),
      missingSamples: samples.length - withFeatures.length,
    };
  }

  listCustomBlocks(project: string): CustomBlockInfo[] {
    return listCustomBlocks(this.db(project));
  }

  saveCustomBlock(project: string, block: { name: string; title: string; code: string; params: ParamSpecInput[] }): CustomBlockInfo {
    const saved = saveCustomBlock(this.db(project), block);
    this.events.emit('features.changed', { project });
    return saved;
  }

  /** Removes a custom block; refused while the saved impulse uses it. */
  removeCustomBlock(project: string, name: string): { removed: boolean } {
    const db = this.db(project);
    const used = loadImpulse(db)?.impulse.dsp.find((d) => d.block === CUSTOM_BLOCK_PREFIX + name);
    if (used)
      throw new KilnError('BAD_REQUEST', `Custom block "${name}" is used by the impulse (block "${used.title || used.id}"); remove it from the impulse first`);
    return { removed: removeCustomBlock(db, name) };
  }

  /**
   * Runs code (saved or not) on the first windows of a sample — or on an explicit input — in a
   * sandboxed worker; errors come back as a result with the line of the user's code.
   */
  async testCustomBlock(
    project: string,
    t: { code: string; title: string; params: DspParams; paramSpecs: ParamSpecInput[]; sampleId?: number; input?: DspRunInput; windows: number },
  ): Promise<CustomBlockTestResult> {
    const db = this.db(project);
    const started = performance.now();
    this.requireTrust(project);
    try {
      checkCustomBlock(t.title, t.code, t.paramSpecs);
      const params = validateParams(customDescriptor({ name: 'test', title: t.title, params: t.paramSpecs }), t.params);
      if (t.input) {
        const features = await runCustomOnce(t.title, t.code, params, toDspInput(t.input));
        return {
          ok: true,
          features: Array.from(features),
          featuresPerWindow: features.length,
          windowsTested: 1,
          sampleName: null,
          milliseconds: performance.now() - started,
        };
      }
      const impulse = loadImpulse(db)?.impulse ?? defaultImpulseFor(factsOf(liveSamples(db))).impulse;
      if (impulse.input.type !== 'time-series') throw new KilnError('UNSUPPORTED', 'Custom blocks read time series; this impulse reads images');
      const samples = liveSamples(db);
      const sample = t.sampleId !== undefined ? samples.find((s) => s.id === t.sampleId) : samples.find((s) => !(s.width && s.height));
      if (!sample)
        throw new KilnError(
          'NO_DATA',
          t.sampleId !== undefined ? `Sample ${t.sampleId} does not exist` : 'The dataset has no time-series sample to test on; give an input instead',
        );
      const values = new SampleRepository(db).data(sample.id);
      const input = impulse.input;
      const task: FeatureTask = {
        sample: { id: sample.id, name: sample.name, axes: sample.axes, intervalMs: sample.intervalMs, values, width: null, height: null },
        input,
        blocks: [{ key: 'test', id: 'test', block: 'custom:test', title: t.title, axes: [...input.axes], params, code: t.code }],
        customTimeoutMs: CUSTOM_WINDOW_TIMEOUT_MS,
        maxWindows: t.windows,
      };
      new SampleWindows(input, { name: sample.name, axes: sample.axes, intervalMs: sample.intervalMs, values, width: null, height: null });
      const r = await runCustomTask(task);
      const b = r.blocks[0]!;
      return {
        ok: true,
        features: Array.from(b.features.subarray(0, b.length)),
        featuresPerWindow: b.length,
        windowsTested: r.windows,
        sampleName: sample.name,
        milliseconds: performance.now() - started,
      };
    } catch (e) {
      if (!(e instanceof KilnError)) throw e;
      const line = typeof e.details?.line === 'number' ? e.details.line : null;
      return { ok: false, code: e.code, message: e.message, line };
    }
  }
}

function toDspInput(raw: DspRunInput): DspInput {
  const values = Float32Array.from(raw.values);
  if (raw.width !== undefined || raw.height !== undefined) {
    return {
      axes: raw.axes ?? ['image'],
      frequencyHz: raw.frequencyHz ?? 0,
      values,
      ...(raw.width !== undefined ? { width: raw.width } : {}),
      ...(raw.height !== undefined ? { height: raw.height } : {}),
    };
  }
  if (!raw.axes) throw new KilnError('BAD_DATA', 'The input needs "axes" (or width and height for an image)', { field: 'axes' });
  if (values.length % raw.axes.length !== 0) {
    throw new KilnError(
      'BAD_DATA',
      `The input has ${values.length} values, which do not split into readings of ${raw.axes.length} axes (${raw.axes.join(', ')})`,
      { field: 'values' },
    );
  }
  return { axes: raw.axes, frequencyHz: raw.frequencyHz ?? 0, values };
}

const projectionWorkerUrl = new URL(import.meta.url.endsWith('.ts') ? './projectionWorker.ts' : './projectionWorker.cjs', import.meta.url);

/** PCA / UMAP off the main thread (UMAP on thousands of points takes seconds). */
async function runProjection(task: ProjectionTask): Promise<ProjectionResult> {
  const pool = new WorkerPool<ProjectionTask, ProjectionResult>(projectionWorkerUrl, { size: 1, name: 'The feature explorer' });
  try {
    return await pool.run(task, [task.data.buffer as ArrayBuffer], 120_000);
  } finally {
    await pool.close();
  }
}

/**
 * A custom block task for a test or a single run: windowing here (a few windows), the user's code
 * in a one-off sandbox process, killed afterwards.
 */
async function runCustomTask(task: FeatureTask): Promise<FeatureTaskResult> {
  const runner = new CustomBlockRunner();
  try {
    return await computeTaskFeatures(task, runner);
  } finally {
    runner.dispose();
  }
}

async function runCustomOnce(title: string, code: string, params: DspParams, input: DspInput): Promise<Float32Array> {
  const hz = input.frequencyHz > 0 ? input.frequencyHz : 1;
  const readings = input.values.length / input.axes.length;
  const task: FeatureTask = {
    sample: { id: 0, name: 'input', axes: [...input.axes], intervalMs: 1000 / hz, values: input.values, width: null, height: null },
    input: {
      type: 'time-series',
      windowSizeMs: (readings * 1000) / hz,
      windowIncreaseMs: (readings * 1000) / hz,
      frequencyHz: hz,
      zeroPad: false,
      axes: [...input.axes],
    },
    blocks: [{ key: 'run', id: 'run', block: 'custom:run', title, axes: [...input.axes], params, code }],
    customTimeoutMs: CUSTOM_WINDOW_TIMEOUT_MS,
    maxWindows: 1,
  };
  const r = await runCustomTask(task);
  return r.blocks[0]!.features;
}

/** Exposed for the CLI and bench: features of one sample on the calling thread. */
export { computeFeatures };
