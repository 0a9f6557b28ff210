/** Sample file formats: parse any supported file into a ParsedSample, and write samples back. */
import { KilnError, isKilnError } from '../errors.js';
import { badFile } from './badFile.js';
import { decodeCsvBytes, parseCsv, type CsvOptions } from './csv.js';
import { parseEiAcquisition } from './eiAcquisition.js';
import { detectFormat, labelFromFileName, type SampleFormat } from './fileName.js';
import { parseImage } from './image.js';
import type { ParsedSample } from './types.js';
import { parseWav } from './wav.js';

export type { ParsedSample, SensorInfo } from './types.js';
export { parseCsv, inspectCsv, serializeCsv, decodeCsvBytes, MAX_CSV_BYTES } from './csv.js';
export type { CsvOptions, CsvInspection, CsvDelimiter, TimestampUnit } from './csv.js';
export { parseEiAcquisition, serializeEiJson, serializeEiCbor } from './eiAcquisition.js';
export type { EiSerializeOptions, EiCborSerializeOptions } from './eiAcquisition.js';
export { parseWav, serializeWav } from './wav.js';
export { parseImage, MAX_IMAGE_PIXELS } from './image.js';
export { labelFromFileName, detectFormat, baseName } from './fileName.js';
export type { SampleFormat } from './fileName.js';
export { hmacSha256, sha256, toHex } from './hmacSha256.js';

export interface ParseSampleOptions {
  /** CSV import choices (delimiter, columns, fixed interval…) */
  csv?: CsvOptions;
  /** HMAC key to check HS256 signatures of Edge Impulse files */
  hmacKey?: string;
  /** read the file as this format instead of detecting it */
  format?: SampleFormat;
}

/**
 * Parse a sample file of any supported format (detected from its bytes, then its extension).
 * The label is taken from the file name (`wave.s1.json` → `wave`). Every failure is a
 * KilnError('BAD_FILE') naming the file.
 */
export function parseSampleFile(fileName: string, bytes: Uint8Array, options: ParseSampleOptions = {}): ParsedSample & { format: SampleFormat } {
  if (bytes.length === 0) throw badFile(fileName, 'the file is empty');
  const format = options.format ?? detectFormat(fileName, bytes);
  if (format === null) {
    throw badFile(fileName, 'unknown file type; Kiln reads .csv, .json, .cbor (Edge Impulse), .wav, .png and .jpg files');
  }
  let sample: ParsedSample;
  try {
    sample = parseAs(format, fileName, bytes, options);
  } catch (e) {
    if (isKilnError(e)) throw e;
    // a parser bug must still reach the user as a located, actionable message
    throw new KilnError('BAD_FILE', `${fileName}: could not be read as ${format} (${e instanceof Error ? e.message : String(e)})`, { file: fileName });
  }
  const label = sample.label ?? labelFromFileName(fileName);
  return { ...sample, ...(label !== '' ? { label } : {}), format };
}

function parseAs(format: SampleFormat, fileName: string, bytes: Uint8Array, options: ParseSampleOptions): ParsedSample {
  switch (format) {
    case 'csv':
      return parseCsv(decodeCsvBytes(bytes, fileName), fileName, options.csv);
    case 'ei-json':
    case 'ei-cbor':
      return parseEiAcquisition(bytes, fileName, options.hmacKey);
    case 'wav':
      return parseWav(bytes, fileName);
    case 'png':
    case 'jpeg':
      return parseImage(bytes, fileName);
  }
}
