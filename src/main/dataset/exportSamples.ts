/**
 * Exports samples as one file per sample, in `training/` and `testing/` folders (the layout
 * Edge Impulse's exporter uses). File names start with the label, so importing the folder back
 * gives the same labels: `<label>.<name>.json|csv`. Images are written as PNG.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { encode as encodePng } from 'fast-png';
import type { ExportFormat, ExportResult } from '../../shared/api/samples';
import { KilnError } from '../../shared/errors';
import { serializeCsv, serializeEiJson, type ParsedSample } from '../../shared/formats';
import type { Category, SampleRecord, SampleRepository } from '../store/sampleRepository';

export interface ExportFilter {
  label?: string;
  category?: Category;
}

export interface ExportReporter {
  progress(fraction: number, status: string): void;
  throwIfCancelled(): void;
}

const FOLDER: Record<Category, string> = { train: 'training', test: 'testing' };

/** Refuses to write into a folder that already holds files (nothing is overwritten). */
export function prepareExportDir(dir: string): void {
  if (existsSync(dir)) {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      throw new KilnError('BAD_REQUEST', `${dir} exists and is not a folder; choose another place`);
    }
    if (entries.length > 0) throw new KilnError('ALREADY_EXISTS', `${dir} is not empty; export into a new or empty folder so nothing is overwritten`);
  }
  mkdirSync(dir, { recursive: true });
}

/** `<label>.<rest of the name>` with characters that are unsafe in file names replaced. */
export function exportBaseName(s: Pick<SampleRecord, 'label' | 'name' | 'id'>): string {
  const safe = (x: string) =>
    Array.from(x, (c) => (c.charCodeAt(0) < 0x20 || '/\\:*?"<>|'.includes(c) ? '_' : c))
      .join('')
      .trim();
  // the label is the part before the first dot when read back, so it cannot contain one
  const label = safe(s.label).replace(/\./g, '_') || 'unlabelled';
  let rest = safe(s.name);
  if (rest === s.label) rest = '';
  else if (rest.startsWith(s.label + '.')) rest = rest.slice(s.label.length + 1);
  return rest ? `${label}.${rest}` : `${label}.${s.id}`;
}

export function sampleToParsed(s: SampleRecord, values: Float32Array): ParsedSample {
  return {
    label: s.label,
    intervalMs: s.intervalMs,
    sensors: s.sensors,
    values,
    readings: s.width && s.height ? s.width * s.height : s.readings,
    ...(s.width && s.height ? { width: s.width, height: s.height } : {}),
    ...(s.deviceName ? { deviceName: s.deviceName } : {}),
    ...(s.deviceType ? { deviceType: s.deviceType } : {}),
  };
}

/** The bytes and extension of one exported sample. */
export function encodeSample(s: SampleRecord, values: Float32Array, format: ExportFormat): { bytes: Uint8Array; ext: string } {
  if (s.width && s.height) {
    const rgb = new Uint8Array(s.width * s.height * 3);
    for (let i = 0; i < values.length; i++) {
      const p = values[i]!;
      rgb[i * 3] = (p >> 16) & 0xff;
      rgb[i * 3 + 1] = (p >> 8) & 0xff;
      rgb[i * 3 + 2] = p & 0xff;
    }
    return { bytes: encodePng({ width: s.width, height: s.height, data: rgb, channels: 3, depth: 8 }), ext: 'png' };
  }
  const parsed = sampleToParsed(s, values);
  if (format === 'csv') return { bytes: new TextEncoder().encode(serializeCsv(parsed)), ext: 'csv' };
  return { bytes: serializeEiJson(parsed), ext: 'json' };
}

export async function exportSamples(
  repo: SampleRepository,
  filter: ExportFilter,
  format: ExportFormat,
  dir: string,
  reporter: ExportReporter,
): Promise<ExportResult> {
  const ids = repo.ids({ ...(filter.label !== undefined ? { label: filter.label } : {}), ...(filter.category ? { category: filter.category } : {}) });
  if (ids.length === 0) throw new KilnError('NO_DATA', 'No samples match: nothing to export');
  prepareExportDir(dir);
  const used = new Set<string>();
  const folders = new Set<string>();
  let bytes = 0;
  let files = 0;
  for (let i = 0; i < ids.length; i++) {
    reporter.throwIfCancelled();
    const s = repo.get(ids[i]!);
    if (s.status === 'recording') continue;
    const { bytes: data, ext } = encodeSample(s, repo.data(s.id), format);
    const folder = path.join(dir, FOLDER[s.category]);
    if (!folders.has(folder)) mkdirSync(folder, { recursive: true });
    folders.add(folder);
    let base = exportBaseName(s);
    if (used.has(path.join(folder, `${base}.${ext}`))) base = `${base}.${s.id}`;
    const file = path.join(folder, `${base}.${ext}`);
    used.add(file);
    writeFileSync(file, data, { flag: 'wx' });
    bytes += data.byteLength;
    files++;
    if (i % 20 === 0) {
      reporter.progress(i / ids.length, `${i + 1} of ${ids.length}: ${path.basename(file)}`);
      await new Promise((r) => setImmediate(r));
    }
  }
  reporter.progress(1, `Exported ${files} samples`);
  return { dir, files, bytes, format };
}
