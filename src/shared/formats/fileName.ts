import { isJpeg, isPng } from './image.js';

export type SampleFormat = 'csv' | 'ei-json' | 'ei-cbor' | 'wav' | 'png' | 'jpeg';

/** The file name without folders (either slash). */
export function baseName(name: string): string {
  const cut = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
  return name.slice(cut + 1);
}

/**
 * Label Edge Impulse's uploader takes from a file name: the part before the first `.`
 * (`wave.s1.json` → `wave`). Leading dots are skipped (`.idle.csv` → `idle`); folders ignored.
 */
export function labelFromFileName(name: string): string {
  const base = baseName(name).replace(/^\.+/, '');
  const dot = base.indexOf('.');
  return (dot < 0 ? base : base.slice(0, dot)).trim();
}

const BY_EXTENSION: Record<string, SampleFormat> = {
  csv: 'csv',
  tsv: 'csv',
  txt: 'csv',
  json: 'ei-json',
  cbor: 'ei-cbor',
  wav: 'wav',
  wave: 'wav',
  png: 'png',
  jpg: 'jpeg',
  jpeg: 'jpeg',
};

/**
 * Which parser reads a file: magic bytes first (PNG, JPEG, RIFF/WAVE, JSON object, CBOR map),
 * then the extension; null when neither says.
 */
export function detectFormat(fileName: string, bytes: Uint8Array): SampleFormat | null {
  if (isPng(bytes)) return 'png';
  if (isJpeg(bytes)) return 'jpeg';
  const riff = String.fromCharCode(...bytes.subarray(0, 4));
  if ((riff === 'RIFF' || riff === 'RIFX' || riff === 'RF64') && String.fromCharCode(...bytes.subarray(8, 12)) === 'WAVE') return 'wav';
  if (startsLikeJsonObject(bytes)) return 'ei-json';
  if (startsLikeCborMap(bytes)) return 'ei-cbor';
  const ext = baseName(fileName).toLowerCase().split('.').pop() ?? '';
  return BY_EXTENSION[ext] ?? null;
}

function startsLikeJsonObject(bytes: Uint8Array): boolean {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d) i++;
  // `{"` (or `{` then white space/`}`): CSV never starts like this
  const next = bytes[i + 1];
  return bytes[i] === 0x7b && (next === 0x22 || next === 0x20 || next === 0x0a || next === 0x0d || next === 0x09 || next === 0x7d);
}

function startsLikeCborMap(bytes: Uint8Array): boolean {
  let i = 0;
  // optional self-describe tag 55799 (0xD9 0xD9 0xF7)
  if (bytes[0] === 0xd9 && bytes[1] === 0xd9 && bytes[2] === 0xf7) i = 3;
  const b = bytes[i];
  if (b === undefined || !((b >= 0xa1 && b <= 0xb7) || b === 0xbf)) return false;
  // the first key must be a short text string
  const k = bytes[i + 1];
  return k !== undefined && k >= 0x61 && k <= 0x77;
}
