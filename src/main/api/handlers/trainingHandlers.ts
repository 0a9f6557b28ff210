import type { Handlers } from '../dispatcher';
import type { Services } from '../../app/services';
import type { trainingMethods } from '../../../shared/api/training';

/** Thin: validation is done by the contract, the work by the training service. */
export function trainingHandlers(s: Services): Pick<Handlers, keyof typeof trainingMethods> {
  const t = s.training;
  return {
    'training.info': ({ project, block }) => t.info(project, block),
    'training.setSpec': ({ project, block, spec }) => t.setSpec(project, block, spec),
    'model.train': ({ project, block, settings, spec, save }) => t.startTrain(project, { block, settings, spec, save }),
    'model.test': ({ project, modelId, precision }) => t.startTest(project, modelId, precision),
    'model.lastTest': ({ project }) => t.lastTest(project),
    'model.estimate': ({ project, modelId, board }) => t.estimate(project, modelId, board),
    'models.list': ({ project }) => t.list(project),
    'models.get': ({ project, id }) => t.get(project, id),
    'models.compare': ({ project, a, b }) => t.compare(project, a, b),
    'models.activate': ({ project, id }) => t.activate(project, id),
    'models.delete': ({ project, id }) => t.delete(project, id),
    'models.exportOnnx': ({ project, id }) => s.transfers.offerDownload({ ...t.onnxModel(project, id), mime: 'application/octet-stream' }),
    'models.restore': ({ project, undoToken }) => t.restore(project, undoToken),
  };
}
