/** Longest partial line kept while waiting for its end; longer runs are flushed as a line. */
const MAX_PENDING_CHARS = 64 * 1024;

/**
 * Splits a byte stream into lines ending in `\n` or `\r\n` (the `\r` is dropped).
 * Bytes are decoded as latin1 so every byte maps to one character: a multi-byte sequence split
 * across chunks can never corrupt a line, and binary garbage stays countable.
 */
export class LineSplitter {
  private pending = '';

  push(chunk: Uint8Array): string[] {
    const text = this.pending + Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('latin1');
    const parts = text.split('\n');
    this.pending = parts.pop() ?? '';
    if (this.pending.length > MAX_PENDING_CHARS) {
      parts.push(this.pending);
      this.pending = '';
    }
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (p.endsWith('\r')) parts[i] = p.slice(0, -1);
    }
    return parts;
  }

  /** the unterminated tail seen so far (e.g. a `> ` prompt) */
  get partial(): string {
    return this.pending;
  }

  reset(): void {
    this.pending = '';
  }
}
