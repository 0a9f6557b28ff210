import type { Handlers } from '../dispatcher';
import { startProjectImport } from '../../app/projectImport';
import type { Services } from '../../app/services';
import type { ProjectInfo } from '../../../shared/api/projects';
import { existsSync, statSync } from 'node:fs';

type ProjectMethods = Pick<
  Handlers,
  | 'projects.list'
  | 'projects.create'
  | 'projects.rename'
  | 'projects.duplicate'
  | 'projects.delete'
  | 'projects.restore'
  | 'projects.import'
  | 'projects.info'
  | 'projects.codeTrust'
  | 'projects.setCodeTrust'
>;

export function projectHandlers(s: Services): ProjectMethods {
  const changed = () => s.events.emit('projects.changed', {});
  return {
    'projects.list': () => s.home.list(),
    'projects.create': async ({ name, demo }) => {
      const db = s.home.create(name);
      // made here: its custom code will be the user's own
      s.pipeline.setCodeTrust(db.file, true);
      if (demo) {
        const { fillDemoProject } = await import('../../app/demoProjects');
        await fillDemoProject(db, demo);
      }
      changed();
      return s.home.summary(db.file);
    },
    'projects.rename': ({ name, newName }) => {
      const file = s.home.rename(name, newName);
      changed();
      return s.home.summary(file);
    },
    'projects.duplicate': ({ name, newName }) => {
      s.home.get(name);
      const job = s.jobs.start('project.duplicate', `Duplicate ${name} as ${newName}`, null, async (ctx) => {
        const file = await s.home.duplicate(name, newName, (p) => ctx.progress(p, `Copying… ${Math.round(p * 100)}%`));
        changed();
        return { project: s.home.nameOf(file) };
      });
      return { jobId: job.id };
    },
    'projects.delete': ({ name }) => {
      const trashId = s.home.delete(name);
      changed();
      return { trashId };
    },
    'projects.restore': ({ trashId }) => {
      const file = s.home.restore(trashId);
      changed();
      return s.home.summary(file);
    },
    'projects.import': ({ uploadId, name }) => startProjectImport(s, s.uploads.take(uploadId), name, () => s.uploads.discard(uploadId)),
    'projects.info': ({ project }) => projectInfo(s, project),
    'projects.codeTrust': ({ project }) => s.pipeline.codeTrust(project),
    'projects.setCodeTrust': ({ project, trusted }) => s.pipeline.setCodeTrust(project, trusted),
  };
}

function projectInfo(s: Services, project: string): ProjectInfo {
  const p = s.home.get(project);
  const meta = p.meta();
  const rows = p.db
    .prepare(
      `SELECT label, sum(category = 'train') AS train, sum(category = 'test') AS test
       FROM samples WHERE deleted_at IS NULL GROUP BY label ORDER BY label`,
    )
    .all() as { label: string; train: number; test: number }[];
  const train = rows.reduce((n, r) => n + r.train, 0);
  const test = rows.reduce((n, r) => n + r.test, 0);
  return {
    name: s.home.nameOf(p.file),
    path: p.file,
    // an open project keeps recent changes in its -wal file until it is closed
    sizeBytes: statSync(p.file).size + (existsSync(p.file + '-wal') ? statSync(p.file + '-wal').size : 0),
    createdAt: meta.createdAt,
    schemaVersion: p.schemaVersion,
    kilnVersion: meta.kilnVersion,
    description: meta.description,
    samples: { total: train + test, train, test, byLabel: rows },
  };
}
