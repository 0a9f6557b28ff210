// Worker thread entry: computes the features of one sample per task (see featureCompute.ts).
import { computeFeatures } from './featureCompute';
import type { FeatureTask, FeatureTaskResult } from './featureTask';
import { serveTasks } from './workerProtocol';

serveTasks<FeatureTask, FeatureTaskResult>((task) => {
  const result = computeFeatures(task);
  return { result, transfer: result.blocks.map((b) => b.features.buffer as ArrayBuffer) };
});
