/**
 * Edge Impulse Studio exports as they come: a folder or a zip with `training/`, `testing/`,
 * `info.labels` manifests (at the root and/or per folder) and a README. The manifest gives each
 * file its category and label (paths compared after Unicode NFC normalisation); without one the
 * `training`/`testing` folder names give the category. Manifests, READMEs and licences are read
 * or skipped, never imported as samples; manifest entries without a file and files without an
 * entry come back as one warning each.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import type { ImportWarning } from '../../shared/api/samples';
import { KilnError } from '../../shared/errors';
import {
  EI_MANIFEST_NAME,
  UNLABELLED,
  categoryOfFolder,
  isUnlabelled,
  eiSampleName,
  manifestKey,
  parseEiManifest,
  type EiManifestEntry,
} from '../../shared/formats/eiManifest';
import { labelFromFileName } from '../../shared/formats/fileName';
import type { Category } from '../store/sampleRepository';
import type { ImportSource } from './importSamples';

/** Zips larger than this are refused (the archive is read into memory). */
export const MAX_ZIP_BYTES = 1024 * 1024 * 1024;

/** One file of an export: its path inside the export (`/` separated) and how to read it. */
interface ExportFile {
  relPath: string;
  read(): Uint8Array;
  /** where it is on disk (folders), for messages and statSync */
  file: string;
  size: number;
}

export interface ExportPlan {
  sources: ImportSource[];
  warnings: ImportWarning[];
}

/** Files that document an export and are never samples. */
export function isDocumentFile(name: string): boolean {
  return name === EI_MANIFEST_NAME || /^(readme|license|licence|copying|source|notice)(\.|$)/i.test(name) || /\.(md|markdown|html?|pdf)$/i.test(name);
}

/** True when a folder looks like an Edge Impulse export: a manifest, or training/testing folders. */
export function isEiExportFolder(dir: string): boolean {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return false;
  }
  return names.some((n) => n === EI_MANIFEST_NAME || (categoryOfFolder(n) !== null && statSync(path.join(dir, n)).isDirectory()));
}

export function isZipName(fileName: string): boolean {
  return /\.zip$/i.test(fileName);
}

function folderFiles(root: string): ExportFile[] {
  const out: ExportFile[] = [];
  const walk = (dir: string, rel: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.name.startsWith('.')) continue;
      const full = path.join(dir, e.name);
      const relPath = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(full, relPath);
      else if (e.isFile()) out.push({ relPath, file: full, size: statSync(full).size, read: () => new Uint8Array(readFileSync(full)) });
    }
  };
  walk(root, '');
  return out;
}

function zipFiles(zipFile: string, displayName: string): ExportFile[] {
  const size = statSync(zipFile).size;
  if (size > MAX_ZIP_BYTES) throw new KilnError('BAD_FILE', `${displayName}: the zip is ${(size / 1024 / 1024).toFixed(0)} MB; Kiln reads zips up to 1 GB`);
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(new Uint8Array(readFileSync(zipFile)));
  } catch (e) {
    throw new KilnError('BAD_FILE', `${displayName}: not a readable zip (${e instanceof Error ? e.message : String(e)})`, { file: displayName });
  }
  const files = Object.entries(entries)
    .filter(([name]) => !name.endsWith('/') && !name.split('/').some((s) => s.startsWith('.') || s === '__MACOSX'))
    .map(([name, bytes]) => ({ relPath: name.replace(/\\/g, '/'), file: `${displayName}/${name}`, size: bytes.length, read: () => bytes }));
  return stripCommonFolder(files.sort((a, b) => a.relPath.localeCompare(b.relPath)));
}

/** A zip of a folder holds `folder/training/…`: drop the one folder every file is in. */
function stripCommonFolder(files: ExportFile[]): ExportFile[] {
  for (;;) {
    const first = files[0]?.relPath.split('/')[0];
    if (!first || !files.every((f) => f.relPath.startsWith(`${first}/`))) return files;
    // keep `training/…` as it is when everything is training data
    if (categoryOfFolder(first) !== null) return files;
    files = files.map((f) => ({ ...f, relPath: f.relPath.slice(first.length + 1) }));
  }
}

/** Plans the import of an export folder. */
export function planExportFolder(dir: string, fallback: Category | 'split'): ExportPlan {
  return planExport(folderFiles(dir), fallback);
}

/** Plans the import of an export zip (`displayName` names it in messages). */
export function planExportZip(zipFile: string, displayName: string, fallback: Category | 'split'): ExportPlan {
  return planExport(zipFiles(zipFile, displayName), fallback);
}

const LIST_LIMIT = 10;

function listOf(names: string[]): string {
  return names.slice(0, LIST_LIMIT).join(', ') + (names.length > LIST_LIMIT ? `, … (${names.length - LIST_LIMIT} more)` : '');
}

/**
 * Category, label and name of every sample file of an export. Samples outside
 * training/testing and without a manifest entry get `fallback` as their category.
 */
function planExport(files: ExportFile[], fallback: Category | 'split'): ExportPlan {
  const manifest = new Map<string, EiManifestEntry>();
  const manifests = files.filter((f) => path.posix.basename(f.relPath) === EI_MANIFEST_NAME);
  // the root manifest first: per-folder manifests repeat its entries
  manifests.sort((a, b) => a.relPath.split('/').length - b.relPath.split('/').length);
  for (const m of manifests) {
    const dir = path.posix.dirname(m.relPath);
    for (const e of parseEiManifest(m.relPath, m.read())) {
      const key = manifestKey(dir === '.' ? e.path : `${dir}/${e.path}`);
      if (!manifest.has(key)) manifest.set(key, e);
    }
  }
  const sources: ImportSource[] = [];
  const withoutEntry: string[] = [];
  const seen = new Set<string>();
  for (const f of files) {
    const name = path.posix.basename(f.relPath);
    if (isDocumentFile(name)) continue;
    const key = manifestKey(f.relPath);
    const entry = manifest.get(key);
    seen.add(key);
    const folderCategory = categoryOfFolder(f.relPath.split('/')[0] ?? '');
    const source: ImportSource = { file: f.file, fileName: f.relPath, read: f.read, size: f.size };
    if (entry) {
      source.category = entry.category;
      source.label = entry.label;
      source.name = entry.name ?? eiSampleName(name);
    } else {
      if (manifests.length) withoutEntry.push(f.relPath);
      const category = folderCategory ?? (fallback === 'split' ? null : fallback);
      if (category) source.category = category;
      if (isUnlabelled(labelFromFileName(name))) source.label = UNLABELLED;
      source.name = eiSampleName(name);
    }
    sources.push(source);
  }
  const warnings: ImportWarning[] = [];
  const missing = [...manifest.keys()].filter((k) => !seen.has(k));
  if (missing.length) {
    warnings.push({
      code: 'MANIFEST_ENTRY_WITHOUT_FILE',
      message: `${missing.length} ${EI_MANIFEST_NAME} entr${missing.length === 1 ? 'y has' : 'ies have'} no file in the export (not imported): ${listOf(missing)}`,
      files: missing,
    });
  }
  if (withoutEntry.length) {
    warnings.push({
      code: 'FILE_WITHOUT_MANIFEST_ENTRY',
      message: `${withoutEntry.length} file${withoutEntry.length === 1 ? ' is' : 's are'} not in ${EI_MANIFEST_NAME} (imported with the folder's category and the label from the file name): ${listOf(withoutEntry)}`,
      files: withoutEntry,
    });
  }
  return { sources, warnings };
}
