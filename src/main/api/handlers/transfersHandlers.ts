import type { Handlers } from '../dispatcher';
import type { Services } from '../../app/services';

/** The desktop app's dialogs for downloads and uploads (see src/main/transfers). */
export function transfersHandlers(s: Services): Pick<Handlers, 'transfers.save' | 'transfers.open'> {
  return {
    'transfers.save': ({ downloadId }) => s.transfers.saveWithDialog(downloadId),
    'transfers.open': ({ title, extensions }) => s.transfers.openWithDialog({ ...(title ? { title } : {}), ...(extensions ? { extensions } : {}) }),
  };
}
