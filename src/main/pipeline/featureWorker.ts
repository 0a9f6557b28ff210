// Worker thread entry: computes the features of one sample per task (see featureCompute.ts);
// custom blocks go on to this thread's sandbox process.
import { CustomBlockRunner } from './customBlockRunner';
import { computeTaskFeatures } from './featureCompute';
import type { FeatureTask, FeatureTaskResult } from './featureTask';
import { serveTasks } from './workerProtocol';

const runner = new CustomBlockRunner();

serveTasks<FeatureTask, FeatureTaskResult>(async (task) => {
  const result = await computeTaskFeatures(task, runner);
  return { result, transfer: result.blocks.map((b) => b.features.buffer as ArrayBuffer) };
});
