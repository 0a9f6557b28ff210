/** Export service: deployment builds (C library, Arduino library, ONNX) kept in the project. */
export {
  ExportService,
  estimateDeployment,
  libraryName,
  type BuildOptions,
  type BuildResult,
  type ExportInput,
  type GeneratedLibrary,
  type LibraryGenerator,
  type OfferDownload,
} from './exportService';
