import { z } from 'zod';

/** A project name: what the user types; the file is `<name>.kiln` under KILN_HOME. */
export const projectName = z
  .string()
  .trim()
  .min(1, 'Project name is empty')
  .max(80, 'Project name is longer than 80 characters')
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._-]*$/u, 'Use letters, digits, spaces, dots, dashes or underscores, starting with a letter or digit')
  .refine((s) => !s.endsWith('.') && !/^\.+$/.test(s), 'Project name cannot end with a dot');

export const projectSummary = z.object({
  name: z.string(),
  path: z.string(),
  sizeBytes: z.number(),
  modifiedAt: z.string(),
  /** null when the file could not be read as a Kiln project */
  createdAt: z.string().nullable(),
  sampleCount: z.number().nullable(),
  error: z.string().nullable(),
});
export type ProjectSummary = z.infer<typeof projectSummary>;

export const labelCount = z.object({ label: z.string(), train: z.number(), test: z.number() });

export const projectInfo = z.object({
  name: z.string(),
  path: z.string(),
  sizeBytes: z.number(),
  createdAt: z.string(),
  schemaVersion: z.number(),
  kilnVersion: z.string(),
  description: z.string(),
  samples: z.object({ total: z.number(), train: z.number(), test: z.number(), byLabel: z.array(labelCount) }),
});
export type ProjectInfo = z.infer<typeof projectInfo>;

export const demoKind = z.enum(['motion', 'keywords']);
export type DemoKind = z.infer<typeof demoKind>;

/** Whether this machine runs a project's custom code: `unknown` until the user answered. */
export const codeTrust = z.object({ state: z.enum(['trusted', 'distrusted', 'unknown']), blocks: z.array(z.string()) });
export type CodeTrust = z.infer<typeof codeTrust>;
