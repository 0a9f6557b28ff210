/**
 * The `project.import` job: copies a .kiln file into the home under a free name. The API gives
 * it an upload (the page never names a path); the CLI gives it a path on this machine directly.
 */
import path from 'node:path';
import type { Services } from './services';

export function startProjectImport(
  s: Pick<Services, 'home' | 'jobs' | 'events'>,
  from: { file: string; fileName: string },
  name?: string,
  /** runs when the job ends, whatever the outcome (an upload's `discard`) */
  cleanup?: () => void,
): { jobId: string } {
  const preferred = name ?? path.basename(from.fileName, '.kiln');
  const job = s.jobs.start('project.import', `Import ${from.fileName}`, null, async (ctx) => {
    try {
      ctx.progress(0, 'Checking the file…');
      const file = await s.home.importFile(
        from.file,
        preferred,
        (p) => ctx.progress(p, `Copying… ${Math.round(p * 100)}%`),
        () => ctx.signal.aborted,
      );
      s.events.emit('projects.changed', {});
      return { project: s.home.nameOf(file) };
    } finally {
      cleanup?.();
    }
  });
  return { jobId: job.id };
}
