/**
 * How files move between the page and Kiln, per host — never as a path the page names.
 * Web shell: authenticated HTTP (`POST /transfers/uploads`, `GET /transfers/downloads/<id>`, the
 * per-run token as a Bearer header). Electron: uploads as base64 chunks over the API, downloads
 * saved with a dialog in the main process (`transfers.save`).
 */
import type { ArgsOf, Method, ResultOf } from '../../shared/api/contract';
import type { DownloadOfferInfo } from '../../shared/api/transfers';

export interface FileTransport {
  /** sends a file; resolves with the upload id that a method (`projects.import`, `samples.import`…) takes */
  upload(file: Blob & { name: string }, onProgress?: (fraction: number) => void): Promise<string>;
  /** fetches an offered download and hands it to the user; `savedTo` is null when they cancelled */
  download(offer: DownloadOfferInfo): Promise<{ savedTo: string | null }>;
}

type Call = <M extends Method>(method: M, args: ArgsOf<M>) => Promise<ResultOf<M>>;

/** Electron (and tests): chunks over the API; downloads through the main process's save dialog. */
export function apiFileTransport(call: Call): FileTransport {
  return {
    async upload(file, onProgress) {
      const { uploadId, chunkSize } = await call('uploads.begin', { fileName: file.name, size: file.size });
      let offset = 0;
      while (offset < file.size) {
        const slice = new Uint8Array(await file.slice(offset, offset + chunkSize).arrayBuffer());
        await call('uploads.chunk', { uploadId, offset, base64: toBase64(slice) });
        offset += slice.length;
        onProgress?.(offset / Math.max(1, file.size));
      }
      onProgress?.(1);
      return uploadId;
    },
    download: (offer) => call('transfers.save', { downloadId: offer.downloadId }),
  };
}

/** The web shell: one HTTP request per file, with the token as a Bearer header. */
export function httpFileTransport(token: string, origin = ''): FileTransport {
  return {
    upload(file, onProgress) {
      return new Promise((resolve, reject) => {
        const xhr = new XMLHttpRequest();
        xhr.open('POST', `${origin}/transfers/uploads?name=${encodeURIComponent(file.name)}`);
        xhr.setRequestHeader('authorization', `Bearer ${token}`);
        xhr.setRequestHeader('content-type', 'application/octet-stream');
        xhr.upload.onprogress = (e) => {
          if (e.lengthComputable) onProgress?.(e.loaded / Math.max(1, e.total));
        };
        xhr.onload = () => {
          if (xhr.status !== 200) return reject(new Error(xhr.responseText || `Upload of ${file.name} failed (HTTP ${xhr.status})`));
          onProgress?.(1);
          resolve((JSON.parse(xhr.responseText) as { uploadId: string }).uploadId);
        };
        xhr.onerror = () => reject(new Error(`Upload of ${file.name} failed: lost the connection to Kiln`));
        xhr.send(file);
      });
    },
    async download(offer) {
      const res = await fetch(`${origin}/transfers/downloads/${encodeURIComponent(offer.downloadId)}`, { headers: { authorization: `Bearer ${token}` } });
      if (!res.ok) throw new Error((await res.text()) || `Download of ${offer.fileName} failed (HTTP ${res.status})`);
      const url = URL.createObjectURL(await res.blob());
      const a = document.createElement('a');
      a.href = url;
      a.download = offer.fileName;
      a.rel = 'noopener';
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      return { savedTo: offer.fileName };
    },
  };
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const step = 0x8000;
  for (let i = 0; i < bytes.length; i += step) binary += String.fromCharCode(...bytes.subarray(i, i + step));
  return btoa(binary);
}
