/** The training service's public surface: trainers, inference from saved weights, backends. */
export {
  trainClassifier,
  trainRegressor,
  buildModel,
  predict,
  type TrainSettings,
  type TrainClassifierArgs,
  type TrainRegressorArgs,
  type ClassifierResult,
  type RegressorResult,
  type ClassifierEpoch,
  type RegressorEpoch,
  type ModelWeights,
  type WeightTensor,
  type AugmentationSettings,
} from './trainer.js';
export { loadTf, ENGINE_BACKEND, type BackendInfo, type BackendName, type LoadedTf, type Tf } from './backend.js';
export { buildTfModel } from './tfModel.js';
export type { Network } from './network.js';
