import type { DemoKind } from '../../shared/api/projects';
import { KilnError } from '../../shared/errors';
import type { ProjectDatabase } from '../store/projectDatabase';

/** Fills a new project with a labelled, split dataset recorded from the virtual devices. */
export async function fillDemoProject(_db: ProjectDatabase, kind: DemoKind): Promise<void> {
  throw new KilnError('UNSUPPORTED', `Demo project "${kind}" is not available yet`);
}
