/**
 * Deployment: turns the project's active model and impulse into a library (C, Arduino, ONNX),
 * zipped, kept in the project with its SHA-256, and optionally written to a folder or zip file.
 *
 * Every check that needs no generation runs before a job starts (no trained model, a model or
 * features stale against the impulse, a custom DSP block, an unknown board or one the estimate
 * does not fit, an output that exists), so the call itself fails with a message to act on.
 * Writing is atomic: files go to a temporary sibling that is renamed into place in the same step
 * as the database row is committed, so a failure leaves nothing half-written.
 *
 * The generators are reached through `GENERATORS` below: the one place that knows which
 * generator module builds which format.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { zipSync, type Zippable } from 'fflate';
import type { Database } from 'better-sqlite3';
import { FORMAT_TITLES, type BuiltLibrary, type DeployEstimate, type DeployOptions, type LibraryFormat, type LibraryPrecision } from '../../shared/api/deploy';
import type { ModelMetrics } from '../../shared/api/training';
import type { DownloadOfferInfo } from '../../shared/api/transfers';
import type { Board } from '../../shared/boards/board';
import { estimateOnDevice, type DeviceEstimate, type ImpulseCost } from '../../shared/estimate/onDevice';
import { KilnError } from '../../shared/errors';
import { CUSTOM_BLOCK_PREFIX, type Impulse, type LearningBlockConfig } from '../../shared/impulse/impulse';
import type { AnomalyModel } from '../../shared/model/anomaly';
import { parseModelSpec, type ModelSpec } from '../../shared/model/spec';
import { KILN_VERSION } from '../app/version';
import { loadBoards } from '../boards/boardCatalog';
import type { JobContext, JobRunner } from '../jobs/jobRunner';
import { datasetFeatures, projectCatalog, resolveBlocks, type ResolvedBlock } from '../pipeline';
import { activeModelOf, type ActiveModelRow } from '../store/activeModels';
import { BuiltLibraryRepository } from '../store/builtLibraryRepository';
import { SampleRepository } from '../store/sampleRepository';
import type { ProjectHome } from '../store/projectHome';
import { currentImpulse } from '../training/featureSet';
import { decodeModel } from '../training/modelBlob';
import type { ModelWeights } from '../training/network';
import { int8FromJson } from '../../shared/model/int8';
import { lowerFloat } from '../../shared/model/lowerFloat';
import { arduinoLibraryFiles, arduinoLibraryName } from './arduino';
import { generateCLibrary, type CLibraryInput } from './c';
import { layoutFeatures } from './c/featureLayout';
import { exportOnnx } from './onnx/onnxExport';

/** What every generator gets: the checked impulse, its resolved DSP blocks and the active models. */
export interface ExportInput {
  /** C identifier derived from the project name (prefix of every generated symbol and file) */
  name: string;
  precision: LibraryPrecision;
  /** class names in output order (empty for regression and anomaly-only impulses) */
  labels: string[];
  impulse: Impulse;
  dsp: ResolvedBlock[];
  network: { modelId: number; block: LearningBlockConfig; spec: ModelSpec; weights: ModelWeights; int8Json: unknown } | null;
  anomaly: { modelId: number; block: LearningBlockConfig; model: AnomalyModel } | null;
  /** a test sample's first window of raw values, interleaved like the impulse's axes (Arduino example); null when none fits */
  exampleWindow: Float32Array | null;
}

export interface GeneratedLibrary {
  /** path inside the zip → content */
  files: Map<string, string | Uint8Array>;
  /** figures worth keeping with the build (arena, weights, features, labels, precision) */
  summary: Record<string, unknown>;
}

export interface LibraryGenerator {
  generate(input: ExportInput): GeneratedLibrary;
}

/** A file handed to the transfer service (web shell: authenticated HTTP; Electron: save dialog). */
export type OfferDownload = (file: { fileName: string; mime: string; bytes: Uint8Array }) => DownloadOfferInfo;

