/**
 * The last pass: C text from the lowered program, the arena plan, the feature layout and the
 * anomaly constants. No decisions are made here; each kernel has one call template.
 */
import type { AnomalyProgram } from './anomalyLower';
import type { DspBlockPlan } from './dsp/index';
import { arrayBody, floatLiteral, intLiteral, stringLiteral } from './cText';
import type { FeatureLayout } from './featureLayout';
import type { ArenaPlan, CInit, ConstArray, LoweredKernel, LoweredOp, NetworkProgram } from './program';

/** `$p` = &params, `$rq` = &requant, `$in` / `$out` / `$scratch` = tensor pointers, `$a0…` = arrays, `$v0…` = params as values. */
interface KernelTemplate {
  struct: string | null;
  requant?: boolean;
  call: string;
}

const TEMPLATES: Record<LoweredKernel, KernelTemplate> = {
  quantize_s8: { struct: 'kiln_quantize_params', call: 'kiln_quantize_s8($p, $in, $out)' },
  dense_s8: { struct: 'kiln_dense_s8_params', requant: true, call: 'kiln_dense_s8($p, $rq, $in, $a2, $a3, $scratch, $out)' },
  conv_s8: { struct: 'kiln_conv_s8_params', requant: true, call: 'kiln_conv_s8($p, $rq, $in, $a2, $a3, $scratch, $out)' },
  channel_affine_s8: { struct: 'kiln_channel_affine_s8_params', requant: true, call: 'kiln_channel_affine_s8($p, $rq, $in, $a2, $a3, $out)' },
  max_pool_s8: { struct: 'kiln_geometry', call: 'kiln_max_pool_s8($p, $in, $out)' },
  avg_pool_s8: { struct: 'kiln_geometry', call: 'kiln_avg_pool_s8($p, $in, $out)' },
  lut_s8: { struct: null, call: 'kiln_lut_s8($v0, $a0, $in, $out)' },
  softmax_s8: { struct: null, call: 'kiln_softmax_s8($v0, $a0, $in, $out)' },
  standardise_f32: { struct: null, call: 'kiln_standardise_f32($v0, $a0, $a1, $in, $out)' },
  dense_f32: { struct: 'kiln_dense_f32_params', call: 'kiln_dense_f32($p, $in, $a0, $a1, $out)' },
  conv_f32: { struct: 'kiln_conv_f32_params', call: 'kiln_conv_f32($p, $in, $a0, $a1, $out)' },
  channel_affine_f32: { struct: null, call: 'kiln_channel_affine_f32($v0, $v1, $a0, $a1, $in, $out)' },
  max_pool_f32: { struct: 'kiln_geometry', call: 'kiln_max_pool_f32($p, $in, $out)' },
  avg_pool_f32: { struct: 'kiln_geometry', call: 'kiln_avg_pool_f32($p, $in, $out)' },
  activation_f32: { struct: null, call: 'kiln_activation_f32($v0, (kiln_activation)$v1, $in, $out)' },
  softmax_f32: { struct: null, call: 'kiln_softmax_f32($v0, $in, $out)' },
};

function initText(v: CInit): string {
  if (v === null) return 'NULL';
  if (typeof v === 'number') return intLiteral(v);
  if (Array.isArray(v)) return `{${v.map(initText).join(', ')}}`;
  if ('float' in v) return floatLiteral(v.float);
  return v.ref;
}

export function emitConst(c: ConstArray): string {
  const format = c.ctype === 'float' ? floatLiteral : intLiteral;
  const perLine = c.ctype === 'float' ? 8 : c.ctype === 'int8_t' ? 24 : 12;
  return `static const ${c.ctype} ${c.name}[${Math.max(1, c.values.length)}]${c.ctype === 'int8_t' ? ' KILN_ALIGNED4' : ''} = {\n${c.values.length ? arrayBody(c.values, format, perLine) : '    0'}\n};\n`;
}

function tensorPointer(program: NetworkProgram, plan: ArenaPlan, tensor: number, kind: 'data' | 'scratch'): string {
  if (tensor < 0) return 'features';
  const slot = plan.slots.find((s) => s.tensor === tensor)!;
  const ctype = kind === 'scratch' ? 'int16_t' : program.precision === 'int8' ? 'int8_t' : 'float';
  return `(${ctype} *)(kiln_arena.bytes + ${slot.offset})`;
}

