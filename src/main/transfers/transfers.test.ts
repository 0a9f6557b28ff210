import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { confinedPath, Transfers, TRANSFERS_FOLDER } from '.';

let home: string;
let transfers: Transfers;

beforeEach(() => {
  home = mkdtempSync(path.join(os.tmpdir(), 'kiln-transfers-'));
  transfers = new Transfers(home, { maxUploadBytes: 1000 });
});
afterEach(() => transfers.dispose());

const read = (s: Readable) =>
  new Promise<Buffer>((resolve, reject) => {
    const parts: Buffer[] = [];
    s.on('data', (c: Buffer) => parts.push(c));
    s.on('end', () => resolve(Buffer.concat(parts)));
    s.on('error', reject);
  });

describe('downloads', () => {
  it('serves an offered download once, under an unguessable id, and removes its file after', async () => {
    const offer = transfers.offerDownload({ fileName: '../../model.onnx', mime: 'application/octet-stream', bytes: new Uint8Array([7, 8, 9]) });
    expect(offer).toMatchObject({ fileName: 'model.onnx', bytes: 3 });
    expect(offer.downloadId).toMatch(/^[\w-]{22}$/);
    const d = transfers.takeDownload(offer.downloadId);
    expect([...(await read(d.open()))]).toEqual([7, 8, 9]);
    d.done();
    expect(() => transfers.takeDownload(offer.downloadId)).toThrow(/Unknown or expired download/);
    expect(readdirSync(transfers.dir)).toEqual([]);
  });

  it('expires downloads nobody fetched, removing what it owns and keeping what it does not', () => {
    const owned = path.join(transfers.dir, 'export.zip');
    writeFileSync(owned, 'zip');
    const kept = path.join(home, 'kept.bin');
    writeFileSync(kept, 'mine');
    const a = transfers.offerDownload({ fileName: 'export.zip', mime: 'application/zip', filePath: owned, removeAfter: true });
    const b = transfers.offerDownload({ fileName: 'kept.bin', mime: 'application/octet-stream', filePath: kept });
    transfers.expire(Date.now() + 11 * 60_000);
    expect(() => transfers.takeDownload(a.downloadId)).toThrow(/expired/);
    expect(() => transfers.takeDownload(b.downloadId)).toThrow(/expired/);
    expect(existsSync(owned)).toBe(false);
    expect(existsSync(kept)).toBe(true);
  });

  it('saves with a dialog only where the host has one (the desktop app)', async () => {
    const offer = transfers.offerDownload({ fileName: 'm.onnx', mime: 'application/octet-stream', bytes: new Uint8Array([1]) });
    await expect(transfers.saveWithDialog(offer.downloadId)).rejects.toThrow(/desktop app/);
    const target = path.join(home, 'chosen.onnx');
    const asked: string[] = [];
    transfers.setDialogs({ saveFile: async (name) => (asked.push(name), target), openFile: async () => null });
    expect(await transfers.saveWithDialog(offer.downloadId)).toEqual({ savedTo: target });
    expect(asked).toEqual(['m.onnx']);
    expect([...readFileSync(target)]).toEqual([1]);
    const cancelled = transfers.offerDownload({ fileName: 'x.onnx', mime: 'application/octet-stream', bytes: new Uint8Array([1]) });
    transfers.setDialogs({ saveFile: async () => null, openFile: async () => null });
    expect(await transfers.saveWithDialog(cancelled.downloadId)).toEqual({ savedTo: null });
    // cancelling keeps the offer for another try
    expect(transfers.takeDownload(cancelled.downloadId).bytes).toBe(1);
  });
});

