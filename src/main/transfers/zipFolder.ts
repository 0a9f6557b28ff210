/**
 * Packs a folder into a .zip file (deflate), streaming one file at a time so a large export
 * never sits in memory whole; yields to the event loop between files.
 */
import { createWriteStream, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Zip, ZipDeflate } from 'fflate';

/** Writes every file under `dir` into `zipFile` with paths relative to `dir` (forward slashes). */
export async function zipFolder(dir: string, zipFile: string, onFile?: (done: number, total: number) => void): Promise<number> {
  const files = (readdirSync(dir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((d) => d.isFile())
    .map((d) => path.join(d.parentPath, d.name))
    .sort();
  const out = createWriteStream(zipFile, { flags: 'wx', mode: 0o600 });
  const failed = new Promise<never>((_, reject) => out.on('error', reject));
  const finished = new Promise<void>((resolve, reject) => {
    const zip = new Zip((err, chunk, final) => {
      if (err) return reject(err);
      out.write(chunk);
      if (final) out.end(() => resolve());
    });
    void (async () => {
      try {
        for (let i = 0; i < files.length; i++) {
          const entry = new ZipDeflate(path.relative(dir, files[i]!).split(path.sep).join('/'), { level: 6 });
          zip.add(entry);
          entry.push(readFileSync(files[i]!), true);
          onFile?.(i + 1, files.length);
          await new Promise((r) => setImmediate(r));
        }
        zip.end();
      } catch (e) {
        reject(e);
      }
    })();
  });
  await Promise.race([finished, failed]);
  return files.length;
}