const onnxGenerator: LibraryGenerator = {
  generate(input) {
    const net = input.network;
    if (!net) throw new KilnError('UNSUPPORTED', 'ONNX export needs a neural network block; this impulse has only an anomaly block');
    const onnx = exportOnnx(net.spec, net.weights, { name: `${input.name}_${net.block.id}` });
    const labels = input.labels.length ? input.labels.join('\n') + '\n' : '';
    const readme = [
      `# ${input.name} — ONNX model exported by Kiln ${KILN_VERSION}`,
      '',
      `Input: one row of ${net.spec.inputShape.reduce((a, b) => a * b, 1)} float32 DSP features (tensor [batch, ${net.spec.inputShape.reduce((a, b) => a * b, 1)}]), as Kiln's processing blocks compute them.`,
      input.labels.length ? `Output: softmax scores in the order of labels.txt (${input.labels.join(', ')}).` : 'Output: one value per row.',
      '',
    ].join('\n');
    return {
      files: new Map<string, string | Uint8Array>([
        [`${input.name}.onnx`, onnx],
        ...(labels ? ([['labels.txt', labels]] as const) : []),
        ['README.md', readme],
      ]),
      summary: { weightBytes: onnx.byteLength, featureCount: net.spec.inputShape.reduce((a, b) => a * b, 1), labels: input.labels, precision: 'float32' },
    };
  },
};

/** The C generator's input from the collected models: float32 lowered here, int8 as stored by training. */
export function cLibraryInput(input: ExportInput): CLibraryInput {
  const net = input.network;
  return {
    name: input.name,
    precision: input.precision,
    labels: input.labels,
    impulse: { definition: input.impulse, blocks: input.dsp, classifier: net?.block.id ?? null, anomaly: input.anomaly?.block.id ?? null },
    float: net && input.precision === 'float32' ? lowerFloat(net.spec, net.weights.head, net.weights, net.weights.scaling ?? null) : null,
    int8: net && input.precision === 'int8' && net.int8Json ? int8FromJson(net.int8Json) : null,
    anomaly: input.anomaly?.model ?? null,
  };
}

const cGenerator: LibraryGenerator = {
  generate(input) {
    const lib = generateCLibrary(cLibraryInput(input));
    return { files: lib.files, summary: { ...lib.summary } };
  },
};

/** The Arduino library: the C library's sources flattened into src/, library.properties and two example sketches. */
const arduinoGenerator: LibraryGenerator = {
  generate(input) {
    const c = cLibraryInput(input);
    const lib = generateCLibrary(c);
    const window = layoutFeatures(c.impulse).window;
    const example = input.exampleWindow && input.exampleWindow.length >= window.frameSize ? input.exampleWindow.subarray(0, window.frameSize) : null;
    const files = arduinoLibraryFiles(lib.files, {
      name: input.name,
      version: '1.0.0',
      axes: window.axes,
      frameSize: window.frameSize,
      exampleWindow: example,
    });
    // one top folder named after the library, as the IDE's "Add .ZIP Library" expects
    const top = arduinoLibraryName(input.name);
    return { files: new Map([...files].map(([f, content]) => [`${top}/${f}`, content])), summary: { ...lib.summary, arduinoLibrary: top } };
  },
};

/**
 * Which generator builds which format. A format without one is listed as not available yet,
 * with the reason, and refused before any work.
 */
const GENERATORS: Record<LibraryFormat, LibraryGenerator | { unavailable: string }> = {
  c: cGenerator,
  arduino: arduinoGenerator,
  onnx: onnxGenerator,
};

/** Flash / RAM / latency of a deployment on a board: the one function the page, the CLI and the build check use. */
export function estimateDeployment(board: Board, cost: ImpulseCost, precision: LibraryPrecision): DeviceEstimate {
  return estimateOnDevice(board, cost, precision);
}

export interface BuildOptions {
  format: LibraryFormat;
  precision?: LibraryPrecision;
  board?: string;
  /** CLI only: a folder (must not exist or be empty) or a file ending in .zip (must not exist) */
  out?: string;
}

export interface BuildResult {
  libraryId: number;
  name: string;
  sizeBytes: number;
  sha256: string;
  files: number;
  /** where `out` was written, when given */
  path: string | null;
}

