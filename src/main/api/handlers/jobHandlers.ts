import type { Handlers } from '../dispatcher';
import type { Services } from '../../app/services';

export function jobHandlers(s: Services): Pick<Handlers, 'jobs.list' | 'jobs.get' | 'jobs.cancel'> {
  return {
    'jobs.list': ({ project }) => s.jobs.list(project),
    'jobs.get': ({ jobId }) => s.jobs.get(jobId),
    'jobs.cancel': ({ jobId }) => s.jobs.cancel(jobId),
  };
}
