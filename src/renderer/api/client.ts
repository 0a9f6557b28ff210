/**
 * The studio's typed API client. The host's transport (Electron IPC bridge or the web shell's
 * WebSocket) is injected, so the same client and stores run in both.
 */
import type { ArgsOf, EventMap, EventName, Method, ResultOf } from '../../shared/api/contract';
import type { ApiError } from '../../shared/api/errors';
import type { DownloadOfferInfo } from '../../shared/api/transfers';
import type { Transport } from '../../shared/api/transport';
import { apiFileTransport, type FileTransport } from './fileTransport';

export class ApiCallError extends Error {
  constructor(
    readonly method: string,
    readonly error: ApiError,
  ) {
    super(error.message);
    this.name = 'ApiCallError';
  }
  get code(): string {
    return this.error.code;
  }
}

export interface KilnClient {
  call<M extends Method>(method: M, args: ArgsOf<M>): Promise<ResultOf<M>>;
  on<E extends EventName>(name: E, handler: (payload: EventMap[E]) => void): () => void;
  /** sends a file (HTTP in the web shell, chunks over IPC in Electron); resolves with its upload id */
  upload(file: Blob & { name: string }, onProgress?: (fraction: number) => void): Promise<string>;
  /** hands an offered download to the user (browser download, or Electron's save dialog) */
  download(offer: DownloadOfferInfo): Promise<{ savedTo: string | null }>;
}

/** `files` defaults to chunks over the API (Electron, tests); the web shell passes `httpFileTransport`. */
export function createClient(transport: Transport, files?: FileTransport): KilnClient {
  const client: KilnClient = {
    async call(method, args) {
      const response = await transport.call(method, args);
      if (!response.ok) throw new ApiCallError(method, response.error);
      return response.result as never;
    },
    on(name, handler) {
      return transport.subscribe((event) => {
        if (event.name === name) handler(event.payload as never);
      });
    },
    upload: (file, onProgress) => fileTransport.upload(file, onProgress),
    download: (offer) => fileTransport.download(offer),
  };
  const fileTransport = files ?? apiFileTransport(client.call);
  return client;
}

/** Sends a browser File; returns the upload id for the method that takes it. */
export function uploadFile(client: KilnClient, file: Blob & { name: string }, onProgress?: (fraction: number) => void): Promise<string> {
  return client.upload(file, onProgress);
}
