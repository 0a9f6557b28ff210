/**
 * Imports sample files into a project: each file is read, parsed and stored in its own
 * transaction, so a bad file is listed with its reason and never half-written, and the others
 * are still imported.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ImportFailure, ImportResult } from '../../shared/api/samples';
import { KilnError, isKilnError } from '../../shared/errors';
import { labelFromFileName, parseSampleFile, type CsvOptions } from '../../shared/formats';
import { UNLABELLED } from '../../shared/formats/eiManifest';
import { seededShuffle, type Category, type SampleRepository } from '../store/sampleRepository';

/** Files larger than this are refused before they are read (a sample is held in memory). */
export const MAX_IMPORT_FILE_BYTES = 256 * 1024 * 1024;
/** Share of each label put in test by `category: 'split'`. */
export const SPLIT_TEST_FRACTION = 0.2;

export interface ImportSource {
  /** where the bytes are on disk (an upload's temp file or the user's file) */
  file: string;
  /** name shown to the user and used for the label (`wave.01.csv` → wave) */
  fileName: string;
  /** the bytes, when they are not a file of their own (a zip entry) */
  read?: () => Uint8Array;
  /** category given by the source (an export's manifest or folder); wins over the import's */
  category?: Category;
  /** label given by the source (an export's manifest); '' = unlabelled */
  label?: string;
  /** sample name given by the source (default: the file name without extension) */
  name?: string;
  /** bytes, when `file` is not on disk (progress) */
  size?: number;
}

export interface ImportOptions {
  /** label for every file; default: from each file name */
  label?: string;
  category: Category | 'split';
  csv?: CsvOptions;
  /** seed of the stratified split */
  seed?: number;
}

export interface ImportReporter {
  progress(fraction: number, status: string): void;
  throwIfCancelled(): void;
  log?(message: string, level?: 'info' | 'warn' | 'error'): void;
  /** called after each stored sample (throttle on the caller's side) */
  onImported?(): void;
}

/**
 * Expands paths (files, or folders walked recursively; hidden files skipped) into import
 * sources, in name order. Paths that do not exist are returned as failures.
 */
export function collectImportFiles(paths: string[]): { sources: ImportSource[]; failed: ImportFailure[] } {
  const sources: ImportSource[] = [];
  const failed: ImportFailure[] = [];
  const walk = (dir: string) => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.isFile()) sources.push({ file: full, fileName: e.name });
    }
  };
  for (const p of paths) {
    const full = path.resolve(p);
    let isDir: boolean;
    try {
      isDir = statSync(full).isDirectory();
    } catch {
      failed.push({ file: p, code: 'NOT_FOUND', message: `${p}: no such file or folder` });
      continue;
    }
    if (isDir) walk(full);
    else sources.push({ file: full, fileName: path.basename(full) });
  }
  return { sources, failed };
}

/** Category of each source: fixed, or a seeded stratified 80/20 split per (file-name) label. */
export function assignCategories(sources: ImportSource[], opts: ImportOptions): Category[] {
  if (opts.category !== 'split') return sources.map((s) => s.category ?? (opts.category as Category));
  const out: Category[] = sources.map((s) => s.category ?? 'train');
  const byLabel = new Map<string, number[]>();
  sources.forEach((s, i) => {
    if (s.category) return;
    const label = opts.label ?? labelFromFileName(s.fileName);
    byLabel.set(label, [...(byLabel.get(label) ?? []), i]);
  });
  for (const group of byLabel.values()) {
    const ordered = [...group].sort((a, b) => sources[a]!.fileName.localeCompare(sources[b]!.fileName) || a - b);
    const shuffled = seededShuffle(ordered, opts.seed ?? 1);
    const wantTest = Math.round(group.length * SPLIT_TEST_FRACTION);
    shuffled.slice(0, wantTest).forEach((i) => (out[i] = 'test'));
  }
  return out;
}

