import type { Handlers } from '../dispatcher';
import type { Services } from '../../app/services';
import type { liveMethods } from '../../../shared/api/live';

export function liveHandlers(s: Services): Pick<Handlers, keyof typeof liveMethods> {
  return {
    'live.check': ({ project }) => s.live.check(project),
    'live.start': ({ project, source }) => s.live.start(project, source),
    'live.stop': async ({ sessionId }) => ({ stopped: await s.live.stop(sessionId) }),
    'live.setVariant': ({ sessionId, variant }) => ({ variant: s.live.setVariant(sessionId, variant) }),
    'live.sessions': () => s.live.list(),
  };
}
