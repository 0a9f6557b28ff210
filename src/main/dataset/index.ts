/** The dataset service: listing, editing, import and export of a project's samples. */
export { DatasetService, toRow, type ImportRequest, type ExportRequest } from './datasetService';
export {
  importSampleFiles,
  importOne,
  collectImportFiles,
  assignCategories,
  sampleNameFromFile,
  MAX_IMPORT_FILE_BYTES,
  SPLIT_TEST_FRACTION,
} from './importSamples';
export type { ImportSource, ImportOptions, ImportReporter } from './importSamples';
export { exportSamples, exportBaseName, encodeSample, sampleToParsed } from './exportSamples';
export { decimateMinMax } from './decimate';