interface Prepared {
  db: Database;
  input: ExportInput;
  generator: LibraryGenerator;
  format: LibraryFormat;
  board: Board | null;
  estimate: DeviceEstimate | null;
  out: { kind: 'dir' | 'zip'; path: string } | null;
}

interface Collected {
  impulse: Impulse;
  hash: string;
  network: { row: ActiveModelRow; block: LearningBlockConfig; metrics: ModelMetrics | null } | null;
  anomaly: { row: ActiveModelRow; block: LearningBlockConfig; metrics: ModelMetrics | null } | null;
}

const isNetwork = (b: LearningBlockConfig) => b.type === 'classification' || b.type === 'regression';

/** A C identifier from a project name: lowercase letters, digits and underscores, not starting with a digit. */
export function libraryName(project: string): string {
  const base = project
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  const name = base || 'kiln';
  return (/^[0-9]/.test(name) ? `kiln_${name}` : name).slice(0, 64);
}

export class ExportService {
  constructor(
    private readonly home: ProjectHome,
    private readonly jobs: JobRunner,
    private readonly offerDownload: OfferDownload,
    /** replaces generators (tests: a generator that fails halfway) */
    private readonly generators: Partial<Record<LibraryFormat, LibraryGenerator>> = {},
  ) {}

  private db(project: string): Database {
    return this.home.get(project).db;
  }

  private generatorFor(format: LibraryFormat): LibraryGenerator | { unavailable: string } {
    return this.generators[format] ?? GENERATORS[format];
  }

  /** The impulse and the active model of each of its learning blocks. */
  private collect(db: Database): Collected {
    const stored = currentImpulse(db);
    const pick = (pred: (b: LearningBlockConfig) => boolean) => {
      for (const block of stored.impulse.learning.filter(pred)) {
        const row = activeModelOf(db, block.id);
        if (row) return { row, block, metrics: row.metrics ? (JSON.parse(row.metrics) as ModelMetrics) : null };
      }
      return null;
    };
    return { impulse: stored.impulse, hash: stored.hash, network: pick(isNetwork), anomaly: pick((b) => !isNetwork(b)) };
  }

  /** Why nothing can be exported from this project now, as an error; null when it can. */
  private problem(db: Database, c: Collected): KilnError | null {
    const custom = c.impulse.dsp.find((d) => d.block.startsWith(CUSTOM_BLOCK_PREFIX));
    if (custom) {
      return new KilnError(
        'UNSUPPORTED',
        `Processing block "${custom.title || custom.id}" is a custom block; custom blocks cannot be exported yet. Replace it with a built-in block to deploy this impulse.`,
        { field: `dsp.${custom.id}` },
      );
    }
    if (!c.network && !c.anomaly) {
      return new KilnError('NOT_FOUND', 'There is no trained model to export yet: train one on the Training page (or `kiln train`) first', { field: 'model' });
    }
    for (const m of [c.network, c.anomaly]) {
      if (m && m.row.impulseHash !== c.hash) {
        return new KilnError(
          'BAD_DATA',
          `Model #${m.row.id} was trained on another version of the impulse; generate features and train it again before exporting`,
          { field: 'model' },
        );
      }
    }
    for (const m of [c.network, c.anomaly]) {
      if (!m) continue;
      try {
        datasetFeatures(db, c.impulse, m.block.id, 'train');
      } catch (e) {
        if (e instanceof KilnError && e.code === 'BAD_DATA') {
          return new KilnError('BAD_DATA', `The features are stale against the impulse: ${e.message}; then train again before exporting`, {
            field: 'features',
          });
        }
        throw e;
      }
    }
    return null;
  }

  private board(id: string): Board {
    const boards = loadBoards();
    const board = boards.find((b) => b.id === id);
    if (!board) throw new KilnError('NOT_FOUND', `Unknown board "${id}"; known boards: ${boards.map((b) => b.id).join(', ')}`, { field: 'board' });
    return board;
  }

  private cost(c: Collected): ImpulseCost {
    const cost = c.network?.metrics?.cost ?? c.anomaly?.metrics?.cost;
    if (!cost) throw new KilnError('NOT_FOUND', `Model #${(c.network ?? c.anomaly)!.row.id} has no cost figures; train it again`, { field: 'model' });
    return cost;
  }

