/**
 * Composition root: builds the services for one KILN_HOME. Every host (Electron, web shell,
 * CLI) calls this and talks to the result through the same dispatcher.
 */
import { EventBus } from '../api/eventBus';
import { JobRunner } from '../jobs/jobRunner';
import { ProjectHome } from '../store/projectHome';
import { Transfers } from '../transfers';
import { DeviceService } from '../devices/deviceService';
import { DatasetService } from '../dataset';
import { LiveService } from '../live';
import { TrainingService } from '../training/trainingService';
import { PipelineService } from '../pipeline';
import { ExportService } from '../export';
import { CustomCodeTrust } from '../pipeline/customCodeTrust';
import { ProjectSpecService, VersionService } from '../versions';

/** How often open projects are checkpointed when something changed, ms. */
const SETTLE_INTERVAL_MS = 1000;

export type HostKind = 'electron' | 'web' | 'cli';

export interface Services {
  host: HostKind;
  home: ProjectHome;
  events: EventBus;
  jobs: JobRunner;
  /** downloads and uploads between the page and the services (see src/main/transfers) */
  transfers: Transfers;
  /** the same object as `transfers`, under the name the upload-taking services use */
  uploads: Transfers;
  devices: DeviceService;
  dataset: DatasetService;
  live: LiveService;
  training: TrainingService;
  pipeline: PipelineService;
  deploy: ExportService;
  versions: VersionService;
  projectSpec: ProjectSpecService;
  dispose(): void;
}

export function createServices(options: {
  home: string;
  host: HostKind;
  /** the CLI's --trust-custom-code: run every project's custom code without asking */
  trustCustomCode?: boolean;
}): Services {
  const home = new ProjectHome(options.home);
  const events = new EventBus();
  const jobs = new JobRunner(events, (project) => home.get(project).db);
  const transfers = new Transfers(options.home);
  const uploads = transfers;
  const devices = new DeviceService({ homeDir: options.home, events, jobs, projects: home });
  const dataset = new DatasetService(home, events, jobs, uploads);
  const live = new LiveService({ home, events, devices });
  const training = new TrainingService(home, events, jobs);
  const pipeline = new PipelineService(home, events, jobs, {}, new CustomCodeTrust(options.home, options.trustCustomCode === true));
  const deploy = new ExportService(home, jobs, (file) => transfers.offerDownload(file));
  const versions = new VersionService(home, events, jobs);
  const projectSpec = new ProjectSpecService(home, pipeline, training);
  // recordings and jobs write between API calls: write their WAL back when they go quiet, so the
  // project file alone is always a complete copy (README: Files)
  const settler = setInterval(() => home.settle(), SETTLE_INTERVAL_MS);
  settler.unref();
  return {
    host: options.host,
    home,
    events,
    jobs,
    transfers,
    uploads,
    devices,
    dataset,
    live,
    training,
    pipeline,
    deploy,
    versions,
    projectSpec,
    dispose() {
      clearInterval(settler);
      transfers.dispose();
      void live.dispose();
      void devices.dispose();
      home.closeAll();
    },
  };
}