function emitOp(program: NetworkProgram, plan: ArenaPlan, op: LoweredOp): string {
  const t = TEMPLATES[op.kernel];
  const lines: string[] = [`    /* ${op.layer}: ${op.kernel} */`, '    {'];
  if (t.struct) lines.push(`        static const ${t.struct} p = ${initText(t.struct === 'kiln_geometry' ? op.params : op.params)};`);
  if (t.requant) lines.push(`        static const kiln_requant rq = {${op.arrays[0]}, ${op.arrays[1]}};`);
  let call = t.call
    .replace('$p', '&p')
    .replace('$rq', '&rq')
    .replace('$in', op.input < 0 ? 'features' : tensorPointer(program, plan, op.input, 'data'))
    .replace('$out', tensorPointer(program, plan, op.output, 'data'))
    .replace('$scratch', op.scratch === null ? 'NULL' : tensorPointer(program, plan, op.scratch, 'scratch'));
  call = call.replace(/\$a(\d)/g, (_, i: string) => op.arrays[Number(i)]!).replace(/\$v(\d)/g, (_, i: string) => initText(op.params[Number(i)]!));
  lines.push(`        if (${call} != KILN_NN_OK) return -1;`, '    }');
  return lines.join('\n');
}

/** The network: constants, the arena and `kiln_impulse_network`. */
export function emitNetwork(program: NetworkProgram, plan: ArenaPlan): string {
  const last = program.ops[program.ops.length - 1]!;
  const out = tensorPointer(program, plan, last.output, 'data');
  const tail =
    program.precision === 'int8'
      ? [
          `    for (i = 0; i < ${program.outSize}; i++) {`,
          `        const int8_t q = (${out})[i];`,
          '        quantized[i] = q;',
          `        scores[i] = (float)((int32_t)q - KILN_OUTPUT_ZERO_POINT) * KILN_OUTPUT_SCALE;`,
          '    }',
        ]
      : ['    (void)quantized;', `    for (i = 0; i < ${program.outSize}; i++) scores[i] = (${out})[i];`];
  return [
    ...program.consts.map(emitConst),
    `/* network: ${plan.slots.length} tensors in ${plan.size} bytes of the arena (offsets planned at export time from tensor lifetimes) */`,
    'int kiln_impulse_network(const float *features, float *scores, int8_t *quantized) {',
    '    int32_t i;',
    ...program.ops.map((op) => emitOp(program, plan, op)),
    ...tail,
    '    return 0;',
    '}',
    '',
  ].join('\n');
}

/** The network function of a library without a network (anomaly only). */
export function emitNoNetwork(): string {
  return 'int kiln_impulse_network(const float *features, float *scores, int8_t *quantized) {\n    (void)features;\n    scores[0] = 0.0f;\n    quantized[0] = 0;\n    return 0;\n}\n';
}

/** One DSP block to call: its plan, where its features go, and the axes gathered for it (null: it reads the window as is). */
export interface DspCall {
  plan: DspBlockPlan;
  title: string;
  offset: number;
  gather: number[] | null;
}

/** Floats of the arena the DSP uses: the largest gathered input, then the largest scratch. */
export function dspArenaFloats(calls: readonly DspCall[], readings: number): { gather: number; scratch: number } {
  const gather = Math.max(0, ...calls.map((c) => (c.gather ? c.gather.length * readings : 0)));
  return { gather, scratch: Math.max(0, ...calls.map((c) => c.plan.scratchFloats)) };
}

/** The DSP blocks' config declarations and `kiln_impulse_dsp`, which runs them in a line on the window. */
export function emitDsp(calls: readonly DspCall[], layout: FeatureLayout): string {
  const { readings, axes } = layout.window;
  const arena = dspArenaFloats(calls, readings);
  const lines = [...calls.map((c) => c.plan.configDecl), 'int kiln_impulse_dsp(const float *window, float *features) {', '    int status = 0;'];
  if (arena.gather) lines.push('    float *gathered = (float *)(void *)kiln_arena.bytes;', '    int32_t r, j;');
  lines.push(arena.scratch ? `    float *scratch = (float *)(void *)kiln_arena.bytes + ${arena.gather};` : '    float *scratch = NULL;');
  calls.forEach((c) => {
    lines.push(`    /* ${c.title}: ${c.plan.kind}, ${c.plan.outputLength} features at ${c.offset} */`);
    let input = 'window';
    if (c.gather) {
      const k = c.gather.length;
      lines.push('    {');
      lines.push(`        static const int32_t axes[${k}] = {${c.gather.join(', ')}};`);
      lines.push(`        for (r = 0; r < ${readings}; r++)`);
      lines.push(`            for (j = 0; j < ${k}; j++) gathered[r * ${k} + j] = window[r * ${axes.length} + axes[j]];`);
      lines.push('    }');
      input = 'gathered';
    }
    lines.push(`    status = ${c.plan.call(input, `features + ${c.offset}`, 'scratch')};`);
    lines.push(`    if (status != 0) return status;`);
  });
  if (!calls.length) lines.push('    (void)window;', '    (void)features;');
  lines.push('    (void)scratch;', '    return status;', '}', '');
  return lines.join('\n');
}

