import type { ComponentType } from 'react';
import type { PageId } from '../stores/routeStore';
import { Dashboard } from './dashboard/Dashboard';
import { DataPage } from './data/DataPage';
import { DevicesPage } from './devices/DevicesPage';
import { LivePage } from './live/LivePage';
import { TestingPage } from './testing/TestingPage';
import { TrainingPage } from './training/TrainingPage';
import { ImpulsePage } from './impulse/ImpulsePage';
import { DeploymentPage } from './deployment/DeploymentPage';
import { VersioningPage } from './versioning/VersioningPage';

export interface PageProps {
  project: string;
  rest: string[];
}

/** Pages that work. A page missing here shows as disabled in the navigation. */
export const pageComponents: Partial<Record<PageId, ComponentType<PageProps>>> = {
  dashboard: Dashboard,
  data: DataPage,
  devices: DevicesPage,
  live: LivePage,
  training: TrainingPage,
  testing: TestingPage,
  impulse: ImpulsePage,
  deployment: DeploymentPage,
  versioning: VersioningPage,
};
