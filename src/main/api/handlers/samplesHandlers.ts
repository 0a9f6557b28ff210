import type { Handlers } from '../dispatcher';
import type { Services } from '../../app/services';
import type { samplesMethods } from '../../../shared/api/samples';

export function samplesHandlers(_s: Services): Pick<Handlers, keyof typeof samplesMethods> {
  return {};
}