  private checkPrecision(c: Collected, precision: LibraryPrecision, format: LibraryFormat): void {
    if (format === 'onnx' && precision === 'int8') {
      throw new KilnError('BAD_PARAMS', 'ONNX export is float32 only; choose --precision float32 (or the C library for int8)', { field: 'precision' });
    }
    if (precision === 'int8' && c.network && !hasInt8Program(c.network.row)) {
      throw new KilnError(
        'BAD_PARAMS',
        `Model #${c.network.row.id} has no int8 version (it was trained by a Kiln that did not quantize it); train it again or choose float32`,
        {
          field: 'precision',
        },
      );
    }
    // an int8 program stored by an older Kiln (float requantization) is refused now, not in the job
    if (precision === 'int8' && c.network) int8FromJson(decodeModel(c.network.row.weights, `model #${c.network.row.id}`).int8);
  }

  options(project: string): DeployOptions {
    const db = this.db(project);
    const boards = loadBoards().map((b) => ({ id: b.id, name: b.name, ramKb: b.ramKb, flashKb: b.flashKb, clockMhz: b.clockMhz }));
    let c: Collected | null = null;
    let problem: string | null;
    try {
      c = this.collect(db);
      problem = this.problem(db, c)?.message ?? null;
    } catch (e) {
      if (!(e instanceof KilnError)) throw e;
      problem = e.message;
    }
    const main = c?.network ?? c?.anomaly ?? null;
    return {
      model: main
        ? {
            id: main.row.id,
            block: main.block.id,
            kind: main.block.type,
            createdAt: main.row.createdAt,
            current: main.row.impulseHash === c!.hash,
            hasInt8: c?.network ? hasInt8Program(c.network.row) : false,
            anomalyModelId: c?.network && c.anomaly ? c.anomaly.row.id : null,
          }
        : null,
      problem,
      formats: (Object.keys(GENERATORS) as LibraryFormat[]).map((format) => {
        const g = this.generatorFor(format);
        const reason = 'unavailable' in g ? g.unavailable : format === 'onnx' && c && !c.network ? 'ONNX export needs a neural network block' : null;
        return { format, title: FORMAT_TITLES[format], available: reason === null, reason };
      }),
      boards,
      kilnVersion: KILN_VERSION,
    };
  }

  estimate(project: string, req: { format: LibraryFormat; precision: LibraryPrecision; board: string }): DeployEstimate {
    const db = this.db(project);
    const c = this.collect(db);
    const problem = this.problem(db, c);
    if (problem) throw problem;
    this.checkPrecision(c, req.precision, req.format);
    const board = this.board(req.board);
    const estimate = estimateDeployment(board, this.cost(c), req.precision);
    return {
      modelId: (c.network ?? c.anomaly)!.row.id,
      format: req.format,
      precision: req.precision,
      board: { id: board.id, name: board.name, ramKb: board.ramKb, flashKb: board.flashKb },
      estimate,
      fits: estimate.fitsRam && estimate.fitsFlash,
    };
  }

  /** Every check of a build, in the order a user fixes them; throws the first that fails. */
  private prepare(project: string, req: BuildOptions): Prepared {
    const precision = req.precision ?? 'int8';
    const out = req.out !== undefined ? checkOut(req.out) : null;
    const g = this.generatorFor(req.format);
    if ('unavailable' in g) throw new KilnError('UNSUPPORTED', `${g.unavailable}; build the ONNX model for now`, { field: 'format' });
    const db = this.db(project);
    const c = this.collect(db);
    const problem = this.problem(db, c);
    if (problem) throw problem;
    this.checkPrecision(c, precision, req.format);
    let board: Board | null = null;
    let estimate: DeviceEstimate | null = null;
    if (req.board !== undefined) {
      board = this.board(req.board);
      estimate = estimateDeployment(board, this.cost(c), precision);
      if (!estimate.fitsRam || !estimate.fitsFlash) {
        throw new KilnError(
          'BAD_PARAMS',
          `The ${precision} build does not fit the ${board.name}: ${estimate.notes.filter((n) => n.startsWith('Needs')).join(' ')} Choose a bigger board${precision === 'float32' ? ' or int8' : ''}.`,
          { field: 'board' },
        );
      }
    }
    const input = this.input(project, db, c, precision);
    return { db, input, generator: g, format: req.format, board, estimate, out };
  }

