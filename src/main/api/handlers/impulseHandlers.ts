import type { Handlers } from '../dispatcher';
import type { Services } from '../../app/services';
import type { impulseMethods } from '../../../shared/api/impulse';

export function impulseHandlers(s: Services): Pick<Handlers, keyof typeof impulseMethods> {
  const p = s.pipeline;
  return {
    'impulse.get': ({ project }) => p.getImpulse(project),
    'impulse.set': ({ project, impulse }) => p.setImpulse(project, impulse),
    'impulse.validate': ({ project, impulse }) => p.validate(project, impulse),
    'dsp.blocks': ({ project }) => p.blocks(project),
    'dsp.run': ({ block, params, input, project }) => p.runDsp(block, params, input, project),
    'features.generate': ({ project }) => p.generate(project),
    'features.status': ({ project }) => p.status(project),
    'features.explore': ({ project, ...options }) => p.explore(project, options),
    'customBlocks.list': ({ project }) => p.listCustomBlocks(project),
    'customBlocks.save': ({ project, ...block }) => p.saveCustomBlock(project, block),
    'customBlocks.remove': ({ project, name }) => p.removeCustomBlock(project, name),
    'customBlocks.test': ({ project, ...test }) => p.testCustomBlock(project, test),
  };
}
