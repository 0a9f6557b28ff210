import { KilnError } from '../errors.js';

/** Where in a file a problem sits; every field optional. */
export interface FileLocation {
  /** 1-based line number (text formats) */
  line?: number;
  /** column or JSON/CBOR path, e.g. 'accX' or 'payload.values[14]' */
  field?: string;
  /** byte offset from the start of the file (binary formats) */
  offset?: number;
}

/**
 * The one way the format parsers report bad input: KilnError('BAD_FILE') whose message starts
 * with the file name and location (`wave.1.csv line 14: …`) so a person can find the problem.
 */
export function badFile(file: string, problem: string, where: FileLocation = {}): KilnError {
  let prefix = file;
  if (where.line !== undefined) prefix += ` line ${where.line}`;
  else if (where.offset !== undefined) prefix += ` byte ${where.offset}`;
  if (where.field !== undefined) prefix += where.line !== undefined || where.offset !== undefined ? `, ${where.field}` : ` ${where.field}`;
  return new KilnError('BAD_FILE', `${prefix}: ${problem}`, { file, ...where });
}
