/**
 * What happens when the user moves from one project to another (or back to the picker): the
 * project left behind is closed (its file written back and unlocked), and every store that holds
 * one project's state starts again from nothing, so no page shows the previous project's
 * devices, labels, plots or results.
 */
import { api } from '../api';
import { useDataset } from './datasetStore';
import { useImpulse } from './impulseStore';
import { useLive } from './liveStore';
import { useRecord } from './recordStore';
import { useRoute } from './routeStore';
import { useTraining } from './trainingStore';

/** Stores whose whole state belongs to one project: back to their initial state on a switch. */
const PER_PROJECT_STORES = [useDataset, useImpulse, useLive, useTraining] as const;

export function switchProject(previous: string | null, next: string | null): void {
  if (previous === next) return;
  if (previous)
    void api()
      .call('projects.close', { name: previous })
      .catch(() => undefined);
  for (const store of PER_PROJECT_STORES)
    (store as { setState(s: unknown, replace: true): void; getInitialState(): unknown }).setState(store.getInitialState(), true);
  useRecord.getState().forProject(next);
}

/**
 * Follows the route: runs switchProject synchronously when the project changes, before React
 * renders the new project's pages (their effects then load into clean stores). Call once.
 */
export function installProjectSession(): () => void {
  useRecord.getState().forProject(useRoute.getState().project);
  return useRoute.subscribe((now, before) => {
    if (now.project !== before.project) switchProject(before.project, now.project);
  });
}
