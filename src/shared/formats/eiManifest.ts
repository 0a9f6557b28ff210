/**
 * Edge Impulse Studio's export manifest (`info.labels`, JSON `{version: 1, files: [...]}`) and
 * the names it gives sample files. The export puts one manifest at the root (paths like
 * `testing/x.json`) and/or one per folder (paths relative to that folder).
 */
import { badFile } from './badFile.js';
import { baseName } from './fileName.js';

/** The manifest's name; exports may also carry one in each of `training/` and `testing/`. */
export const EI_MANIFEST_NAME = 'info.labels';

/**
 * Labels Edge Impulse uses for recordings that belong to no class (unlabelled test recordings):
 * they are imported with the empty label, Kiln's "unlabelled".
 */
export const NOT_A_CLASS_LABELS: readonly string[] = ['', 'testing', 'unknown', '_unknown'];

/** Kiln's label for "no class": the empty string. */
export const UNLABELLED = '';

/** True when a label names no class (see NOT_A_CLASS_LABELS). */
export function isUnlabelled(label: string): boolean {
  return NOT_A_CLASS_LABELS.includes(label.trim().toLowerCase());
}

export interface EiManifestEntry {
  /** path as written in the manifest, `/` separated, NFC-normalised */
  path: string;
  /** sample name the manifest gives, when it gives one */
  name: string | null;
  category: 'train' | 'test';
  /** the class; '' when the sample is unlabelled */
  label: string;
}

/** Normalises a path for comparison: `/` separators, no `./`, Unicode NFC. */
export function manifestKey(p: string): string {
  return p
    .replace(/\\/g, '/')
    .split('/')
    .filter((s) => s !== '' && s !== '.')
    .join('/')
    .normalize('NFC');
}

const CATEGORIES: Record<string, 'train' | 'test'> = { training: 'train', train: 'train', testing: 'test', test: 'test' };

/** Category of an export folder name (`training` → train, `testing` → test), else null. */
export function categoryOfFolder(name: string): 'train' | 'test' | null {
  return CATEGORIES[name.toLowerCase()] ?? null;
}

/** Parses an `info.labels` file. Throws BAD_FILE naming the file and entry on bad content. */
export function parseEiManifest(fileName: string, bytes: Uint8Array): EiManifestEntry[] {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, ''));
  } catch (e) {
    throw badFile(fileName, `is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const files = (doc as { files?: unknown } | null)?.files;
  if (!Array.isArray(files)) throw badFile(fileName, 'has no "files" list; it is not an Edge Impulse info.labels manifest');
  return files.map((raw, i): EiManifestEntry => {
    const at = { field: `files[${i}]` };
    const e = raw as { path?: unknown; name?: unknown; category?: unknown; label?: unknown };
    if (typeof e?.path !== 'string' || !e.path.trim()) throw badFile(fileName, 'has no "path"', at);
    const category = typeof e.category === 'string' ? categoryOfFolder(e.category) : null;
    if (!category) throw badFile(fileName, `category ${JSON.stringify(e.category)} is neither "training" nor "testing"`, at);
    return { path: manifestKey(e.path), name: typeof e.name === 'string' && e.name.trim() ? e.name.trim() : null, category, label: labelOf(e.label) };
  });
}

/** `{type: 'label', label}` → label; `{type: 'unlabeled'}`, a missing label or a not-a-class label → ''. */
function labelOf(raw: unknown): string {
  let text = '';
  if (typeof raw === 'string') text = raw;
  else if (raw && typeof raw === 'object') {
    const l = raw as { type?: unknown; label?: unknown };
    if (l.type !== 'unlabeled' && typeof l.label === 'string') text = l.label;
  }
  text = text.trim();
  return isUnlabelled(text) ? UNLABELLED : text;
}

const UPLOAD_EXTENSIONS = new Set(['json', 'cbor', 'csv', 'wav', 'png', 'jpg', 'jpeg']);

/**
 * The sample name behind an Edge Impulse file name: the extension and the ingestion suffix go,
 * so does the uploaded file's own extension before the sample id
 * (`circle.json.6600p2qi.ingestion-5c4b-75x9x.json` → `circle.6600p2qi`,
 * `Chinese.4oodjbst.ingestion-7f95-rjrqz.s1.json` → `Chinese.4oodjbst.s1`).
 */
export function eiSampleName(fileName: string): string {
  const base = baseName(fileName);
  const parts = base.split('.');
  if (parts.length > 1 && UPLOAD_EXTENSIONS.has(parts[parts.length - 1]!.toLowerCase())) parts.pop();
  const at = parts.findIndex((p, i) => i > 0 && p.startsWith('ingestion-'));
  if (at < 0) return parts.join('.');
  parts.splice(at, 1);
  // the segment before the sample id is the uploaded file's extension (`circle.json.<id>`)
  if (at >= 3 && UPLOAD_EXTENSIONS.has(parts[at - 2]!.toLowerCase())) parts.splice(at - 2, 1);
  return parts.join('.');
}
