import type { Handlers } from '../dispatcher';
import type { Services } from '../../app/services';
import type { versionsMethods } from '../../../shared/api/versions';

export function versionsHandlers(s: Services): Pick<Handlers, keyof typeof versionsMethods> {
  const v = s.versions;
  return {
    'versions.list': ({ project }) => v.list(project),
    'versions.create': ({ project, message }) => v.create(project, message),
    'versions.diff': ({ project, from, to }) => v.diff(project, from, to),
    'versions.restore': ({ project, id }) => v.restore(project, id),
    'versions.export': ({ project, id }) => v.export(project, id),
    'projectSpec.export': ({ project }) => s.projectSpec.exportSpec(project),
    'projectSpec.apply': ({ project, document, source }) => s.projectSpec.applySpec(project, document, source),
  };
}
