/** Live classification: sessions over a virtual device or a serial board, window by window. */
export { LiveService, type LiveServiceOptions } from './liveService';
export { LiveClassifier, WindowBuffer, matchSource, type LiveWindow, type LiveClassifierHandlers } from './liveClassifier';
export { assembleLiveModel, classifyWindow, floatClassifier, loadLiveModel, type LiveModel, type ClassifierParts, type AnomalyParts } from './liveModel';
export { findVirtualDevice, identify, openSerialSource, openVirtualSource, suggestVirtualDevice, type LiveStreamSource, type ChunkInfo } from './liveSources';
