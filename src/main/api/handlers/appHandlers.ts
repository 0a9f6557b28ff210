import type { Handlers } from '../dispatcher';
import type { Services } from '../../app/services';
import { KILN_VERSION } from '../../app/version';

export function appHandlers(s: Services): Pick<Handlers, 'app.info' | 'uploads.begin' | 'uploads.chunk' | 'uploads.discard'> {
  return {
    'app.info': () => ({ name: 'Kiln' as const, version: KILN_VERSION, home: s.home.dir, host: s.host, platform: process.platform }),
    'uploads.begin': ({ fileName, size }) => s.uploads.begin(fileName, size),
    'uploads.chunk': ({ uploadId, offset, base64 }) => s.uploads.chunk(uploadId, offset, base64),
    'uploads.discard': ({ uploadId }) => {
      s.uploads.discard(uploadId);
      return {};
    },
  };
}
