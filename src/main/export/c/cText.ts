/** Formatting of C literals: exact float32 values, integer arrays, string literals. */

/** The shortest decimal that reads back as the same float32, with an `f` suffix. */
export function floatLiteral(value: number): string {
  const v = Math.fround(value);
  if (!Number.isFinite(v)) return Number.isNaN(v) ? '(0.0f / 0.0f)' : v > 0 ? '(1.0f / 0.0f)' : '(-1.0f / 0.0f)';
  if (v === 0) return Object.is(v, -0) ? '-0.0f' : '0.0f';
  for (let p = 1; p <= 9; p++) {
    const s = String(Number(v.toPrecision(p)));
    if (Math.fround(Number(s)) === v) return `${s}${/[.e]/.test(s) ? '' : '.0'}f`;
  }
  return `${v.toPrecision(9)}f`;
}

/** An int32 literal that is valid C for INT32_MIN too. */
export function intLiteral(value: number): string {
  return value === -2147483648 ? '(-2147483647 - 1)' : String(value);
}

/** Comma-separated values, `perLine` to a line, indented. */
export function arrayBody(values: ArrayLike<number>, format: (v: number) => string, perLine = 16): string {
  const parts: string[] = [];
  for (let i = 0; i < values.length; i += perLine) {
    const line: string[] = [];
    for (let j = i; j < Math.min(values.length, i + perLine); j++) line.push(format(values[j]!));
    parts.push(`    ${line.join(', ')}`);
  }
  return parts.join(',\n');
}

/** A C string literal (escapes quotes, backslashes and non-printable bytes). */
export function stringLiteral(s: string): string {
  let out = '"';
  for (const byte of new TextEncoder().encode(s)) {
    if (byte === 0x22 || byte === 0x5c) out += `\\${String.fromCharCode(byte)}`;
    else if (byte >= 0x20 && byte < 0x7f && byte !== 0x3f) out += String.fromCharCode(byte);
    else out += `\\${byte.toString(8).padStart(3, '0')}`;
  }
  return `${out}"`;
}
