/**
 * Uploads live in the transfer service now (src/main/transfers); this name stays for the
 * services that take an `uploadId` (datasets, projects).
 */
export { Transfers as Uploads, UPLOAD_CHUNK_SIZE } from '../transfers';
