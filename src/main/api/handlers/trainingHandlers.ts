import type { Handlers } from '../dispatcher';
import type { Services } from '../../app/services';
import type { trainingMethods } from '../../../shared/api/training';

export function trainingHandlers(_s: Services): Pick<Handlers, keyof typeof trainingMethods> {
  return {};
}