  private input(project: string, db: Database, c: Collected, precision: LibraryPrecision): ExportInput {
    let network: ExportInput['network'] = null;
    if (c.network) {
      const stored = decodeModel(c.network.row.weights, `model #${c.network.row.id}`);
      if (!stored.weights) throw new KilnError('CORRUPT_PROJECT', `Model #${c.network.row.id} has no network weights; train it again`);
      network = {
        modelId: c.network.row.id,
        block: c.network.block,
        spec: parseModelSpec(JSON.parse(c.network.row.spec)),
        weights: stored.weights,
        int8Json: stored.int8,
      };
    }
    let anomaly: ExportInput['anomaly'] = null;
    if (c.anomaly) {
      const stored = decodeModel(c.anomaly.row.weights, `model #${c.anomaly.row.id}`);
      if (!stored.anomaly) throw new KilnError('CORRUPT_PROJECT', `Model #${c.anomaly.row.id} has no anomaly model; train it again`);
      anomaly = { modelId: c.anomaly.row.id, block: c.anomaly.block, model: stored.anomaly };
    }
    return {
      name: libraryName(project),
      precision,
      labels: c.network?.metrics?.kind === 'classification' ? (c.network.metrics.classNames ?? []) : [],
      impulse: c.impulse,
      dsp: resolveBlocks(db, c.impulse, projectCatalog(db)),
      network,
      anomaly,
      exampleWindow: exampleWindow(db, c.impulse),
    };
  }

  /** Starts a `library.build` job after every check has passed. */
  startBuild(project: string, req: BuildOptions): { jobId: string } {
    const p = this.prepare(project, req);
    const precision = p.input.precision;
    const title = `Build ${FORMAT_TITLES[p.format]} (${precision}${p.board ? `, ${p.board.name}` : ''})`;
    const job = this.jobs.start('library.build', title, project, async (ctx) => {
      // let the call return the job id first; generation then runs on the next turn
      await new Promise((resolve) => setImmediate(resolve));
      return this.build(project, p, ctx);
    });
    return { jobId: job.id };
  }

  private build(project: string, p: Prepared, ctx: JobContext): BuildResult {
    const { input } = p;
    ctx.progress(0.1, `Generating the ${FORMAT_TITLES[p.format]}`);
    const lib = p.generator.generate(input);
    ctx.throwIfCancelled();
    ctx.log(`Generated ${lib.files.size} files`);
    ctx.progress(0.6, 'Zipping');
    const zip = zipFiles(lib.files);
    const sha256 = createHash('sha256').update(zip).digest('hex');
    const fileName = `${input.name}_${p.format}_${input.precision}.zip`;
    ctx.throwIfCancelled();
    ctx.progress(0.8, p.out ? `Writing ${p.out.path}` : 'Saving in the project');
    const staged = p.out ? stage(p.out, lib.files, zip) : null;
    try {
      const repo = new BuiltLibraryRepository(this.db(project));
      // the row and the rename commit together: a failing rename rolls the row back
      const record = this.db(project).transaction(() => {
        const r = repo.add({
          modelId: (input.network ?? input.anomaly)!.modelId,
          name: fileName,
          format: p.format,
          precision: input.precision,
          board: p.board?.id ?? null,
          kilnVersion: KILN_VERSION,
          sha256,
          summary: { ...lib.summary, files: lib.files.size, ...(p.estimate ? { estimate: p.estimate } : {}) },
          zip,
        });
        staged?.commit();
        return r;
      })();
      ctx.log(`Kept as built library #${record.id} (${zip.byteLength} bytes, sha256 ${sha256.slice(0, 12)}…)`);
      return { libraryId: record.id, name: fileName, sizeBytes: zip.byteLength, sha256, files: lib.files.size, path: p.out?.path ?? null };
    } finally {
      staged?.cleanup();
    }
  }

