import { z } from 'zod';

export const jobState = z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted']);
export type JobState = z.infer<typeof jobState>;

export const jobKind = z.enum([
  'project.duplicate',
  'project.import',
  'project.demo',
  'samples.import',
  'samples.export',
  'samples.record',
  'features.generate',
  'model.train',
  'model.test',
  'library.build',
  'version.export',
]);
export type JobKind = z.infer<typeof jobKind>;

export const jobInfo = z.object({
  id: z.string(),
  kind: jobKind,
  title: z.string(),
  /** project the job works on, when there is one */
  project: z.string().nullable(),
  state: jobState,
  /** 0…1 */
  progress: z.number(),
  /** short line describing the current step */
  status: z.string(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  result: z.unknown().nullable(),
});
export type JobInfo = z.infer<typeof jobInfo>;

export const jobLogLine = z.object({ at: z.string(), level: z.enum(['info', 'warn', 'error']), message: z.string() });
export type JobLogLine = z.infer<typeof jobLogLine>;
