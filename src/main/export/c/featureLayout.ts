/**
 * Where each feature comes from: the DSP blocks the exported learning blocks read, in library
 * order (the network's inputs first, in the network's input order, then blocks only the anomaly
 * block reads), each block's offset in the library's feature buffer, and the window they read.
 */
import { KilnError } from '../../../shared/errors';
import { CUSTOM_BLOCK_PREFIX, readingsPerWindow, type LearningBlockConfig } from '../../../shared/impulse/impulse';
import type { ResolvedBlock } from '../../pipeline/resolvedImpulse';
import type { CLibraryImpulse } from './index';

export interface WindowLayout {
  /** readings per window (time series) or pixels (image) */
  readings: number;
  /** values per reading: axis count, 1 for images (one packed 0xRRGGBB value per pixel) */
  axes: string[];
  frequencyHz: number;
  intervalMs: number;
  /** readings × axes */
  frameSize: number;
  image: { width: number; height: number } | null;
}

export interface PlacedBlock {
  block: ResolvedBlock;
  /** indices into the input axes of the axes this block reads */
  axisIndices: number[];
  /** first feature of this block in the library's feature buffer */
  offset: number;
  length: number;
}

export interface FeatureLayout {
  window: WindowLayout;
  blocks: PlacedBlock[];
  /** features the DSP produces per window */
  featureCount: number;
  /** features the network reads: [0, networkInputs) */
  networkInputs: number;
  /** for each feature of the anomaly block's row, its index in the library's buffer */
  anomalyIndex: number[] | null;
}

function learning(imp: CLibraryImpulse, id: string | null, what: string): LearningBlockConfig | null {
  if (id === null) return null;
  const l = imp.definition.learning.find((b) => b.id === id);
  if (!l) throw new KilnError('BAD_PARAMS', `The impulse has no learning block "${id}" (the ${what})`, { field: `impulse.${what}` });
  return l;
}

function windowLayout(imp: CLibraryImpulse): WindowLayout {
  const input = imp.definition.input;
  if (input.type === 'image') {
    return {
      readings: input.width * input.height,
      axes: ['image'],
      frequencyHz: 0,
      intervalMs: 0,
      frameSize: input.width * input.height,
      image: { width: input.width, height: input.height },
    };
  }
  const readings = readingsPerWindow(input);
  return {
    readings,
    axes: input.axes,
    frequencyHz: input.frequencyHz,
    intervalMs: 1000 / input.frequencyHz,
    frameSize: readings * input.axes.length,
    image: null,
  };
}

/** Lays out the features of the exported learning blocks. */
export function layoutFeatures(imp: CLibraryImpulse): FeatureLayout {
  const network = learning(imp, imp.classifier, 'classifier');
  const anomaly = learning(imp, imp.anomaly, 'anomaly');
  if (!network && !anomaly) throw new KilnError('BAD_PARAMS', 'Nothing to export: the library needs a network or an anomaly block');
  const window = windowLayout(imp);
  const ids = [...(network?.inputs ?? []), ...(anomaly?.inputs ?? []).filter((id) => !network?.inputs.includes(id))];
  const blocks: PlacedBlock[] = [];
  let offset = 0;
  for (const id of ids) {
    const block = imp.blocks.find((b) => b.config.id === id);
    if (!block)
      throw new KilnError('BAD_PARAMS', `The learning block reads "${id}", which is not a resolved processing block of the impulse`, { field: `dsp.${id}` });
    if (block.task.block.startsWith(CUSTOM_BLOCK_PREFIX)) {
      throw new KilnError('UNSUPPORTED', `"${block.task.title}" is a custom block: custom blocks cannot be exported yet`, { field: `dsp.${id}` });
    }
    if (block.featuresPerWindow === null) throw new KilnError('UNSUPPORTED', `"${block.task.title}" has no known output size`, { field: `dsp.${id}` });
    const axisIndices = window.image ? [0] : block.config.axes.map((a) => window.axes.indexOf(a));
    if (axisIndices.some((i) => i < 0))
      throw new KilnError('BAD_PARAMS', `"${block.task.title}" reads an axis the input block does not give`, { field: `dsp.${id}.axes` });
    blocks.push({ block, axisIndices, offset, length: block.featuresPerWindow });
    offset += block.featuresPerWindow;
  }
  const networkInputs = network ? blocks.filter((b) => network.inputs.includes(b.block.config.id)).reduce((n, b) => n + b.length, 0) : 0;
  let anomalyIndex: number[] | null = null;
  if (anomaly) {
    anomalyIndex = [];
    for (const id of anomaly.inputs) {
      const placed = blocks.find((b) => b.block.config.id === id)!;
      for (let i = 0; i < placed.length; i++) anomalyIndex.push(placed.offset + i);
    }
  }
  return { window, blocks, featureCount: offset, networkInputs, anomalyIndex };
}
