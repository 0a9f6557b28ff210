import type { Handlers } from '../dispatcher';
import type { Services } from '../../app/services';
import type { deployMethods } from '../../../shared/api/deploy';

/** Thin: validation is done by the contract, the work by the export service. */
export function deployHandlers(s: Services): Pick<Handlers, keyof typeof deployMethods> {
  const d = s.deploy;
  return {
    'deploy.options': ({ project }) => d.options(project),
    'deploy.estimate': ({ project, format, precision, board }) => d.estimate(project, { format, precision, board }),
    'deploy.build': ({ project, format, precision, board }) => d.startBuild(project, { format, precision, ...(board !== undefined ? { board } : {}) }),
    'deploy.list': ({ project }) => d.list(project),
    'deploy.download': ({ project, id }) => d.download(project, id),
    'deploy.delete': ({ project, id }) => d.delete(project, id),
  };
}