/** The one static arena: DSP buffers, then (reusing the same bytes) the network's tensors. */
export function emitArena(bytes: number, note: string): string {
  if (bytes === 0) return '/* no arena: nothing needs working memory */\n';
  return [
    `/* ${note} */`,
    'static union {',
    `    uint8_t bytes[${Math.max(4, bytes)}];`,
    '    float align_float;',
    '    int32_t align_int;',
    '} kiln_arena;',
    '',
  ].join('\n');
}

export function emitAnomaly(anomaly: AnomalyProgram | null): string {
  if (!anomaly) return 'int kiln_impulse_anomaly(const float *features, float *score) {\n    (void)features;\n    *score = 0.0f;\n    return 0;\n}\n';
  const struct = anomaly.kind === 'kmeans' ? 'kiln_kmeans_params' : 'kiln_gmm_params';
  return [
    ...anomaly.consts.map(emitConst),
    'int kiln_impulse_anomaly(const float *features, float *score) {',
    `    static const ${struct} p = ${initText(anomaly.params)};`,
    `    *score = kiln_anomaly_${anomaly.kind}(&p, features);`,
    '    return 0;',
    '}',
    '',
  ].join('\n');
}

export function emitLabels(labels: readonly string[]): string {
  return `const char *const kiln_labels[KILN_OUTPUT_COUNT] = {${labels.map(stringLiteral).join(', ')}};\n`;
}

export interface MetadataFacts {
  name: string;
  precision: 'int8' | 'float32';
  layout: FeatureLayout;
  labelCount: number;
  /** names of the outputs, in order */
  labels: string[];
  outputCount: number;
  regression: boolean;
  input: { scale: number; zeroPoint: number } | null;
  output: { scale: number; zeroPoint: number } | null;
  arenaBytes: number;
  hasAnomaly: boolean;
  slicesPerWindow: number;
}

/** kiln_model_metadata.h */
export function emitMetadata(m: MetadataFacts): string {
  const w = m.layout.window;
  const sliceReadings = Math.max(1, Math.floor(w.readings / m.slicesPerWindow));
  const def = (name: string, value: string | number, comment?: string) => `#define ${name.padEnd(30)} ${value}${comment ? ` /* ${comment} */` : ''}`;
  return [
    '/* Generated by Kiln: the constants of this impulse. */',
    '#ifndef KILN_MODEL_METADATA_H',
    '#define KILN_MODEL_METADATA_H',
    '',
    def('KILN_PROJECT_NAME', stringLiteral(m.name)),
    def('KILN_PRECISION_INT8', m.precision === 'int8' ? 1 : 0, m.precision),
    def('KILN_RAW_SAMPLE_COUNT', w.readings, w.image ? 'pixels' : 'readings per window'),
    def('KILN_RAW_SAMPLES_PER_FRAME', w.axes.length, 'axes'),
    def('KILN_DSP_INPUT_FRAME_SIZE', w.frameSize, 'values per window'),
    def('KILN_AXES', stringLiteral(w.axes.join(','))),
    def('KILN_INTERVAL_MS', floatLiteral(w.intervalMs)),
    def('KILN_FREQUENCY', floatLiteral(w.frequencyHz), 'Hz'),
    def('KILN_IMAGE_WIDTH', w.image?.width ?? 0),
    def('KILN_IMAGE_HEIGHT', w.image?.height ?? 0),
    def('KILN_FEATURE_COUNT', m.layout.featureCount, 'DSP features per window'),
    def('KILN_NN_INPUT_FRAME_SIZE', m.layout.networkInputs, 'the network reads features [0, this)'),
    def('KILN_LABEL_COUNT', m.labelCount),
    def('KILN_LABELS', `{${m.labels.map(stringLiteral).join(', ')}}`, 'initializer: one name per output'),
    def('KILN_OUTPUT_COUNT', m.outputCount),
    def('KILN_IS_REGRESSION', m.regression ? 1 : 0),
    def('KILN_INPUT_SCALE', floatLiteral(m.input?.scale ?? 1)),
    def('KILN_INPUT_ZERO_POINT', m.input?.zeroPoint ?? 0),
    def('KILN_OUTPUT_SCALE', floatLiteral(m.output?.scale ?? 1)),
    def('KILN_OUTPUT_ZERO_POINT', m.output?.zeroPoint ?? 0),
    def('KILN_ARENA_SIZE', m.arenaBytes, 'bytes, static'),
    def('KILN_HAS_ANOMALY', m.hasAnomaly ? 1 : 0),
    def('KILN_SLICES_PER_WINDOW', m.slicesPerWindow, 'continuous mode'),
    def('KILN_SLICE_SIZE', sliceReadings * w.axes.length, 'values per slice'),
    '',
    '#endif /* KILN_MODEL_METADATA_H */',
    '',
  ].join('\n');
}
