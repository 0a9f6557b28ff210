/**
 * Composition root: builds the services for one KILN_HOME. Every host (Electron, web shell,
 * CLI) calls this and talks to the result through the same dispatcher.
 */
import { EventBus } from '../api/eventBus';
import { JobRunner } from '../jobs/jobRunner';
import { ProjectHome } from '../store/projectHome';
import { Uploads } from './uploads';
import { DeviceService } from '../devices/deviceService';
import { DatasetService } from '../dataset';
import { LiveService } from '../live';
import { TrainingService } from '../training/trainingService';
import { PipelineService } from '../pipeline';
import { ExportService } from '../export';
import { KilnError } from '../../shared/errors';

export type HostKind = 'electron' | 'web' | 'cli';

export interface Services {
  host: HostKind;
  home: ProjectHome;
  events: EventBus;
  jobs: JobRunner;
  uploads: Uploads;
  devices: DeviceService;
  dataset: DatasetService;
  live: LiveService;
  training: TrainingService;
  pipeline: PipelineService;
  deploy: ExportService;
  dispose(): void;
}

export function createServices(options: { home: string; host: HostKind }): Services {
  const home = new ProjectHome(options.home);
  const events = new EventBus();
  const jobs = new JobRunner(events, (project) => home.get(project).db);
  const uploads = new Uploads();
  const devices = new DeviceService({ homeDir: options.home, events, jobs, projects: home });
  const dataset = new DatasetService(home, events, jobs, uploads);
  const live = new LiveService({ home, events, devices });
  const training = new TrainingService(home, events, jobs);
  const pipeline = new PipelineService(home, events, jobs);
  const deploy = new ExportService(home, jobs, () => {
    throw new KilnError('UNSUPPORTED', 'Downloads need the transfer service, which is not part of this Kiln build yet; use `kiln export --out` instead');
  });
  return {
    host: options.host,
    home,
    events,
    jobs,
    uploads,
    devices,
    dataset,
    live,
    training,
    pipeline,
    deploy,
    dispose() {
      uploads.dispose();
      void live.dispose();
      void devices.dispose();
      home.closeAll();
    },
  };
}
