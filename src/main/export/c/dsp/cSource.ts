/** Small helpers for writing C source text from TypeScript values. */
import { KilnError } from '../../../../shared/errors.js';

/** A float32 literal that reads back as exactly Math.fround(v) (9 significant digits). */
export function cFloat(v: number): string {
  const f = Math.fround(v);
  if (!Number.isFinite(f)) throw new RangeError(`cannot write ${v} as a C float literal`);
  if (f === 0) return '0.0f';
  const text = f.toPrecision(9);
  return `${text.includes('.') || text.includes('e') ? text : `${text}.0`}f`;
}

/** Comma-separated C initialiser rows, `perLine` values to a line, indented by 4. */
export function cRows(values: readonly string[], perLine = 8): string {
  const lines: string[] = [];
  for (let i = 0; i < values.length; i += perLine) lines.push(`    ${values.slice(i, i + perLine).join(', ')},`);
  return lines.join('\n');
}

/** `static const <type> <name>[n] = {...};` for a numeric table. */
export function cArray(type: string, name: string, values: readonly string[], perLine = 8): string {
  return `static const ${type} ${name}[${Math.max(values.length, 1)}] = {\n${values.length ? cRows(values, perLine) : '    0,'}\n};`;
}

/** Throws unless name is a valid C identifier (block instance names become symbol prefixes). */
export function checkCIdentifier(name: string): void {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new KilnError('BAD_PARAMS', `The DSP block instance name "${name}" is not a valid C identifier`, { field: 'instance' });
  }
}
