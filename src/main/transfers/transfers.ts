/**
 * Files moving between the studio page and the services without a file system path from the
 * page: downloads a service offers (single use, expire after a few minutes, unguessable ids),
 * and uploads a page sends (HTTP body in the web shell, base64 chunks over IPC in Electron, or a
 * file the Electron main process picked with its own dialog). Everything lives in a private
 * folder under the Kiln home, removed on dispose; leftovers of a crashed run are swept at start.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  copyFileSync,
  createReadStream,
  createWriteStream,
  mkdirSync,
  openSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { KilnError } from '../../shared/errors';

export const UPLOAD_CHUNK_SIZE = 1024 * 1024;
export const MAX_UPLOAD_BYTES = 4 * 1024 * 1024 * 1024;
/** a download not fetched within this time is removed */
export const DOWNLOAD_TTL_MS = 10 * 60_000;
/** an upload no service took within this time is removed */
export const UPLOAD_TTL_MS = 60 * 60_000;
/** folder under the Kiln home that holds the transfers of every run */
export const TRANSFERS_FOLDER = '.transfers';
const STALE_RUN_MS = 24 * 60 * 60_000;

/** What a service offers for download: bytes in memory, or a file it wrote (removed after use when `removeAfter`). */
export type DownloadOffer = { fileName: string; mime: string } & ({ bytes: Uint8Array } | { filePath: string; removeAfter?: boolean });

export interface OfferedDownload {
  downloadId: string;
  fileName: string;
  bytes: number;
}

/** A download being served: read it once with `open()`, then `done()` frees it. */
export interface TakenDownload {
  fileName: string;
  mime: string;
  bytes: number;
  open(): Readable;
  done(): void;
}

/** Dialogs of the host (Electron main process); absent in the web shell and the CLI. */
export interface TransferDialogs {
  /** asks where to save; null when the user cancels */
  saveFile(defaultName: string): Promise<string | null>;
  /** asks for a file to open; null when the user cancels */
  openFile(options: { title?: string; extensions?: string[] }): Promise<string | null>;
}

interface Download {
  fileName: string;
  mime: string;
  file: string;
  bytes: number;
  removeAfter: boolean;
  expires: number;
}

interface Upload {
  fileName: string;
  size: number;
  received: number;
  file: string;
  expires: number;
}

export interface TransfersOptions {
  maxUploadBytes?: number;
  downloadTtlMs?: number;
  uploadTtlMs?: number;
}

export class Transfers {
  readonly dir: string;
  private readonly downloads = new Map<string, Download>();
  private readonly uploads = new Map<string, Upload>();
  private readonly sweeper: NodeJS.Timeout;
  private readonly maxUploadBytes: number;
  private dialogs: TransferDialogs | null = null;

  constructor(
    homeDir: string,
    private readonly options: TransfersOptions = {},
  ) {
    const parent = path.join(homeDir, TRANSFERS_FOLDER);
    mkdirSync(parent, { recursive: true });
    sweepStaleRuns(parent);
    this.dir = path.join(parent, `run-${process.pid}-${newId().slice(0, 8)}`);
    mkdirSync(this.dir, { mode: 0o700 });
    this.maxUploadBytes = options.maxUploadBytes ?? MAX_UPLOAD_BYTES;
    this.sweeper = setInterval(() => this.expire(), 30_000);
    this.sweeper.unref();
  }

  /** Installed by the Electron host: save/open dialogs in the main process. */
  setDialogs(dialogs: TransferDialogs | null): void {
    this.dialogs = dialogs;
  }

  // ── downloads ────────────────────────────────────────────────────────────────────────────

  offerDownload(offer: DownloadOffer): OfferedDownload {
    const downloadId = newId();
    const fileName = safeFileName(offer.fileName);
    let file: string;
    let removeAfter: boolean;
    if ('bytes' in offer) {
      file = path.join(this.dir, `download-${downloadId}`);
      writeFileSync(file, offer.bytes, { mode: 0o600 });
      removeAfter = true;
    } else {
      file = offer.filePath;
      removeAfter = offer.removeAfter === true;
    }
    const bytes = statSync(file).size;
    this.downloads.set(downloadId, {
      fileName,
      mime: offer.mime,
      file,
      bytes,
      removeAfter,
      expires: Date.now() + (this.options.downloadTtlMs ?? DOWNLOAD_TTL_MS),
    });
    return { downloadId, fileName, bytes };
  }

