import type { Handlers } from '../dispatcher';
import type { Services } from '../../app/services';
import type { impulseMethods } from '../../../shared/api/impulse';

export function impulseHandlers(_s: Services): Pick<Handlers, keyof typeof impulseMethods> {
  return {};
}
