/** Pipeline service: impulse storage and validation, feature generation (worker pool + cache), feature explorer, custom blocks. */
export { PipelineService } from './pipelineService';
export { spawnWorker, WorkerPool, defaultPoolSize, type WorkerPoolOptions } from './workerPool';
export { serveTasks } from './workerProtocol';
export { readFeatures, blockConfigHash } from './featureCache';
export { loadImpulse } from './impulseStore';
export { resolveBlocks, type ResolvedBlock } from './resolvedImpulse';
export { liveSamples, factsOf, type SampleMeta } from './datasetFacts';
export { projectCatalog } from './customBlocks';
export { datasetFeatures, type DatasetFeatures } from './datasetFeatures';
