import type { KilnClient } from './client';

let current: KilnClient | null = null;

/** Installs the client the stores use (done once at start-up, or by a test). */
export function setClient(client: KilnClient): void {
  current = client;
}

export function api(): KilnClient {
  if (!current) throw new Error('Kiln API client not set');
  return current;
}

export { ApiCallError, createClient, uploadFile, type KilnClient } from './client';
export { apiFileTransport, httpFileTransport, type FileTransport } from './fileTransport';
