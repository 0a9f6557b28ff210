/**
 * An impulse made ready to run on one project: each DSP block with its checked parameters,
 * its custom code (if any) and its feature-cache key.
 */
import { validateParams } from '../../shared/dsp/index';
import { KilnError } from '../../shared/errors';
import { blockInputInfo, CUSTOM_BLOCK_PREFIX, type BlockCatalog, type DspBlockConfig, type Impulse } from '../../shared/impulse/impulse';
import type { Db } from '../store/projectDatabase';
import { getCustomBlock } from './customBlocks';
import { blockConfigHash } from './featureCache';
import type { FeatureTaskBlock } from './featureTask';

export interface ResolvedBlock {
  config: DspBlockConfig;
  task: FeatureTaskBlock;
  /** output length per window when known without running (built-ins) */
  featuresPerWindow: number | null;
}

export function resolveBlocks(db: Db, impulse: Impulse, catalog: BlockCatalog): ResolvedBlock[] {
  return impulse.dsp.map((dsp) => {
    const desc = catalog(dsp.block);
    if (!desc) throw new KilnError('NOT_FOUND', `Processing block "${dsp.title || dsp.id}" uses an unknown block "${dsp.block}"`, { field: `dsp.${dsp.id}` });
    const params = validateParams(desc, dsp.params);
    let code: string | undefined;
    if (desc.custom) {
      const custom = getCustomBlock(db, dsp.block.slice(CUSTOM_BLOCK_PREFIX.length));
      if (!custom) throw new KilnError('NOT_FOUND', `Custom block "${dsp.block}" is not in this project`);
      code = custom.code;
    }
    let featuresPerWindow: number | null = null;
    if (desc.outputShape) {
      featuresPerWindow = desc.outputShape(blockInputInfo(impulse.input, dsp), params).length;
    }
    const key = blockConfigHash(impulse, dsp, params, code);
    return {
      config: dsp,
      featuresPerWindow,
      task: { key, id: dsp.id, block: dsp.block, title: dsp.title || desc.title, axes: dsp.axes, params, ...(code !== undefined ? { code } : {}) },
    };
  });
}
