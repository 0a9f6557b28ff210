/**
 * CSV samples: one reading per row, one axis per column, plus an optional timestamp column.
 *
 * Reads comma, semicolon and tab separated files (detected), with or without a header row,
 * quoted fields, CRLF/LF/CR line ends, a UTF-8 BOM, Excel's `sep=;` first line and decimal
 * commas in semicolon/tab files. The interval between readings comes from a timestamp column
 * (checked to be increasing and roughly regular) or from a fixed interval the user gives.
 *
 * Limit: files above MAX_CSV_BYTES are refused with a clear error (split the file or convert
 * it to CBOR/WAV) so a single import cannot exhaust the memory of the renderer or a worker.
 */
import { badFile } from './badFile.js';
import { float32Problem, formatFloat32 } from './float32.js';
import type { ParsedSample, SensorInfo } from './types.js';

/** Largest CSV accepted, in bytes (or UTF-16 code units for text): 100 MiB. */
export const MAX_CSV_BYTES = 100 * 1024 * 1024;

export type CsvDelimiter = ',' | ';' | '\t';
export type TimestampUnit = 'ms' | 's' | 'us';

export interface CsvOptions {
  /** field separator; detected when absent */
  delimiter?: CsvDelimiter;
  /** whether the first row names the columns; detected when absent */
  hasHeader?: boolean;
  /** name of the timestamp column; detected from the header when absent, none when null */
  timestampColumn?: string | null;
  /** unit of the timestamp column; guessed from its name (and values) when absent */
  timestampUnit?: TimestampUnit;
  /** fixed ms between readings; when given, timestamps are not used for the interval */
  intervalMs?: number;
  /** columns that become axes, in this order; default: every column except the timestamp */
  columns?: string[];
  /** units of every axis; default 'N/A' */
  units?: string;
  /** allowed deviation of a timestamp step from the median step, as a fraction; default 0.5 */
  maxJitter?: number;
}