  list(project: string): BuiltLibrary[] {
    return new BuiltLibraryRepository(this.db(project)).list();
  }

  download(project: string, id: number): DownloadOfferInfo {
    const repo = new BuiltLibraryRepository(this.db(project));
    const lib = repo.get(id);
    return this.offerDownload({ fileName: lib.name, mime: 'application/zip', bytes: new Uint8Array(repo.zip(id)) });
  }

  delete(project: string, id: number): Record<string, never> {
    new BuiltLibraryRepository(this.db(project)).delete(id);
    return {};
  }
}

/** Whether training stored an int8 program with the network (classifiers and regressors that quantized). */
function hasInt8Program(row: ActiveModelRow): boolean {
  const int8 = decodeModel(row.weights, `model #${row.id}`).int8;
  return int8 !== null && int8 !== undefined;
}

/** The first test sample's values when it was recorded with exactly the impulse's axes (time series only). */
function exampleWindow(db: Database, impulse: Impulse): Float32Array | null {
  if (impulse.input.type !== 'time-series') return null;
  const repo = new SampleRepository(db);
  const first = repo.query({ category: 'test', limit: 1 }).rows[0] ?? repo.query({ limit: 1 }).rows[0];
  if (!first || first.sensors.map((s) => s.name).join(',') !== impulse.input.axes.join(',')) return null;
  return repo.data(first.id);
}

function zipFiles(files: Map<string, string | Uint8Array>): Uint8Array {
  const tree: Zippable = {};
  const enc = new TextEncoder();
  for (const [name, content] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    if (name.startsWith('/') || name.split('/').includes('..')) throw new KilnError('INTERNAL', `Generated file name "${name}" leaves the library folder`);
    // a fixed time stamp: the same library gives the same zip and the same hash
    tree[name] = [typeof content === 'string' ? enc.encode(content) : content, { mtime: new Date('2020-01-01T00:00:00Z') }];
  }
  return zipSync(tree, { level: 6 });
}

/** Checks an output path before any work: a .zip file that does not exist, or a folder that is absent or empty. */
function checkOut(out: string): { kind: 'dir' | 'zip'; path: string } {
  const target = path.resolve(out);
  const parent = path.dirname(target);
  if (!existsSync(parent) || !statSync(parent).isDirectory()) {
    throw new KilnError('NOT_FOUND', `The folder ${parent} does not exist; create it first or choose another --out`, { field: 'out' });
  }
  const kind = target.toLowerCase().endsWith('.zip') ? 'zip' : 'dir';
  if (existsSync(target)) {
    const st = statSync(target);
    if (kind === 'zip' || !st.isDirectory())
      throw new KilnError('ALREADY_EXISTS', `${target} already exists; remove it or choose another --out`, { field: 'out' });
    if (readdirSync(target).length > 0)
      throw new KilnError('ALREADY_EXISTS', `The folder ${target} exists and is not empty; empty it or choose another --out`, { field: 'out' });
  }
  return { kind, path: target };
}

/** Writes the output beside its target under a temporary name; `commit` renames it into place. */
function stage(out: { kind: 'dir' | 'zip'; path: string }, files: Map<string, string | Uint8Array>, zip: Uint8Array) {
  const tmp = path.join(path.dirname(out.path), `.${path.basename(out.path)}.kiln-${randomBytes(4).toString('hex')}.tmp`);
  let committed = false;
  try {
    if (out.kind === 'zip') writeFileSync(tmp, zip);
    else {
      for (const [name, content] of files) {
        const file = path.join(tmp, name);
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, content);
      }
    }
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw new KilnError('BAD_FILE', `Cannot write ${out.path}: ${e instanceof Error ? e.message : String(e)}`, { field: 'out' });
  }
  return {
    commit() {
      if (out.kind === 'dir' && existsSync(out.path)) rmdirSync(out.path); // checked empty before the job
      renameSync(tmp, out.path);
      committed = true;
    },
    cleanup() {
      if (!committed) rmSync(tmp, { recursive: true, force: true });
    },
  };
}
