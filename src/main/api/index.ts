import type { Services } from '../app/services';
import { Dispatcher, type DispatcherOptions } from './dispatcher';
import { appHandlers } from './handlers/appHandlers';
import { jobHandlers } from './handlers/jobHandlers';
import { projectHandlers } from './handlers/projectHandlers';
import { devicesHandlers } from './handlers/devicesHandlers';
import { samplesHandlers } from './handlers/samplesHandlers';
import { impulseHandlers } from './handlers/impulseHandlers';
import { trainingHandlers } from './handlers/trainingHandlers';
import { liveHandlers } from './handlers/liveHandlers';
import { deployHandlers } from './handlers/deployHandlers';
import { transfersHandlers } from './handlers/transfersHandlers';
import { versionsHandlers } from './handlers/versionsHandlers';

export { Dispatcher, toApiError } from './dispatcher';
export { EventBus } from './eventBus';

/** The dispatcher over every domain's handlers. */
export function createDispatcher(services: Services, options: DispatcherOptions = {}): Dispatcher {
  return new Dispatcher(
    {
      ...appHandlers(services),
      ...projectHandlers(services),
      ...jobHandlers(services),
      ...devicesHandlers(services),
      ...samplesHandlers(services),
      ...impulseHandlers(services),
      ...trainingHandlers(services),
      ...liveHandlers(services),
      ...deployHandlers(services),
      ...transfersHandlers(services),
      ...versionsHandlers(services),
    },
    { afterCall: () => services.home.settle(), ...options },
  );
}