/** What the import dialog shows before the user confirms the column choice. */
export interface CsvInspection {
  delimiter: CsvDelimiter;
  hasHeader: boolean;
  /** column names (from the header, else column1, column2, …) */
  columns: string[];
  timestampColumn: string | null;
  timestampUnit: TimestampUnit | null;
  /** columns that would become axes by default */
  axes: string[];
  /** data rows (excluding header, blank and comment lines) */
  rowCount: number;
  /** ms between readings guessed from the first timestamps, null when unknown */
  intervalMs: number | null;
  /** true when the first rows use a decimal comma (semicolon/tab files; always accepted there) */
  decimalComma: boolean;
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const DECIMAL_COMMA = /^[+-]?\d*,\d+(?:[eE][+-]?\d+)?$/;
const TS_NAME = /^(timestamp|time|ts|t|elapsed(?:[ _]?time)?)(?:[ _]*[([]?\s*(ms|s|sec|secs|seconds|us|µs|micros|microseconds|millis|milliseconds)\s*[)\]]?)?$/;
const TS_UNIT_NAME = /^(ms|millis|milliseconds|s|sec|secs|seconds|us|µs|micros|microseconds)$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decode the bytes of a CSV file to text: UTF-8 (BOM optional) or UTF-16 with a BOM.
 * Anything else (UTF-16 without BOM, Latin-1 / Windows-1252) is refused with the line of the
 * first bad byte, asking the user to save the file as UTF-8.
 */
export function decodeCsvBytes(bytes: Uint8Array, fileName: string): string {
  if (bytes.length > MAX_CSV_BYTES) throw tooLarge(fileName, bytes.length);
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  try {
    return utf8.decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    let line = 1;
    for (let i = 0; i < at; i++) if (bytes[i] === 0x0a) line++;
    if (bytes.includes(0))
      throw badFile(fileName, 'the file contains NUL bytes: it looks like UTF-16 text without a byte-order mark; save it as UTF-8', { line });
    throw badFile(fileName, `byte 0x${(bytes[at] ?? 0).toString(16)} is not valid UTF-8 (Latin-1/Windows text?); save the file as UTF-8`, { line });
  }
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    const len = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (len === 0) return i;
    for (let k = 1; k < len; k++) if (((bytes[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    i += len;
  }
  return i;
}

function tooLarge(fileName: string, size: number): Error {
  return badFile(
    fileName,
    `the file is ${(size / 1048576).toFixed(0)} MiB; CSV import is limited to ${MAX_CSV_BYTES / 1048576} MiB — split it into smaller files or convert it to CBOR/WAV`,
  );
}

/** Text after the BOM, with CR-only line ends normalised; refuses NUL and U+FFFD text. */
function prepareText(text: string, fileName: string): string {
  if (text.length > MAX_CSV_BYTES) throw tooLarge(fileName, text.length);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  for (const [ch, problem] of [
    ['\u0000', 'contains NUL characters: it looks like UTF-16 text read as UTF-8; save it as UTF-8'],
    ['\ufffd', 'contains an undecodable character (U+FFFD): the file was probably not UTF-8; save it as UTF-8'],
  ] as const) {
    const at = text.indexOf(ch);
    if (at >= 0) throw badFile(fileName, problem, { line: lineOf(text, at) });
  }
  if (text.indexOf('\n') < 0 && text.indexOf('\r') >= 0) text = text.replace(/\r/g, '\n');
  if (text.trim() === '') throw badFile(fileName, 'the file is empty');
  return text;
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let p = text.indexOf('\n'); p >= 0 && p < index; p = text.indexOf('\n', p + 1)) line++;
  return line;
}

/** Splits text into rows of fields; quoted fields may contain delimiters, quotes ("") and newlines. */
class RowReader {
  pos = 0;
  line = 1;
  private nextQuote = -2;

  constructor(
    readonly text: string,
    readonly delim: string,
    readonly fileName: string,
  ) {}

  /** next non-blank, non-comment row, or null at the end */
  next(): { fields: string[]; line: number } | null {
    const text = this.text;
    while (this.pos < text.length) {
      const start = this.pos;
      const rowLine = this.line;
      let eol = text.indexOf('\n', start);
      if (eol < 0) eol = text.length;
      if (this.nextQuote !== -1 && this.nextQuote < start) this.nextQuote = text.indexOf('"', start);
      let fields: string[];
      if (this.nextQuote < 0 || this.nextQuote >= eol) {
        const end = eol > start && text.charCodeAt(eol - 1) === 13 ? eol - 1 : eol;
        const s = text.slice(start, end);
        this.pos = eol + 1;
        this.line++;
        const first = s.trimStart();
        if (first === '' || first.startsWith('#')) continue;
        fields = s.split(this.delim);
      } else {
        fields = this.quotedRow(rowLine);
      }
      return { fields, line: rowLine };
    }
    return null;
  }

  private quotedRow(rowLine: number): string[] {
    const text = this.text;
    const fields: string[] = [];
    let field = '';
    let i = this.pos;
    let quoted = false;
    for (;;) {
      if (i >= text.length) {
        if (quoted) throw badFile(this.fileName, 'a quoted field is never closed (missing ")', { line: rowLine });
        break;
      }
      const c = text[i] as string;
      if (quoted) {
        if (c === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          quoted = false;
        } else {
          if (c === '\n') this.line++;
          field += c;
        }
        i++;
        continue;
      }
      if (c === '"' && field.trim() === '') {
        quoted = true;
        field = '';
      } else if (c === this.delim) {
        fields.push(field);
        field = '';
      } else if (c === '\n') {
        break;
      } else if (c !== '\r' || text[i + 1] !== '\n') {
        field += c;
      }
      i++;
    }
    fields.push(field);
    this.pos = i + 1;
    this.line++;
    return fields;
  }
}

interface Layout {
  text: string;
  delimiter: CsvDelimiter;
  /** position of the first row after an optional `sep=` line */
  start: number;
  startLine: number;
  hasHeader: boolean;
  columns: string[];
  decimalComma: boolean;
  timestampIndex: number;
  timestampUnit: TimestampUnit | 'auto' | null;
}

function detectLayout(rawText: string, fileName: string, options: CsvOptions): Layout {
  const text = prepareText(rawText, fileName);
  let start = 0;
  let startLine = 1;
  let delimiter = options.delimiter;
  const sep = /^sep=(.)\r?\n/i.exec(text);
  if (sep) {
    start = sep[0].length;
    startLine = 2;
    const d = sep[1] === 't' ? '\t' : sep[1];
    if (delimiter === undefined && (d === ',' || d === ';' || d === '\t')) delimiter = d;
  }
  delimiter ??= detectDelimiter(text.slice(start, start + 65536), start + 65536 >= text.length);
  const reader = new RowReader(text, delimiter, fileName);
  reader.pos = start;
  reader.line = startLine;
  const first = reader.next();
  if (!first) throw badFile(fileName, 'the file is empty');
  const cells = first.fields.map((f) => f.trim());
  if (cells.length > 1 && cells[cells.length - 1] === '') cells.pop(); // trailing separator (Arduino style)
  const second = reader.next();
  const decimalComma = delimiter !== ',' && [first, second].some((r) => r?.fields.some((f) => DECIMAL_COMMA.test(f.trim())));
  const hasHeader = options.hasHeader ?? cells.some((c) => c !== '' && !isNumeric(c, delimiter !== ','));
  const columns = hasHeader ? uniqueNames(cells) : cells.map((_, i) => `column${i + 1}`);
  let timestampIndex = -1;
  let timestampUnit: Layout['timestampUnit'] = null;
  if (options.timestampColumn !== null) {
    if (options.timestampColumn !== undefined) {
      timestampIndex = findColumn(columns, options.timestampColumn);
      if (timestampIndex < 0)
        throw badFile(fileName, `there is no timestamp column "${options.timestampColumn}" (columns: ${columns.join(', ')})`, { line: first.line });
    } else if (hasHeader) {
      timestampIndex = columns.findIndex((c) => timestampUnitFromName(c) !== null);
    }
    if (timestampIndex >= 0) timestampUnit = options.timestampUnit ?? timestampUnitFromName(columns[timestampIndex] ?? '') ?? 'ms';
  }
  return { text, delimiter, start, startLine, hasHeader, columns, decimalComma, timestampIndex, timestampUnit };
}

/**
 * The separator that splits every one of the first lines into the same number (> 1) of fields;
 * tab and semicolon win over comma, as files using them often have decimal commas ("1,5;2,5").
 */
function detectDelimiter(head: string, complete: boolean): CsvDelimiter {
  const lines = head
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'))
    .slice(0, 50);
  if (lines.length > 1 && !complete) lines.pop(); // may be cut in the middle
  for (const d of ['\t', ';', ','] as const) {
    const first = countFields(lines[0] ?? '', d);
    if (first > 1 && lines.every((l) => countFields(l, d) === first)) return d;
  }
  // no consistent split: take the separator found on most lines
  let best: CsvDelimiter = ',';
  let most = 0;
  for (const d of [',', ';', '\t'] as const) {
    const n = lines.filter((l) => countFields(l, d) > 1).length;
    if (n > most) {
      most = n;
      best = d;
    }
  }
  return best;
}

function countFields(line: string, d: string): number {
  let n = 1;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') quoted = !quoted;
    else if (c === d && !quoted) n++;
  }
  if (line.trimEnd().endsWith(d)) n--;
  return n;
}

function uniqueNames(cells: string[]): string[] {
  const seen = new Map<string, number>();
  return cells.map((c, i) => {
    const base = c === '' ? `column${i + 1}` : c;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base}_${n}`;
  });
}

function findColumn(columns: string[], name: string): number {
  const exact = columns.indexOf(name);
  if (exact >= 0) return exact;
  const lower = name.trim().toLowerCase();
  return columns.findIndex((c) => c.toLowerCase() === lower);
}

/** unit implied by a timestamp column name; 'auto' when the name gives none; null: not a timestamp */
function timestampUnitFromName(name: string): TimestampUnit | 'auto' | null {
  const n = name.trim().toLowerCase();
  const m = TS_NAME.exec(n);
  let unit: string | undefined;
  if (m) {
    unit = m[2];
    if (unit === undefined) return m[1] === 'timestamp' || m[1] === 'ts' ? 'ms' : 'auto';
  } else if (TS_UNIT_NAME.test(n)) {
    unit = n;
  } else {
    return null;
  }
  if (unit === 'ms' || unit.startsWith('milli')) return 'ms';
  if (unit === 'us' || unit === 'µs' || unit.startsWith('micro')) return 'us';
  return 's';
}

function isNumeric(cell: string, decimalComma: boolean): boolean {
  return NUMBER.test(cell) || (decimalComma && DECIMAL_COMMA.test(cell));
}

function parseNumber(cell: string, decimalComma: boolean): number | null {
  const c = cell.trim();
  if (NUMBER.test(c)) return Number(c);
  if (decimalComma && DECIMAL_COMMA.test(c)) return Number(c.replace(',', '.'));
  return null;
}

/** Read the layout of a CSV file for the import dialog (no value is checked beyond the first rows). */
export function inspectCsv(text: string, fileName = 'file.csv', options: CsvOptions = {}): CsvInspection {
  const layout = detectLayout(text, fileName, options);
  const reader = readerAfterHeader(layout, fileName);
  let rowCount = 0;
  const stamps: number[] = [];
  for (let row = reader.next(); row; row = reader.next()) {
    rowCount++;
    if (layout.timestampIndex >= 0 && stamps.length < 1000) {
      const v = parseNumber(row.fields[layout.timestampIndex] ?? '', layout.delimiter !== ',');
      if (v !== null) stamps.push(v);
    }
  }
  let intervalMs: number | null = options.intervalMs ?? null;
  let unit: TimestampUnit | null = null;
  if (layout.timestampIndex >= 0 && layout.timestampUnit !== null) {
    const steps = stamps.slice(1).map((v, i) => v - (stamps[i] ?? 0));
    const median = medianOf(steps);
    unit = layout.timestampUnit === 'auto' ? autoUnit(median) : layout.timestampUnit;
    if (intervalMs === null && median > 0) intervalMs = snapInterval(median * unitToMs(unit));
  }
  return {
    delimiter: layout.delimiter,
    hasHeader: layout.hasHeader,
    columns: layout.columns,
    timestampColumn: layout.timestampIndex >= 0 ? (layout.columns[layout.timestampIndex] ?? null) : null,
    timestampUnit: unit,
    axes: axisIndices(layout, options, fileName).map((i) => layout.columns[i] ?? ''),
    rowCount,
    intervalMs,
    decimalComma: layout.decimalComma,
  };
}

function readerAfterHeader(layout: Layout, fileName: string): RowReader {
  const reader = new RowReader(layout.text, layout.delimiter, fileName);
  reader.pos = layout.start;
  reader.line = layout.startLine;
  if (layout.hasHeader) reader.next();
  return reader;
}

function axisIndices(layout: Layout, options: CsvOptions, fileName: string): number[] {
  if (options.columns) {
    if (options.columns.length === 0) throw badFile(fileName, 'no columns were chosen as axes');
    return options.columns.map((name) => {
      const i = findColumn(layout.columns, name);
      if (i < 0) throw badFile(fileName, `there is no column "${name}" (columns: ${layout.columns.join(', ')})`, { field: name });
      return i;
    });
  }
  const all = layout.columns.map((_, i) => i).filter((i) => i !== layout.timestampIndex);
  if (all.length === 0) throw badFile(fileName, 'the file has only a timestamp column and no values');
  return all;
}

function medianOf(values: ArrayLike<number>): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[sorted.length >> 1] ?? NaN;
}

/** bare 'time'/'t' columns: steps below 0.5 can only be seconds (nobody logs >2 kHz in ms) */
function autoUnit(medianStep: number): TimestampUnit {
  return medianStep < 0.5 ? 's' : 'ms';
}

function unitToMs(unit: TimestampUnit): number {
  return unit === 's' ? 1000 : unit === 'us' ? 0.001 : 1;
}

/**
 * A derived interval carries rounding noise from the timestamps; snap it to a value with 12
 * significant digits, as an interval or as a frequency (1000/3 ms stays exactly 1000/3).
 */
function snapInterval(ms: number): number {
  const asInterval = Number(ms.toPrecision(12));
  const asFrequency = 1000 / Number((1000 / ms).toPrecision(12));
  const best = Math.abs(asFrequency - ms) < Math.abs(asInterval - ms) ? asFrequency : asInterval;
  return Math.abs(best - ms) <= ms * 1e-9 ? best : ms;
}

/** Growable Float32Array / Float64Array without per-value allocation. */
class Growable<T extends Float32Array | Float64Array> {
  length = 0;
  constructor(
    public data: T,
    private readonly make: (n: number) => T,
  ) {}
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = this.make(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  result(): T {
    return this.data.slice(0, this.length) as T;
  }
}

/** Parse a CSV sample (see the module comment for what is accepted). */
export function parseCsv(text: string, fileName: string, options: CsvOptions = {}): ParsedSample {
  if (options.intervalMs !== undefined && !(options.intervalMs > 0 && Number.isFinite(options.intervalMs))) {
    throw badFile(fileName, `the fixed interval must be a positive number of ms, got ${options.intervalMs}`);
  }
  const layout = detectLayout(text, fileName, options);
  const axes = axisIndices(layout, options, fileName);
  const names = layout.columns;
  const columnCount = names.length;
  const useTimestamps = options.intervalMs === undefined;
  if (useTimestamps && layout.timestampIndex < 0) {
    throw badFile(fileName, `no timestamp column found (columns: ${names.join(', ')}); add a "timestamp" column in ms or give a fixed interval`);
  }
  const values = new Growable(new Float32Array(1024), (n) => new Float32Array(n));
  const stamps = new Growable(new Float64Array(useTimestamps ? 1024 : 1), (n) => new Float64Array(n));
  const reader = readerAfterHeader(layout, fileName);
  // "1,5" can only be a decimal comma when commas do not separate fields
  const commaDecimals = layout.delimiter !== ',';
  let rows = 0;
  for (let row = reader.next(); row; row = reader.next()) {
    const { fields, line } = row;
    if (fields.length === columnCount + 1 && (fields[columnCount] ?? '').trim() === '') fields.pop();
    if (fields.length !== columnCount) {
      throw badFile(fileName, `expected ${columnCount} columns, found ${fields.length} (separator "${layout.delimiter === '\t' ? 'tab' : layout.delimiter}")`, {
        line,
      });
    }
    for (const a of axes) values.push(cellValue(fields[a] ?? '', names[a] ?? '', line, commaDecimals, fileName));
    if (useTimestamps) {
      const t = cellValue(fields[layout.timestampIndex] ?? '', names[layout.timestampIndex] ?? '', line, commaDecimals, fileName, false);
      stamps.push(t);
    }
    rows++;
  }
  if (rows === 0) throw badFile(fileName, layout.hasHeader ? 'the file has a header but no data rows' : 'the file has no data rows');
  const intervalMs = options.intervalMs ?? intervalFromTimestamps(stamps.result(), layout, options, fileName);
  const units = options.units ?? 'N/A';
  const sensors: SensorInfo[] = axes.map((a) => ({ name: names[a] ?? '', units }));
  return { intervalMs, sensors, values: values.result(), readings: rows };
}

function cellValue(cell: string, column: string, line: number, decimalComma: boolean, fileName: string, asFloat32 = true): number {
  const v = parseNumber(cell, decimalComma);
  if (v === null) {
    const shown = cell.trim();
    throw badFile(fileName, shown === '' ? 'the value is empty' : `"${shown.length > 30 ? shown.slice(0, 30) + '…' : shown}" is not a number`, {
      line,
      field: column,
    });
  }
  const problem = asFloat32 ? float32Problem(v) : Number.isFinite(v) ? null : `${v} is not a valid timestamp`;
  if (problem) throw badFile(fileName, problem, { line, field: column });
  return v;
}

function intervalFromTimestamps(t: Float64Array, layout: Layout, options: CsvOptions, fileName: string): number {
  // line numbers are only needed for an error: find them by reading the rows again
  const lineOfRow = (index: number): number => {
    const reader = readerAfterHeader(layout, fileName);
    let row = reader.next();
    for (let i = 0; i < index && row; i++) row = reader.next();
    return row?.line ?? 0;
  };
  const column = layout.columns[layout.timestampIndex] ?? 'timestamp';
  if (t.length < 2) throw badFile(fileName, `one reading is not enough to derive the interval from "${column}"; give a fixed interval`, { field: column });
  const steps = new Float64Array(t.length - 1);
  for (let i = 1; i < t.length; i++) {
    const step = (t[i] ?? 0) - (t[i - 1] ?? 0);
    if (!(step > 0)) {
      throw badFile(fileName, `timestamps must increase: ${t[i]} follows ${t[i - 1]}; fix the timestamps or give a fixed interval`, {
        line: lineOfRow(i),
        field: column,
      });
    }
    steps[i - 1] = step;
  }
  const median = medianOf(steps);
  const unit = layout.timestampUnit === 'auto' || layout.timestampUnit === null ? autoUnit(median) : layout.timestampUnit;
  const jitter = options.maxJitter ?? 0.5;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i] ?? 0;
    if (Math.abs(step - median) > median * jitter) {
      throw badFile(
        fileName,
        `irregular sampling: a step of ${fmt(step)} ${unit} where most steps are ${fmt(median)} ${unit}; fix the timestamps or give a fixed interval`,
        { line: lineOfRow(i + 1), field: column },
      );
    }
  }
  const mean = ((t[t.length - 1] ?? 0) - (t[0] ?? 0)) / (t.length - 1);
  return snapInterval(mean * unitToMs(unit));
}

function fmt(v: number): string {
  return String(Number(v.toPrecision(6)));
}

/**
 * Write a sample as CSV: `timestamp,<axis names…>` with the timestamp in ms (reading × interval)
 * and values printed with the fewest digits that read back as the same float32.
 */
export function serializeCsv(sample: ParsedSample): string {
  const axes = sample.sensors.length;
  if (axes === 0) throw new RangeError('sample has no sensors');
  if (sample.values.length !== sample.readings * axes) throw new RangeError('sample values do not match readings × sensors');
  const header = ['timestamp', ...sample.sensors.map((s) => quote(s.name))].join(',');
  const lines: string[] = [header];
  for (let r = 0; r < sample.readings; r++) {
    let line = String(r * sample.intervalMs);
    for (let a = 0; a < axes; a++) line += ',' + formatFloat32(sample.values[r * axes + a] ?? 0);
    lines.push(line);
  }
  return lines.join('\n') + '\n';
}

function quote(name: string): string {
  return /[",;\t\r\n]/.test(name) || name.trim() !== name ? `"${name.replace(/"/g, '""')}"` : name;
}
