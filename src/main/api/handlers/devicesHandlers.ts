import type { Handlers } from '../dispatcher';
import type { Services } from '../../app/services';
import type { devicesMethods } from '../../../shared/api/devices';

export function devicesHandlers(_s: Services): Pick<Handlers, keyof typeof devicesMethods> {
  return {};
}
