/**
 * The one typed contract between the studio (renderer, CLI) and the services.
 * Each method has a zod schema for its arguments and its result; every call is validated at
 * the boundary in src/main/api. Domains add their methods to `contract` below.
 */
import { z } from 'zod';
import { codeTrust, demoKind, projectInfo, projectName, projectSummary } from './projects';
import { jobInfo, jobLogLine } from './jobs';
import { devicesEvents, devicesMethods } from './devices';
import { samplesEvents, samplesMethods } from './samples';
import { impulseEvents, impulseMethods } from './impulse';
import { trainingEvents, trainingMethods } from './training';
import { liveEvents, liveMethods } from './live';
import { deployMethods } from './deploy';
import { transfersMethods } from './transfers';
import { versionsMethods } from './versions';

const none = z.object({}).strict();
const jobRef = z.object({ jobId: z.string() });
const projectRef = z.object({ project: z.string().min(1, 'No project given') });

export const appInfo = z.object({
  name: z.literal('Kiln'),
  version: z.string(),
  home: z.string(),
  host: z.enum(['electron', 'web', 'cli']),
  platform: z.string(),
});
export type AppInfo = z.infer<typeof appInfo>;

export const contract = {
  'app.info': { args: none, result: appInfo },

  'projects.list': { args: none, result: z.array(projectSummary) },
  'projects.create': {
    args: z.object({ name: projectName, demo: demoKind.optional() }).strict(),
    result: projectSummary,
  },
  /** Creates a project filled with a demo dataset, as a job (the keywords demo takes seconds). */
  'projects.createDemo': {
    args: z.object({ name: projectName, demo: demoKind }).strict(),
    result: jobRef,
  },
  'projects.rename': {
    args: z.object({ name: z.string().min(1), newName: projectName }).strict(),
    result: projectSummary,
  },
  'projects.duplicate': {
    args: z.object({ name: z.string().min(1), newName: projectName }).strict(),
    result: jobRef,
  },
  'projects.delete': {
    args: z.object({ name: z.string().min(1) }).strict(),
    result: z.object({ trashId: z.string() }),
  },
  'projects.restore': {
    args: z.object({ trashId: z.string().min(1) }).strict(),
    result: projectSummary,
  },
  /** Copies an uploaded .kiln file into the home (the CLI imports from a path through the service directly). */
  'projects.import': {
    args: z.object({ uploadId: z.string().min(1), name: projectName.optional() }).strict(),
    result: jobRef,
  },
  'projects.info': { args: projectRef.strict(), result: projectInfo },
  /** leave a project: its file is written back and unlocked (kept open while it runs jobs) */
  'projects.close': {
    args: z.object({ name: z.string().min(1) }).strict(),
    result: z.object({ closed: z.boolean(), reason: z.string().optional() }),
  },
  /** Whether this machine runs the project's custom code (asked once per project, kept in the user's settings). */
  'projects.codeTrust': { args: projectRef.strict(), result: codeTrust },
  'projects.setCodeTrust': { args: z.object({ project: z.string().min(1), trusted: z.boolean() }).strict(), result: codeTrust },

  'uploads.begin': {
    args: z.object({ fileName: z.string().min(1).max(255), size: z.number().int().min(0) }).strict(),
    result: z.object({ uploadId: z.string(), chunkSize: z.number() }),
  },
  'uploads.chunk': {
    args: z.object({ uploadId: z.string().min(1), offset: z.number().int().min(0), base64: z.string() }).strict(),
    result: z.object({ received: z.number() }),
  },
  'uploads.discard': { args: z.object({ uploadId: z.string().min(1) }).strict(), result: z.object({}) },

  'jobs.list': { args: z.object({ project: z.string().optional() }).strict(), result: z.array(jobInfo) },
  'jobs.get': {
    args: z.object({ jobId: z.string().min(1) }).strict(),
    result: z.object({ job: jobInfo, log: z.array(jobLogLine) }),
  },
  'jobs.cancel': { args: z.object({ jobId: z.string().min(1) }).strict(), result: jobInfo },

  ...devicesMethods,
  ...samplesMethods,
  ...impulseMethods,
  ...trainingMethods,
  ...liveMethods,
  ...deployMethods,
  ...transfersMethods,
  ...versionsMethods,
} as const;

export type Contract = typeof contract;
export type Method = keyof Contract;
export type ArgsOf<M extends Method> = z.input<Contract[M]['args']>;
export type ParsedArgsOf<M extends Method> = z.output<Contract[M]['args']>;
export type ResultOf<M extends Method> = z.output<Contract[M]['result']>;

export function isMethod(name: string): name is Method {
  return Object.prototype.hasOwnProperty.call(contract, name);
}

/** Events pushed from the services to every connected client. */
export const eventSchemas = {
  'job.updated': jobInfo,
  'job.log': z.object({ jobId: z.string(), line: jobLogLine }),
  'projects.changed': z.object({}),
  ...devicesEvents,
  ...samplesEvents,
  ...impulseEvents,
  ...trainingEvents,
  ...liveEvents,
} as const;

export type EventMap = { [K in keyof typeof eventSchemas]: z.output<(typeof eventSchemas)[K]> };
export type EventName = keyof EventMap;
export type EventOf<E extends EventName> = EventMap[E];
/** A pushed event, discriminated by name. */
export type KilnEvent = { [E in EventName]: { name: E; payload: EventMap[E] } }[EventName];
