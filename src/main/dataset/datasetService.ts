/**
 * The dataset of a project as the studio and the CLI see it: paged listing, counts, values for
 * plots, bulk edits with undo, crop/split, and import/export as jobs. Every change emits
 * `samples.changed` so open pages refresh.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { SampleRow, DatasetCounts, ExportFormat, ImportResult, ImportWarning, ExportResult } from '../../shared/api/samples';
import { KilnError } from '../../shared/errors';
import type { CsvOptions } from '../../shared/formats';
import type { EventBus } from '../api/eventBus';
import type { Uploads } from '../app/uploads';
import type { JobRunner } from '../jobs/jobRunner';
import { TRASH_KEEP_DAYS, type ProjectHome } from '../store/projectHome';
import { SampleRepository, type Category, type SampleQuery, type SampleRecord } from '../store/sampleRepository';
import { decimateMinMax, shrinkImage } from './decimate';
import { isEiExportFolder, isZipName, planExportFolder, planExportZip, type ExportPlan } from './eiExport';
import { exportSamples } from './exportSamples';
import { collectImportFiles, importSampleFiles, type ImportSource } from './importSamples';

export interface ImportRequest {
  project: string;
  uploadIds?: string[];
  paths?: string[];
  label?: string;
  category: Category | 'split';
  csv?: CsvOptions;
}

export interface ExportRequest {
  project: string;
  format: ExportFormat;
  out: string;
  label?: string;
  category?: Category;
}

const CHANGED_EVERY_MS = 1000;

export function toRow(s: SampleRecord): SampleRow {
  const isImage = !!(s.width && s.height);
  const isAudio = !isImage && s.sensors.length === 1 && s.sensors[0]!.units === 'wav';
  return {
    id: s.id,
    name: s.name,
    label: s.label,
    category: s.category,
    kind: isImage ? 'image' : isAudio ? 'audio' : 'time-series',
    sensors: s.sensors,
    intervalMs: s.intervalMs,
    readings: s.readings,
    lengthMs: isImage ? 0 : s.readings * s.intervalMs,
    width: s.width,
    height: s.height,
    hash: s.hash,
    source: s.source,
    deviceName: s.deviceName,
    deviceType: s.deviceType,
    status: s.status,
    note: s.note,
    createdAt: s.createdAt,
  };
}

export class DatasetService {
  constructor(
    private readonly home: ProjectHome,
    private readonly events: EventBus,
    private readonly jobs: JobRunner,
    private readonly uploads: Uploads,
  ) {}

  repo(project: string): SampleRepository {
    return new SampleRepository(this.home.get(project).db);
  }

  /** Canonical name of a project (what clients compare `samples.changed` against). */
  private nameOf(project: string): string {
    return this.home.nameOf(this.home.resolve(project));
  }

  changed(project: string): void {
    this.events.emit('samples.changed', { project: this.nameOf(project) });
  }

  list(project: string, q: SampleQuery): { rows: SampleRow[]; total: number } {
    const { rows, total } = this.repo(project).query(q);
    return { rows: rows.map(toRow), total };
  }

  ids(project: string, q: Omit<SampleQuery, 'offset' | 'limit'>): number[] {
    return this.repo(project).ids(q);
  }

  counts(project: string): DatasetCounts {
    const byLabel = this.repo(project).counts();
    const train = byLabel.reduce((n, r) => n + r.train, 0);
    const test = byLabel.reduce((n, r) => n + r.test, 0);
    return { byLabel, train, test, total: train + test };
  }

  labels(project: string): string[] {
    return this.repo(project)
      .counts()
      .map((r) => r.label);
  }

  get(project: string, id: number, maxReadings?: number, maxPixels?: number) {
    const repo = this.repo(project);
    const s = repo.get(id);
    const values = repo.data(id);
    if (s.width && s.height) {
      const small = maxPixels === undefined ? null : shrinkImage(values, s.width, s.height, maxPixels);
      const out = small ?? { pixels: values, width: s.width, height: s.height };
      return {
        sample: toRow(s),
        values: Array.from(out.pixels),
        readings: out.pixels.length,
        decimated: !!small,
        readingIndex: null,
        imageSize: { width: out.width, height: out.height },
      };
    }
    const small = maxReadings === undefined ? null : decimateMinMax(values, s.sensors.length, maxReadings);
    if (small) {
      return {
        sample: toRow(s),
        values: Array.from(small.values),
        readings: small.readingIndex.length,
        decimated: true,
        readingIndex: small.readingIndex,
        imageSize: null,
      };
    }
    return { sample: toRow(s), values: Array.from(values), readings: s.readings, decimated: false, readingIndex: null, imageSize: null };
  }

  relabel(project: string, ids: number[], label: string): { changed: number } {
    const changed = this.repo(project).relabel(ids, label);
    this.changed(project);
    return { changed };
  }

  move(project: string, ids: number[], category: Category): { changed: number } {
    const changed = this.repo(project).setCategory(ids, category);
    this.changed(project);
    return { changed };
  }

  delete(project: string, ids: number[]): { deleted: number; undoToken: string } {
    const repo = this.repo(project);
    // only the ids this call deleted go in the token, so undo cannot revive older deletions
    const live = new Set(repo.liveIds(ids));
    const deleted = repo.remove(ids);
    this.changed(project);
    return { deleted, undoToken: encodeUndo(ids.filter((id) => live.has(id))) };
  }

  /** Deleted samples still kept for undo, and the space they take. */
  trash(project: string): { count: number; bytes: number; keepDays: number } {
    return { ...this.repo(project).trash(), keepDays: TRASH_KEEP_DAYS };
  }

  /** Drops deleted samples for good and compacts the file; returns how many and the bytes freed. */
  purge(project: string): { purged: number; freedBytes: number } {
    const handle = this.home.get(project);
    const size = (): number => statSync(handle.file).size + (existsSync(`${handle.file}-wal`) ? statSync(`${handle.file}-wal`).size : 0);
    handle.checkpointIfChanged();
    const before = size();
    const purged = new SampleRepository(handle.db).purgeDeleted();
    if (purged > 0) {
      handle.db.exec('VACUUM');
      handle.checkpointIfChanged();
    }
    this.changed(project);
    return { purged, freedBytes: Math.max(0, before - size()) };
  }

  restore(project: string, args: { ids?: number[]; undoToken?: string; remove?: number[] }): { restored: number; removed: number } {
    const ids = [...(args.ids ?? []), ...(args.undoToken ? decodeUndo(args.undoToken) : [])];
    const db = this.home.get(project).db;
    const repo = new SampleRepository(db);
    const result = db.transaction(() => ({ restored: repo.restore(ids), removed: args.remove?.length ? repo.remove(args.remove) : 0 }))();
    this.changed(project);
    return result;
  }

  rebalance(project: string, testFraction: number, seed?: number): { moved: number; counts: DatasetCounts } {
    const moved = this.repo(project).rebalance(testFraction, seed);
    this.changed(project);
    return { moved, counts: this.counts(project) };
  }

  crop(project: string, id: number, start: number, end: number): { sample: SampleRow; replaced: number } {
    const { created, replaced } = this.repo(project).crop(id, start, end);
    this.changed(project);
    return { sample: toRow(created), replaced };
  }

  split(project: string, id: number, cuts: number[]): { samples: SampleRow[]; replaced: number } {
    const { created, replaced } = this.repo(project).split(id, cuts);
    this.changed(project);
    return { samples: created.map(toRow), replaced };
  }

  /** Starts the import job; upload temp files are discarded when it ends. */
  startImport(req: ImportRequest): { jobId: string } {
    const repo = this.repo(req.project);
    const { sources, failed: early, warnings } = this.importSources(req);
    const title = `Import ${sources.length === 1 ? sources[0]!.fileName : `${sources.length} files`} into ${this.nameOf(req.project)}`;
    const job = this.jobs.start('samples.import', title, this.nameOf(req.project), async (ctx) => {
      let last = Date.now();
      let stored = 0;
      try {
        const result = await importSampleFiles(
          repo,
          sources,
          { category: req.category, ...(req.label ? { label: req.label } : {}), ...(req.csv ? { csv: req.csv } : {}) },
          {
            progress: (f, status) => ctx.progress(f, status),
            throwIfCancelled: () => ctx.throwIfCancelled(),
            onImported: () => {
              stored++;
              if (Date.now() - last < CHANGED_EVERY_MS) return;
              last = Date.now();
              this.changed(req.project);
            },
          },
        );
        const failed = [...early, ...result.failed];
        for (const w of warnings) ctx.log(w.message, 'warn');
        // one summary line: failures are listed in the result (the CLI and the page show them)
        ctx.log(
          `Imported ${result.imported} sample${result.imported === 1 ? '' : 's'}${failed.length ? `; ${failed.length} file${failed.length === 1 ? '' : 's'} failed` : ''}`,
          failed.length ? 'warn' : 'info',
        );
        return { ...result, failed, warnings: [...warnings, ...result.warnings] };
      } catch (e) {
        if (ctx.signal.aborted) ctx.log(`Cancelled: ${stored} sample${stored === 1 ? '' : 's'} imported before that stay in the project`, 'warn');
        throw e;
      } finally {
        for (const u of req.uploadIds ?? []) this.uploads.discard(u);
        this.changed(req.project);
      }
    });
    return { jobId: job.id };
  }

  /**
   * What an import reads: uploads and paths, where an Edge Impulse export (a folder with
   * training/, testing/ or info.labels, or any .zip) expands into its samples with their
   * categories and labels.
   */
  private importSources(req: ImportRequest): { sources: ImportSource[]; failed: ImportResult['failed']; warnings: ImportWarning[] } {
    const sources: ImportSource[] = [];
    const warnings: ImportWarning[] = [];
    const failed: ImportResult['failed'] = [];
    const addPlan = (plan: ExportPlan) => {
      sources.push(...plan.sources);
      warnings.push(...plan.warnings);
    };
    if (req.uploadIds) {
      for (const u of req.uploadIds) {
        const up = this.uploads.take(u);
        if (isZipName(up.fileName)) addPlan(planExportZip(up.file, up.fileName, req.category));
        else sources.push(up);
      }
      return { sources, failed, warnings };
    }
    const plain: string[] = [];
    for (const p of req.paths ?? []) {
      const full = path.resolve(p);
      if (isZipName(full) && existsSync(full)) addPlan(planExportZip(full, path.basename(full), req.category));
      else if (isEiExportFolder(full)) addPlan(planExportFolder(full, req.category));
      else plain.push(p);
    }
    const found = collectImportFiles(plain);
    sources.push(...found.sources);
    failed.push(...found.failed);
    if (sources.length === 0 && failed.length === 0) throw new KilnError('NO_DATA', `No files found in ${(req.paths ?? []).join(', ')}`);
    return { sources, failed, warnings };
  }

  /** Where an export goes: absolute paths as given, relative ones under `<home>/exports`. */
  exportDir(out: string): string {
    return path.isAbsolute(out) ? path.normalize(out) : path.join(this.home.dir, 'exports', out);
  }

  startExport(req: ExportRequest): { jobId: string; dir: string } {
    const repo = this.repo(req.project);
    const dir = this.exportDir(req.out);
    const filter = { ...(req.label !== undefined ? { label: req.label } : {}), ...(req.category ? { category: req.category } : {}) };
    const job = this.jobs.start(
      'samples.export',
      `Export ${this.nameOf(req.project)} as ${req.format}`,
      this.nameOf(req.project),
      async (ctx): Promise<ExportResult> =>
        exportSamples(repo, filter, req.format, dir, { progress: (f, s) => ctx.progress(f, s), throwIfCancelled: () => ctx.throwIfCancelled() }),
    );
    return { jobId: job.id, dir };
  }
}

function encodeUndo(ids: number[]): string {
  return `deleted:${ids.join(',')}`;
}

function decodeUndo(token: string): number[] {
  const m = /^deleted:([\d,]*)$/.exec(token);
  if (!m) throw new KilnError('BAD_REQUEST', 'This undo token is not valid (it comes from another action?)');
  return m[1] ? m[1].split(',').map(Number) : [];
}
