/**
 * The studio's typed API client. The host's transport (Electron IPC bridge or the web shell's
 * WebSocket) is injected, so the same client and stores run in both.
 */
import type { ArgsOf, EventMap, EventName, Method, ResultOf } from '../../shared/api/contract';
import type { ApiError } from '../../shared/api/errors';
import type { Transport } from '../../shared/api/transport';

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
}

export function createClient(transport: Transport): KilnClient {
  return {
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
  };
}

/** Sends a browser File as base64 chunks; returns the upload id for the method that takes it. */
export async function uploadFile(client: KilnClient, file: Blob & { name: string }, onProgress?: (fraction: number) => void): Promise<string> {
  const { uploadId, chunkSize } = await client.call('uploads.begin', { fileName: file.name, size: file.size });
  let offset = 0;
  while (offset < file.size) {
    const slice = new Uint8Array(await file.slice(offset, offset + chunkSize).arrayBuffer());
    await client.call('uploads.chunk', { uploadId, offset, base64: toBase64(slice) });
    offset += slice.length;
    onProgress?.(offset / Math.max(1, file.size));
  }
  onProgress?.(1);
  return uploadId;
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const step = 0x8000;
  for (let i = 0; i < bytes.length; i += step) binary += String.fromCharCode(...bytes.subarray(i, i + step));
  return btoa(binary);
}
