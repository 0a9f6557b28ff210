/**
 * A learning block's network: the input shape of one feature row and the hidden layers.
 * The output layer (softmax over the classes, or one linear unit for regression) is not part of
 * the spec; the learning block appends it (see `OutputHead`).
 *
 * Data layout follows Keras: channels last (`[steps, channels]` for conv1d, `[height, width,
 * channels]` for conv2d); kernels are `[kernelSize, inChannels, filters]` and
 * `[kh, kw, inChannels, filters]`; dense kernels are `[inputs, units]`.
 */
import { z } from 'zod';
import { KilnError } from '../errors.js';

export const activationSchema = z.enum(['linear', 'relu', 'relu6', 'tanh', 'sigmoid']);
export type Activation = z.infer<typeof activationSchema>;

export const paddingSchema = z.enum(['same', 'valid']);
export type Padding = z.infer<typeof paddingSchema>;

const positiveInt = z.number().int().positive();

export const denseLayerSchema = z.object({
  type: z.literal('dense'),
  units: positiveInt,
  activation: activationSchema.default('relu'),
});

export const conv1dLayerSchema = z.object({
  type: z.literal('conv1d'),
  filters: positiveInt,
  kernelSize: positiveInt,
  strides: positiveInt.default(1),
  padding: paddingSchema.default('same'),
  activation: activationSchema.default('relu'),
});

export const conv2dLayerSchema = z.object({
  type: z.literal('conv2d'),
  filters: positiveInt,
  /** square kernel side, in pixels */
  kernelSize: positiveInt,
  strides: positiveInt.default(1),
  padding: paddingSchema.default('same'),
  activation: activationSchema.default('relu'),
});

const poolFields = {
  poolSize: positiveInt.default(2),
  /** defaults to poolSize */
  strides: positiveInt.optional(),
  padding: paddingSchema.default('same'),
};

export const maxPool1dLayerSchema = z.object({ type: z.literal('maxPool1d'), ...poolFields });
export const avgPool1dLayerSchema = z.object({ type: z.literal('avgPool1d'), ...poolFields });
export const maxPool2dLayerSchema = z.object({ type: z.literal('maxPool2d'), ...poolFields });
export const avgPool2dLayerSchema = z.object({ type: z.literal('avgPool2d'), ...poolFields });

export const dropoutLayerSchema = z.object({
  type: z.literal('dropout'),
  /** fraction of units dropped while training, 0 ≤ rate < 1 */
  rate: z.number().min(0).lt(1),
});

export const flattenLayerSchema = z.object({ type: z.literal('flatten') });

export const reshapeLayerSchema = z.object({
  type: z.literal('reshape'),
  /** per-row shape; at most one entry may be -1 (inferred) */
  targetShape: z
    .array(
      z
        .number()
        .int()
        .refine((n) => n > 0 || n === -1, 'must be > 0 or -1'),
    )
    .min(1),
});

export const batchNormLayerSchema = z.object({ type: z.literal('batchNorm') });

export const layerSpecSchema = z.discriminatedUnion('type', [
  denseLayerSchema,
  conv1dLayerSchema,
  conv2dLayerSchema,
  maxPool1dLayerSchema,
  avgPool1dLayerSchema,
  maxPool2dLayerSchema,
  avgPool2dLayerSchema,
  dropoutLayerSchema,
  flattenLayerSchema,
  reshapeLayerSchema,
  batchNormLayerSchema,
]);

export type LayerSpec = z.infer<typeof layerSpecSchema>;
export type LayerType = LayerSpec['type'];
export type DenseLayer = z.infer<typeof denseLayerSchema>;
export type Conv1dLayer = z.infer<typeof conv1dLayerSchema>;
export type Conv2dLayer = z.infer<typeof conv2dLayerSchema>;
export type PoolLayer =
  z.infer<typeof maxPool1dLayerSchema> | z.infer<typeof avgPool1dLayerSchema> | z.infer<typeof maxPool2dLayerSchema> | z.infer<typeof avgPool2dLayerSchema>;

export const modelSpecSchema = z.object({
  /** shape of one feature row, e.g. [33] or [637] (then reshape to [49, 13]) */
  inputShape: z.array(positiveInt).min(1),
  layers: z.array(layerSpecSchema),
});

export type ModelSpec = z.infer<typeof modelSpecSchema>;
/** What a user or file may write: defaults not filled in yet. */
export type ModelSpecInput = z.input<typeof modelSpecSchema>;

/** The layer the learning block appends after the spec's layers. */
export type OutputHead = { kind: 'classification'; classes: number } | { kind: 'regression' };

/** Number of values in one row of the given shape. */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Stable layer names as Keras would give them: dense_1, conv1d_1, conv1d_2, … */
export function layerNames(layers: readonly LayerSpec[]): string[] {
  const counts = new Map<string, number>();
  return layers.map((l) => {
    const base = snakeName(l.type);
    const n = (counts.get(base) ?? 0) + 1;
    counts.set(base, n);
    return `${base}_${n}`;
  });
}

function snakeName(type: LayerType): string {
  switch (type) {
    case 'maxPool1d':
      return 'max_pooling1d';
    case 'avgPool1d':
      return 'average_pooling1d';
    case 'maxPool2d':
      return 'max_pooling2d';
    case 'avgPool2d':
      return 'average_pooling2d';
    case 'batchNorm':
      return 'batch_normalization';
    default:
      return type;
  }
}

/** Name of the appended output layer. */
export const OUTPUT_LAYER_NAME = 'output';

/** Validate a spec from a user, a file or the API; fills in defaults. Throws BAD_PARAMS. */
export function parseModelSpec(input: unknown): ModelSpec {
  const r = modelSpecSchema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const path = issue ? issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('') : '';
  const where = describePath(issue?.path ?? []);
  throw new KilnError('BAD_PARAMS', `Model spec: ${where}${issue?.message ?? 'invalid'}`, {
    field: `spec${path}`,
  });
}

function describePath(path: readonly PropertyKey[]): string {
  if (path[0] === 'layers' && typeof path[1] === 'number') {
    const rest = path.slice(2).map(String).join('.');
    return `layer ${path[1] + 1}${rest ? ` field "${rest}"` : ''}: `;
  }
  return path.length ? `field "${path.map(String).join('.')}": ` : '';
}
