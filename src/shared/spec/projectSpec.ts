/**
 * The project spec document (`kiln.json`): everything a CI pipeline versions next to its data
 * folder — the impulse, the training settings (with the seed), the network architecture of each
 * learning block and the quality gates a new model must pass. Every object is strict, so a
 * misspelt field is refused by name instead of silently ignored.
 */
import { z } from 'zod';
import { trainSettings } from '../api/training';
import { KilnError } from '../errors';
import { impulseSchema } from '../impulse/impulse';
import { modelSpecSchema } from '../model/spec';

export const PROJECT_SPEC_FORMAT = 1;

const share = (what: string) => z.number().min(0, `${what} is a share between 0 and 1`).max(1, `${what} is a share between 0 and 1`);

/** Quality gates of a pipeline run; an absent gate is not checked. */
export const qualityGates = z
  .object({
    /** minimum test accuracy over all test windows, 0…1 */
    minTestAccuracy: share('minTestAccuracy').optional(),
    /** minimum test accuracy (recall) of each label: one share for every label, or per label */
    minLabelAccuracy: z.union([share('minLabelAccuracy'), z.record(z.string().min(1), share('minLabelAccuracy'))]).optional(),
    /** largest allowed drop of the test accuracy against the previous version, 0…1 (0.02 = two points) */
    maxAccuracyDrop: share('maxAccuracyDrop').optional(),
    /** board the on-device limits are estimated for (id from the board catalog) */
    board: z.string().min(1).optional(),
    maxRamBytes: z.number().int('maxRamBytes is a whole number of bytes').positive().optional(),
    maxFlashBytes: z.number().int('maxFlashBytes is a whole number of bytes').positive().optional(),
    maxLatencyMs: z.number().positive('maxLatencyMs must be more than 0').optional(),
  })
  .strict()
  .refine((g) => g.board !== undefined || (g.maxRamBytes === undefined && g.maxFlashBytes === undefined && g.maxLatencyMs === undefined), {
    message: 'RAM, flash and latency gates need a "board" to estimate them on',
    path: ['board'],
  });
export type QualityGates = z.infer<typeof qualityGates>;

export const projectSpec = z
  .object({
    /** format of this document */
    kiln: z.literal(PROJECT_SPEC_FORMAT, { message: `"kiln" must be ${PROJECT_SPEC_FORMAT} (the spec format this Kiln reads)` }),
    impulse: impulseSchema,
    training: trainSettings,
    /** network architecture per learning block id (blocks without one use the default) */
    architectures: z.record(z.string().min(1), modelSpecSchema).default({}),
    gates: qualityGates.default({}),
  })
  .strict();
export type ProjectSpec = z.output<typeof projectSpec>;
export type ProjectSpecInput = z.input<typeof projectSpec>;

export interface SpecIssue {
  field: string;
  message: string;
}

function fieldOf(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)), '');
}

/** Every problem of a document, each naming its field ("training.epochs", "gates.colour"). */
export function specIssues(value: unknown): SpecIssue[] {
  const r = projectSpec.safeParse(value);
  if (r.success) return [];
  const out: SpecIssue[] = [];
  for (const issue of r.error.issues) {
    const at = fieldOf(issue.path);
    if (issue.code === 'unrecognized_keys') {
      for (const k of issue.keys) out.push({ field: at ? `${at}.${k}` : k, message: `unknown field "${at ? `${at}.${k}` : k}"` });
    } else out.push({ field: at || '(document)', message: `${at || 'the document'}: ${issue.message}` });
  }
  return out;
}

/** Parses a spec document; throws BAD_FILE listing every issue with its field. */
export function parseProjectSpec(value: unknown, source = 'kiln.json'): ProjectSpec {
  const issues = specIssues(value);
  if (issues.length) {
    throw new KilnError('BAD_FILE', `${source}: ${issues.map((i) => i.message).join('; ')}`, { field: issues[0]!.field, issues });
  }
  return projectSpec.parse(value);
}
