/**
 * Files sent from a client in base64 chunks (works the same over IPC and WebSocket), kept in a
 * private temporary folder until a service takes them.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KilnError } from '../../shared/errors';

export const UPLOAD_CHUNK_SIZE = 1024 * 1024;
const MAX_UPLOAD_BYTES = 4 * 1024 * 1024 * 1024;

interface Upload {
  fileName: string;
  size: number;
  received: number;
  file: string;
}

export class Uploads {
  private readonly dir = mkdtempSync(path.join(os.tmpdir(), 'kiln-uploads-'));
  private readonly uploads = new Map<string, Upload>();

  begin(fileName: string, size: number): { uploadId: string; chunkSize: number } {
    if (size > MAX_UPLOAD_BYTES) throw new KilnError('BAD_FILE', `${fileName} is larger than 4 GB`);
    const uploadId = randomUUID();
    const file = path.join(this.dir, uploadId);
    closeSync(openSync(file, 'wx'));
    this.uploads.set(uploadId, { fileName: path.basename(fileName), size, received: 0, file });
    return { uploadId, chunkSize: UPLOAD_CHUNK_SIZE };
  }

  chunk(uploadId: string, offset: number, base64: string): { received: number } {
    const u = this.require(uploadId);
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
    return { received: u.received };
  }

  /** Path and name of a complete upload; the caller owns the file afterwards until `discard`. */
  take(uploadId: string): { file: string; fileName: string } {
    const u = this.require(uploadId);
    if (u.received !== u.size || statSync(u.file).size !== u.size) {
      throw new KilnError('BAD_REQUEST', `Upload ${u.fileName} is incomplete (${u.received} of ${u.size} bytes)`);
    }
    return { file: u.file, fileName: u.fileName };
  }

  discard(uploadId: string): void {
    const u = this.uploads.get(uploadId);
    if (!u) return;
    this.uploads.delete(uploadId);
    rmSync(u.file, { force: true });
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private require(uploadId: string): Upload {
    const u = this.uploads.get(uploadId);
    if (!u) throw new KilnError('NOT_FOUND', 'Unknown upload (it may have expired); send the file again');
    return u;
  }
}
