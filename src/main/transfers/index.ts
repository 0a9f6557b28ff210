/**
 * Transfers: how files reach the page and come back from it without the page ever naming a
 * path on this machine. One instance per set of services (`services.transfers`).
 *
 * A service that produces a file offers it:
 *
 *     const { downloadId, fileName, bytes } = services.transfers.offerDownload({ fileName: 'model.onnx', mime: 'application/octet-stream', bytes });
 *     // or { fileName, mime, filePath, removeAfter: true } for a file it wrote into `transfers.dir`
 *
 * and returns `{ downloadId, fileName }` to the page. Ids are 128 random bits, a download can be
 * fetched once and expires after DOWNLOAD_TTL_MS. The page calls `download(offer)` from
 * `src/renderer/api`: in the web shell an authenticated `GET /transfers/downloads/<id>`
 * (`Authorization: Bearer <token>`), in Electron the `transfers.save` method, which asks where to
 * save with a dialog in the main process.
 *
 * A page sends a file with `upload(file)` from `src/renderer/api` (web shell: `POST
 * /transfers/uploads?name=<file name>` with the body and the Bearer token → `{ uploadId }`;
 * Electron: base64 chunks over `uploads.begin` / `uploads.chunk`), or in Electron picks one with
 * `transfers.open` (a dialog in the main process). A method then takes the `uploadId`; its
 * service calls `take(uploadId)` → `{ file, fileName }`, owns the file, and calls
 * `discard(uploadId)` when done. Uploads are limited to MAX_UPLOAD_BYTES and expire after
 * UPLOAD_TTL_MS if no service takes them.
 *
 * Where an API method must still accept a path, `confinedPath(base, rel, field)` keeps it inside
 * a folder of the home (no absolute path, no `..`, no symbolic link out).
 */
export {
  DOWNLOAD_TTL_MS,
  MAX_UPLOAD_BYTES,
  TRANSFERS_FOLDER,
  Transfers,
  UPLOAD_CHUNK_SIZE,
  UPLOAD_TTL_MS,
  safeFileName,
  type DownloadOffer,
  type OfferedDownload,
  type TakenDownload,
  type TransferDialogs,
  type TransfersOptions,
} from './transfers';
export { confinedPath } from './confinedPath';