/** Reads one file into the project. Throws a KilnError naming the file when it cannot. */
export function importOne(repo: SampleRepository, source: ImportSource, category: Category, opts: ImportOptions): { id: number; label: string } {
  const { fileName } = source;
  let size: number;
  let bytes: Uint8Array | null = null;
  try {
    if (source.read) {
      bytes = source.read();
      size = bytes.length;
    } else size = statSync(source.file).size;
  } catch {
    throw new KilnError('NOT_FOUND', `${fileName}: the file is gone (moved or deleted during the import)`, { file: fileName });
  }
  if (size > MAX_IMPORT_FILE_BYTES) {
    throw new KilnError(
      'BAD_FILE',
      `${fileName}: the file is ${(size / 1024 / 1024).toFixed(0)} MB; Kiln imports sample files up to ${MAX_IMPORT_FILE_BYTES / 1024 / 1024} MB — split it into shorter samples`,
      { file: fileName },
    );
  }
  bytes ??= new Uint8Array(readFileSync(source.file));
  const parsed = parseSampleFile(fileName, bytes, opts.csv ? { csv: opts.csv } : {});
  const label = (opts.label ?? source.label ?? parsed.label ?? labelFromFileName(fileName)).trim();
  // an empty label is Kiln's "unlabelled" only when the source says so (an export's manifest)
  if (!label && source.label !== UNLABELLED)
    throw new KilnError('BAD_FILE', `${fileName}: the file name gives no label (Kiln takes the part before the first dot); choose a label for the import`, {
      file: fileName,
    });
  const name = source.name ?? sampleNameFromFile(fileName);
  try {
    const record = repo.insert({
      ...(name ? { name } : {}),
      label,
      category,
      sensors: parsed.sensors,
      intervalMs: parsed.intervalMs,
      values: parsed.values,
      width: parsed.width ?? null,
      height: parsed.height ?? null,
      source: `import:${parsed.format}`,
      deviceName: parsed.deviceName ?? null,
      deviceType: parsed.deviceType ?? null,
    });
    return { id: record.id, label };
  } catch (e) {
    // the repository names the sample; the user needs the file
    if (isKilnError(e)) throw new KilnError(e.code, `${fileName}: ${e.message}`, { file: fileName, ...e.details });
    throw e;
  }
}

/** The file name without its extension: `wave.s1.csv` → `wave.s1`. */
export function sampleNameFromFile(fileName: string): string {
  const base = path.basename(fileName.replace(/\\/g, '/'));
  const ext = path.extname(base);
  return (ext ? base.slice(0, -ext.length) : base).trim();
}

/** Imports every source; failures are collected, not thrown. Cancellation keeps what is stored. */
export async function importSampleFiles(repo: SampleRepository, sources: ImportSource[], opts: ImportOptions, reporter: ImportReporter): Promise<ImportResult> {
  const categories = assignCategories(sources, opts);
  const sizes = sources.map((s) => {
    try {
      return s.size ?? statSync(s.file).size;
    } catch {
      return 0;
    }
  });
  const totalBytes = Math.max(
    1,
    sizes.reduce((a, b) => a + b, 0),
  );
  const failed: ImportFailure[] = [];
  const byLabel: Record<string, number> = {};
  const byCategory = { train: 0, test: 0 };
  let imported = 0;
  let doneBytes = 0;
  for (let i = 0; i < sources.length; i++) {
    reporter.throwIfCancelled();
    const source = sources[i]!;
    reporter.progress(doneBytes / totalBytes, `${i + 1} of ${sources.length}: ${source.fileName}`);
    try {
      const { label } = importOne(repo, source, categories[i]!, opts);
      imported++;
      byLabel[label] = (byLabel[label] ?? 0) + 1;
      byCategory[categories[i]!]++;
      reporter.onImported?.();
    } catch (e) {
      const failure = isKilnError(e)
        ? { file: source.fileName, code: e.code, message: e.message }
        : { file: source.fileName, code: 'INTERNAL', message: `${source.fileName}: unexpected error (${e instanceof Error ? e.message : String(e)})` };
      failed.push(failure);
      reporter.log?.(failure.message, 'warn');
    }
    doneBytes += sizes[i]!;
    // let progress events and other calls through between files
    await new Promise((r) => setImmediate(r));
  }
  reporter.progress(1, `Imported ${imported} of ${sources.length} files`);
  return { imported, failed, byLabel, byCategory, warnings: [] };
}