  /** Takes a download for serving; it cannot be taken again. */
  takeDownload(downloadId: string): TakenDownload {
    const d = this.downloads.get(downloadId);
    if (!d || d.expires < Date.now()) throw new KilnError('NOT_FOUND', 'Unknown or expired download; export it again');
    this.downloads.delete(downloadId);
    return {
      fileName: d.fileName,
      mime: d.mime,
      bytes: d.bytes,
      open: () => createReadStream(d.file),
      done: () => {
        if (d.removeAfter) rmSync(d.file, { force: true });
      },
    };
  }

  /** Electron: asks where to save a download and writes it there; null when the user cancels. */
  async saveWithDialog(downloadId: string): Promise<{ savedTo: string | null }> {
    if (!this.dialogs) throw new KilnError('UNSUPPORTED', 'Saving with a dialog works in the desktop app; the browser downloads over HTTP');
    const d = this.downloads.get(downloadId);
    if (!d) throw new KilnError('NOT_FOUND', 'Unknown or expired download; export it again');
    const target = await this.dialogs.saveFile(d.fileName);
    if (!target) return { savedTo: null };
    const taken = this.takeDownload(downloadId);
    try {
      copyFileSync(d.file, target);
    } catch (e) {
      throw new KilnError('BAD_FILE', `Cannot write ${target}: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      taken.done();
    }
    return { savedTo: target };
  }

  // ── uploads ──────────────────────────────────────────────────────────────────────────────

  /** Chunked upload (IPC): announces a file; chunks follow with `chunk`. */
  begin(fileName: string, size: number): { uploadId: string; chunkSize: number } {
    if (size > this.maxUploadBytes) throw new KilnError('BAD_FILE', `${fileName} is larger than ${formatLimit(this.maxUploadBytes)}`);
    const uploadId = newId();
    const file = path.join(this.dir, `upload-${uploadId}`);
    closeSync(openSync(file, 'wx', 0o600));
    this.uploads.set(uploadId, { fileName: safeFileName(fileName), size, received: 0, file, expires: this.uploadExpiry() });
    return { uploadId, chunkSize: UPLOAD_CHUNK_SIZE };
  }

  chunk(uploadId: string, offset: number, base64: string): { received: number } {
    const u = this.requireUpload(uploadId);
    if (offset !== u.received) throw new KilnError('BAD_REQUEST', `Upload ${u.fileName}: expected offset ${u.received}, got ${offset}`);
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) throw new KilnError('BAD_REQUEST', `Upload ${u.fileName}: chunk is not base64`);
    const bytes = Buffer.from(base64, 'base64');
    if (u.received + bytes.length > u.size) throw new KilnError('BAD_REQUEST', `Upload ${u.fileName}: more bytes than announced (${u.size})`);
    const fd = openSync(u.file, 'r+');
    try {
      writeSync(fd, bytes, 0, bytes.length, offset);
    } finally {
      closeSync(fd);
    }
    u.received += bytes.length;
    u.expires = this.uploadExpiry();
    return { received: u.received };
  }

  /**
   * Whole-body upload (the web shell's `POST /transfers/uploads`): streams the body into the
   * transfer folder, refusing (and removing the part) beyond the size limit.
   */
  async receiveUpload(fileName: string, body: Readable): Promise<{ uploadId: string; bytes: number }> {
    const uploadId = newId();
    const file = path.join(this.dir, `upload-${uploadId}`);
    const out = createWriteStream(file, { flags: 'wx', mode: 0o600 });
    let bytes = 0;
    try {
      await new Promise<void>((resolve, reject) => {
        body.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (bytes > this.maxUploadBytes) {
            body.pause();
            reject(new KilnError('BAD_FILE', `${fileName} is larger than ${formatLimit(this.maxUploadBytes)}`));
            return;
          }
          if (!out.write(chunk)) {
            body.pause();
            out.once('drain', () => body.resume());
          }
        });
        body.on('end', () => resolve());
        body.on('error', reject);
        body.on('aborted', () => reject(new KilnError('BAD_REQUEST', `Upload of ${fileName} was interrupted`)));
        out.on('error', reject);
      });
      await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
    } catch (e) {
      out.destroy();
      rmSync(file, { force: true });
      throw e;
    }
    this.uploads.set(uploadId, { fileName: safeFileName(fileName), size: bytes, received: bytes, file, expires: this.uploadExpiry() });
    return { uploadId, bytes };
  }

  /** Electron: asks for a file with the host's dialog and copies it in as an upload; null when cancelled. */
  async openWithDialog(options: { title?: string; extensions?: string[] }): Promise<{ uploadId: string; fileName: string; bytes: number } | null> {
    if (!this.dialogs) throw new KilnError('UNSUPPORTED', 'Opening with a dialog works in the desktop app; the browser uploads over HTTP');
    const source = await this.dialogs.openFile(options);
    if (!source) return null;
    const size = statSync(source).size;
    if (size > this.maxUploadBytes) throw new KilnError('BAD_FILE', `${path.basename(source)} is larger than ${formatLimit(this.maxUploadBytes)}`);
    const uploadId = newId();
    const file = path.join(this.dir, `upload-${uploadId}`);
    copyFileSync(source, file);
    const fileName = safeFileName(path.basename(source));
    this.uploads.set(uploadId, { fileName, size, received: size, file, expires: this.uploadExpiry() });
    return { uploadId, fileName, bytes: size };
  }

  /** Path and name of a complete upload; the caller owns the file until it calls `discard`. */
  take(uploadId: string): { file: string; fileName: string } {
    const u = this.requireUpload(uploadId);
    if (u.received !== u.size || statSync(u.file).size !== u.size) {
      throw new KilnError('BAD_REQUEST', `Upload ${u.fileName} is incomplete (${u.received} of ${u.size} bytes)`);
    }
    // taken: a running job owns it now; it must not expire under the job
    u.expires = Number.POSITIVE_INFINITY;
    return { file: u.file, fileName: u.fileName };
  }

  discard(uploadId: string): void {
    const u = this.uploads.get(uploadId);
    if (!u) return;
    this.uploads.delete(uploadId);
    rmSync(u.file, { force: true });
  }

  /** Removes expired downloads and uploads (also runs every 30 s). */
  expire(now = Date.now()): void {
    for (const [id, d] of this.downloads) {
      if (d.expires >= now) continue;
      this.downloads.delete(id);
      if (d.removeAfter) rmSync(d.file, { force: true });
    }
    for (const [id, u] of this.uploads) if (u.expires < now) this.discard(id);
  }

  dispose(): void {
    clearInterval(this.sweeper);
    for (const d of this.downloads.values()) if (d.removeAfter) rmSync(d.file, { force: true });
    this.downloads.clear();
    this.uploads.clear();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private uploadExpiry(): number {
    return Date.now() + (this.options.uploadTtlMs ?? UPLOAD_TTL_MS);
  }

  private requireUpload(uploadId: string): Upload {
    const u = this.uploads.get(uploadId);
    if (!u) throw new KilnError('NOT_FOUND', 'Unknown upload (it may have expired); send the file again');
    return u;
  }
}

/** 128 random bits, URL-safe. */
function newId(): string {
  return randomBytes(16).toString('base64url');
}

/** A file name for display and Content-Disposition: the last path part, no control characters. */
export function safeFileName(name: string): string {
  const last = name.split(/[/\\]/).pop()!;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
  const base = last.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return base && base !== '.' && base !== '..' ? base.slice(0, 255) : 'file';
}

function formatLimit(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${+(bytes / 1024 ** 3).toFixed(1)} GB` : `${+(bytes / 1024 ** 2).toFixed(1)} MB`;
}

function sweepStaleRuns(parent: string): void {
  for (const entry of readdirSync(parent, { withFileTypes: true })) {
    if (!entry.isDirectory() || !entry.name.startsWith('run-')) continue;
    const dir = path.join(parent, entry.name);
    const pid = Number(entry.name.split('-')[1]);
    let stale: boolean;
    try {
      stale = Date.now() - statSync(dir).mtimeMs > STALE_RUN_MS || !processAlive(pid);
    } catch {
      continue;
    }
    if (stale) rmSync(dir, { recursive: true, force: true });
  }
}

function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