describe('uploads', () => {
  it('takes an HTTP body within the size limit, and refuses (leaving nothing) beyond it', async () => {
    const r = await transfers.receiveUpload('a/b\\c.csv', Readable.from([Buffer.from('x,y\n'), Buffer.from('1,2\n')]));
    expect(r.bytes).toBe(8);
    const taken = transfers.take(r.uploadId);
    expect(taken.fileName).toBe('c.csv');
    expect(readFileSync(taken.file, 'utf8')).toBe('x,y\n1,2\n');
    transfers.discard(r.uploadId);
    expect(existsSync(taken.file)).toBe(false);
    await expect(transfers.receiveUpload('big.bin', Readable.from([Buffer.alloc(600), Buffer.alloc(600)]))).rejects.toThrow(/big.bin is larger than/);
    expect(readdirSync(transfers.dir)).toEqual([]);
  });

  it('takes chunks in order and refuses an upload larger than the limit', () => {
    expect(() => transfers.begin('huge.bin', 5000)).toThrow(/larger than/);
    const { uploadId } = transfers.begin('x.bin', 4);
    expect(() => transfers.take(uploadId)).toThrow(/incomplete/);
    transfers.chunk(uploadId, 0, 'AAECAw==');
    expect(readFileSync(transfers.take(uploadId).file)).toEqual(Buffer.from([0, 1, 2, 3]));
  });

  it('expires uploads no service took, but not one a job is using', async () => {
    const idle = (await transfers.receiveUpload('idle.csv', Readable.from([Buffer.from('1')]))).uploadId;
    const busy = (await transfers.receiveUpload('busy.csv', Readable.from([Buffer.from('2')]))).uploadId;
    transfers.take(busy);
    transfers.expire(Date.now() + 2 * 60 * 60_000);
    expect(() => transfers.take(idle)).toThrow(/Unknown upload/);
    expect(readFileSync(transfers.take(busy).file, 'utf8')).toBe('2');
  });

  it('opens with the desktop dialog by copying the chosen file in', async () => {
    const source = path.join(home, 'picked.kiln');
    writeFileSync(source, 'project');
    transfers.setDialogs({ saveFile: async () => null, openFile: async () => source });
    const r = await transfers.openWithDialog({ extensions: ['kiln'] });
    expect(r).toMatchObject({ fileName: 'picked.kiln', bytes: 7 });
    const taken = transfers.take(r!.uploadId);
    expect(taken.file).not.toBe(source);
    transfers.discard(r!.uploadId);
    expect(existsSync(source)).toBe(true);
  });

  it('keeps its files under the home, removes them on dispose, and sweeps what a dead run left', () => {
    expect(path.dirname(transfers.dir)).toBe(path.join(home, TRANSFERS_FOLDER));
    const leftover = path.join(home, TRANSFERS_FOLDER, 'run-999999999-deadbeef');
    mkdirSync(leftover);
    writeFileSync(path.join(leftover, 'upload-x'), 'old');
    const second = new Transfers(home);
    expect(existsSync(leftover)).toBe(false);
    // a live run's folder is left alone
    expect(existsSync(transfers.dir)).toBe(true);
    second.dispose();
    expect(existsSync(second.dir)).toBe(false);
  });
});

describe('confinedPath', () => {
  it('keeps a relative path inside the folder', () => {
    const base = path.join(home, 'exports');
    mkdirSync(base);
    expect(confinedPath(base, 'lab/2026', 'out')).toBe(path.join(base, 'lab', '2026'));
  });

  it('refuses "..", absolute paths and symbolic links that lead out of the folder', () => {
    const base = path.join(home, 'exports');
    mkdirSync(base);
    const outside = mkdtempSync(path.join(os.tmpdir(), 'kiln-outside-'));
    symlinkSync(outside, path.join(base, 'escape'));
    symlinkSync(path.join(outside, 'not-yet'), path.join(base, 'dangling'));
    symlinkSync(path.join(base, 'inner'), path.join(base, 'inside-link'));
    mkdirSync(path.join(base, 'inner'));
    expect(() => confinedPath(base, '../x', 'out')).toThrow(/out: ".." is not allowed/);
    expect(() => confinedPath(base, 'a/../../x', 'out')).toThrow(/".." is not allowed/);
    expect(() => confinedPath(base, '/etc/cron.d', 'out')).toThrow(/not an absolute path/);
    expect(() => confinedPath(base, 'escape/x', 'out')).toThrow(/leads outside/);
    expect(() => confinedPath(base, 'escape', 'out')).toThrow(/leads outside/);
    expect(() => confinedPath(base, 'dangling/x', 'out')).toThrow(/broken symbolic link/);
    expect(() => confinedPath(base, 'a\u0000b', 'out')).toThrow(/NUL/);
    expect(confinedPath(base, 'inside-link/x', 'out')).toBe(path.join(base, 'inner', 'x'));
  });
});
