/**
 * Folders dropped on (or picked for) the data page travel as one zip: an Edge Impulse export
 * keeps its `training/`, `testing/` and `info.labels` layout, which the import reads as it is.
 * Single files pass through unchanged.
 */
import { zipSync } from 'fflate';

/** At most this many bytes are zipped in the page (the zip is held in memory). */
export const MAX_FOLDER_BYTES = 512 * 1024 * 1024;

interface Entry {
  isFile: boolean;
  isDirectory: boolean;
  name: string;
  file?(ok: (f: File) => void, fail: (e: unknown) => void): void;
  createReader?(): { readEntries(ok: (entries: Entry[]) => void, fail: (e: unknown) => void): void };
}

async function walk(entry: Entry, prefix: string, out: { path: string; file: File }[]): Promise<void> {
  if (entry.name.startsWith('.')) return;
  if (entry.isFile && entry.file) {
    const file = await new Promise<File>((ok, fail) => entry.file!(ok, fail));
    out.push({ path: `${prefix}${entry.name}`, file });
    return;
  }
  if (!entry.isDirectory || !entry.createReader) return;
  const reader = entry.createReader();
  // readEntries returns the folder in batches until an empty one
  for (;;) {
    const batch = await new Promise<Entry[]>((ok, fail) => reader.readEntries(ok, fail));
    if (!batch.length) break;
    for (const e of batch) await walk(e, `${prefix}${entry.name}/`, out);
  }
}

/** Zips files under their relative paths into `<name>.zip`. */
export async function zipFiles(name: string, files: { path: string; file: File }[]): Promise<File> {
  const total = files.reduce((n, f) => n + f.file.size, 0);
  if (total > MAX_FOLDER_BYTES) throw new Error(`${name} holds ${(total / 1024 / 1024).toFixed(0)} MB; drop at most 512 MB at once, or zip it first`);
  const tree: Record<string, Uint8Array> = {};
  for (const f of files) tree[f.path] = new Uint8Array(await f.file.arrayBuffer());
  // sample files are already compact JSON/WAV: store, do not spend time deflating
  const zip = zipSync(tree, { level: 0 });
  return new File([zip.buffer as ArrayBuffer], `${name}.zip`, { type: 'application/zip' });
}

/**
 * What a drop holds: plain files as they are, each dropped folder as one zip. Must be called
 * during the drop event (the browser forgets the entries afterwards); the reading is async.
 */
export function filesOfDrop(data: DataTransfer): Promise<File[]> {
  const items = Array.from(data.items ?? []);
  const entries = items.map((i) => (i.kind === 'file' ? (i.webkitGetAsEntry?.() as Entry | null) : null));
  const plain = Array.from(data.files);
  if (!entries.some((e) => e?.isDirectory)) return Promise.resolve(plain.filter((f) => f.size > 0 || f.type !== '' || /\.\w+$/.test(f.name)));
  return (async () => {
    const out: File[] = [];
    for (const [i, e] of entries.entries()) {
      if (e?.isDirectory) {
        const files: { path: string; file: File }[] = [];
        await walk(e, '', files);
        out.push(await zipFiles(e.name, files));
      } else if (plain[i]) out.push(plain[i]);
    }
    return out;
  })();
}

/** Files from a folder picker (`webkitdirectory`): one zip named after the folder. */
export async function filesOfPickedFolder(files: File[]): Promise<File[]> {
  const withPath = files.map((f) => ({ path: (f as File & { webkitRelativePath?: string }).webkitRelativePath || f.name, file: f }));
  const name = withPath[0]?.path.split('/')[0] || 'folder';
  return [
    await zipFiles(
      name,
      withPath.filter((f) => !f.path.split('/').some((s) => s.startsWith('.'))),
    ),
  ];
}
