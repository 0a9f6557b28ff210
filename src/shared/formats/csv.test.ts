import { describe, expect, it } from 'vitest';
import { decodeCsvBytes, inspectCsv, MAX_CSV_BYTES, parseCsv, serializeCsv } from './csv.js';
import { badFileError, bits, seededBytes, seededFloats } from './testKit.js';
import type { ParsedSample } from './types.js';

const accel = ['timestamp,accX,accY,accZ', '0,1.5,-2,9.81', '10,1.25,-2.5,9.8', '20,1,-3,9.79', ''].join('\n');

describe('reading CSV samples', () => {
  it('reads a comma file with a ms timestamp column into interleaved axes', () => {
    const s = parseCsv(accel, 'wave.1.csv');
    expect(s.intervalMs).toBe(10);
    expect(s.readings).toBe(3);
    expect(s.sensors).toEqual([
      { name: 'accX', units: 'N/A' },
      { name: 'accY', units: 'N/A' },
      { name: 'accZ', units: 'N/A' },
    ]);
    expect(Array.from(s.values)).toEqual([1.5, -2, Math.fround(9.81), 1.25, -2.5, Math.fround(9.8), 1, -3, Math.fround(9.79)]);
  });

  it('detects semicolons with decimal commas, tabs, CRLF line ends and a BOM', () => {
    const semi = '\uFEFFtime (s);x;y\r\n0,00;1,5;2\r\n0,02;2,5;3\r\n0,04;3,5;4\r\n';
    const s = parseCsv(semi, 'semi.csv');
    expect(s.intervalMs).toBe(20);
    expect(Array.from(s.values)).toEqual([1.5, 2, 2.5, 3, 3.5, 4]);
    expect(inspectCsv(semi, 'semi.csv')).toMatchObject({ delimiter: ';', decimalComma: true, timestampColumn: 'time (s)', timestampUnit: 's' });
    const tab = 'ms\ta\tb\n0\t1\t2\n5\t3\t4\n';
    expect(parseCsv(tab, 'tab.tsv')).toMatchObject({ intervalMs: 5, readings: 2 });
    expect(parseCsv('1,5;2,5\n3,5;4,5\n', 'nohead.csv', { intervalMs: 1 }).values).toEqual(Float32Array.from([1.5, 2.5, 3.5, 4.5]));
    // decimal commas that first appear further down are still read
    expect(Array.from(parseCsv('ms;x\n0;1\n5;2\n10;2,5\n', 'late.csv').values)).toEqual([1, 2, 2.5]);
    expect(inspectCsv(tab).delimiter).toBe('\t');
  });

  it('reads quoted header names holding commas, quotes and newlines', () => {
    const text = 'timestamp,"acc, X","say ""hi""","multi\nline"\n0,1,2,3\n1,4,5,6\n';
    const s = parseCsv(text, 'q.csv');
    expect(s.sensors.map((x) => x.name)).toEqual(['acc, X', 'say "hi"', 'multi\nline']);
    expect(s.readings).toBe(2);
  });

  it('takes seconds from the name, or from sub-0.5 steps of a bare "time" column', () => {
    expect(parseCsv('time_s,x\n0,1\n0.5,2\n1,3\n', 'a.csv').intervalMs).toBe(500);
    expect(parseCsv('time,x\n0,1\n0.01,2\n0.02,3\n', 'a.csv').intervalMs).toBe(10);
    expect(parseCsv('time,x\n0,1\n16,2\n32,3\n', 'a.csv').intervalMs).toBe(16);
    expect(parseCsv('micros,x\n0,1\n250,2\n500,3\n', 'a.csv').intervalMs).toBe(0.25);
    expect(parseCsv('timestamp,x\n0,1\n1,2\n2,3\n', 'a.csv', { timestampUnit: 's' }).intervalMs).toBe(1000);
  });

  it('uses a fixed interval when given, for files without timestamps or header', () => {
    const s = parseCsv('1,2\n3,4\n5,6\n', 'plain.csv', { intervalMs: 16 });
    expect(s).toMatchObject({ intervalMs: 16, readings: 3 });
    expect(s.sensors.map((x) => x.name)).toEqual(['column1', 'column2']);
  });

  it('keeps only the chosen columns, in the chosen order', () => {
    const s = parseCsv('timestamp,label,accX,accY\n0,idle,1,2\n10,idle,3,4\n', 'c.csv', { columns: ['accY', 'accx'] });
    expect(s.sensors.map((x) => x.name)).toEqual(['accY', 'accX']);
    expect(Array.from(s.values)).toEqual([2, 1, 4, 3]);
  });

  it('accepts a trailing separator (Arduino style), blank lines, comments and a sep= line', () => {
    const s = parseCsv('sep=;\n# logged by sketch\ntimestamp;x;\n0;1;\n\n10;2;\n', 'ard.csv');
    expect(s).toMatchObject({ intervalMs: 10, readings: 2 });
  });

  it('derives an exact interval from timestamps of an irregular-looking rate like 1000/3 ms', () => {
    const rows = ['timestamp,x'];
    for (let i = 0; i < 100; i++) rows.push(`${(i * 1000) / 3},${i}`);
    expect(parseCsv(rows.join('\n'), 'third.csv').intervalMs).toBe(1000 / 3);
  });

  it('describes a file for the import dialog without reading every value', () => {
    const info = inspectCsv('timestamp,accX,accY,accZ\n0,1,2,3\n10,1,2,3\n20,x,y,z\n', 'i.csv');
    expect(info).toEqual({
      delimiter: ',',
      hasHeader: true,
      columns: ['timestamp', 'accX', 'accY', 'accZ'],
      timestampColumn: 'timestamp',
      timestampUnit: 'ms',
      axes: ['accX', 'accY', 'accZ'],
      rowCount: 3,
      intervalMs: 10,
      decimalComma: false,
    });
  });
});

describe('writing CSV samples', () => {
  const sample = (values: Float32Array, intervalMs: number, names = ['accX', 'accY', 'accZ']): ParsedSample => ({
    intervalMs,
    sensors: names.map((name) => ({ name, units: 'N/A' })),
    values,
    readings: values.length / names.length,
  });

  it('round-trips random float32 values bit-exactly, with short text for short values', () => {
    const values = seededFloats(7, 3000, 1000);
    values[0] = -0;
    values[1] = 3.4028234663852886e38;
    values[2] = 1.401298464324817e-45;
    values[3] = 0.1;
    const original = sample(values, 1000 / 62.5);
    const text = serializeCsv(original);
    expect(text.split('\n')[1]).toBe(`0,-0,3.4028235e+38,1e-45`);
    const back = parseCsv(text, 'round.csv');
    expect(back.intervalMs).toBe(original.intervalMs);
    expect(back.sensors).toEqual(original.sensors);
    expect(bits(back.values)).toEqual(bits(values));
  });

  it('round-trips awkward intervals and names that need quoting', () => {
    for (const interval of [1000 / 3, 0.0625, 1000 / 44100, 16.7, 100]) {
      const back = parseCsv(serializeCsv(sample(new Float32Array([1, 2, 3, 4]), interval, ['a,b', 'c"d'])), 'r.csv');
      expect(back.intervalMs).toBe(interval);
      expect(back.sensors.map((s) => s.name)).toEqual(['a,b', 'c"d']);
    }
  });
});

describe('refusing bad CSV files with the file and line', () => {
  it('refuses an empty file and a file of blank lines', () => {
    expect(badFileError(() => parseCsv('', 'e.csv'), 'e.csv').message).toMatch(/empty/);
    badFileError(() => parseCsv('\n\r\n  \n', 'e.csv'), 'e.csv');
  });

  it('refuses a header with no rows', () => {
    expect(badFileError(() => parseCsv('timestamp,accX\n', 'h.csv'), 'h.csv').message).toMatch(/header but no data rows/);
  });

  it('names the line when a row has the wrong number of columns', () => {
    const rows = ['timestamp,a,b,c'];
    for (let i = 0; i < 12; i++) rows.push(`${i * 10},1,2,3`);
    rows.push('120,1,2');
    const e = badFileError(() => parseCsv(rows.join('\n'), 'wave.1.csv'), 'wave.1.csv');
    expect(e.message).toBe('wave.1.csv line 14: expected 4 columns, found 3 (separator ",")');
    expect(e.details).toMatchObject({ line: 14 });
  });

  it.each([
    ['nan', /"nan" is not a number/],
    ['NaN', /"NaN" is not a number/],
    ['Infinity', /"Infinity" is not a number/],
    ['-inf', /"-inf" is not a number/],
    ['0x10', /"0x10" is not a number/],
    ['', /empty/],
    ['1e39', /too large for a 32-bit float/],
    ['-1e39', /too large for a 32-bit float/],
    ['1e999', /not a valid reading/],
  ])('refuses the value %j with its line and column', (cell, pattern) => {
    const e = badFileError(() => parseCsv(`timestamp,accX,accY\n0,1,2\n10,3,${cell}\n`, 'v.csv'), 'v.csv');
    expect(e.message).toMatch(pattern);
    expect(e.message.startsWith('v.csv line 3, accY: ')).toBe(true);
  });

  it('refuses timestamps that go backwards or jump, naming the line', () => {
    expect(badFileError(() => parseCsv('timestamp,x\n0,1\n10,1\n5,1\n', 't.csv'), 't.csv').message).toMatch(
      /^t.csv line 4, timestamp: timestamps must increase/,
    );
    expect(badFileError(() => parseCsv('timestamp,x\n0,1\n10,1\n10,1\n', 't.csv'), 't.csv').message).toMatch(/line 4/);
    const gap = badFileError(() => parseCsv('timestamp,x\n0,1\n10,1\n20,1\n60,1\n70,1\n', 't.csv'), 't.csv');
    expect(gap.message).toMatch(/^t.csv line 5, timestamp: irregular sampling: a step of 40 ms where most steps are 10 ms/);
    // …which a fixed interval overrides
    expect(parseCsv('timestamp,x\n0,1\n10,1\n20,1\n60,1\n', 't.csv', { intervalMs: 10 }).readings).toBe(4);
  });

  it('asks for an interval when there is no timestamp, or only one reading', () => {
    expect(badFileError(() => parseCsv('a,b\n1,2\n', 'n.csv'), 'n.csv').message).toMatch(/no timestamp column found .* give a fixed interval/);
    expect(badFileError(() => parseCsv('timestamp,b\n0,2\n', 'n.csv'), 'n.csv').message).toMatch(/one reading is not enough/);
  });

  it('refuses unknown chosen columns and an unclosed quote', () => {
    expect(badFileError(() => parseCsv(accel, 'c.csv', { columns: ['gyrX'] }), 'c.csv').message).toMatch(/no column "gyrX"/);
    expect(badFileError(() => parseCsv('timestamp,x\n0,"1\n10,2\n', 'q.csv'), 'q.csv').message).toMatch(/^q.csv line 2: a quoted field is never closed/);
  });

  it('decodes UTF-16 with a BOM but refuses UTF-16 without one and Latin-1 text', () => {
    const utf16 = new Uint8Array([0xff, 0xfe, ...Array.from('timestamp,x\n0,1\n5,2\n').flatMap((c) => [c.charCodeAt(0), 0])]);
    expect(parseCsv(decodeCsvBytes(utf16, 'u.csv'), 'u.csv').intervalMs).toBe(5);
    const noBom = utf16.subarray(2);
    expect(badFileError(() => decodeCsvBytes(new Uint8Array([...noBom, 0xd8, 0x00]), 'u.csv'), 'u.csv').message).toMatch(/UTF-16/);
    expect(badFileError(() => parseCsv(new TextDecoder().decode(noBom), 'u.csv'), 'u.csv').message).toMatch(/NUL characters/);
    const latin1 = new Uint8Array([...new TextEncoder().encode('timestamp,x\n0,1\ntemp '), 0xb0, 0x43, 0x0a]);
    expect(badFileError(() => decodeCsvBytes(latin1, 'l.csv'), 'l.csv').message).toBe(
      'l.csv line 3: byte 0xb0 is not valid UTF-8 (Latin-1/Windows text?); save the file as UTF-8',
    );
    expect(badFileError(() => parseCsv(new TextDecoder().decode(latin1), 'l.csv'), 'l.csv').message).toMatch(/^l.csv line 3: .*U\+FFFD/);
  });

  it('never hangs or throws anything but BAD_FILE on random bytes', () => {
    for (let seed = 1; seed <= 100; seed++) {
      const bytes = seededBytes(seed, 1 + seed * 7);
      try {
        parseCsv(decodeCsvBytes(bytes, 'r.csv'), 'r.csv', seed % 2 ? { intervalMs: 10 } : {});
      } catch (e) {
        badFileError(() => {
          throw e;
        }, 'r.csv');
      }
    }
  });

  it('answers every truncation of a file with a shorter sample or BAD_FILE', () => {
    const text = 'timestamp;"acc X";accY\r\n0;1,5;-2\r\n10;2,25;3e-3\r\n20;"4";5\r\n30;6;7\r\n';
    for (let n = 0; n < text.length; n++) {
      try {
        const s = parseCsv(text.slice(0, n), 'cut.csv');
        expect(s.readings).toBeGreaterThanOrEqual(2);
      } catch (e) {
        badFileError(() => {
          throw e;
        }, 'cut.csv');
      }
    }
  });

  it('never hangs or throws anything but BAD_FILE on random CSV-like text', () => {
    const alphabet = '0123456789.,;\t\n\r"e-+ abnN#';
    for (let seed = 1; seed <= 400; seed++) {
      const text = Array.from(seededBytes(seed, 5 + (seed % 80)), (b) => alphabet[b % alphabet.length]).join('');
      for (const options of [{}, { intervalMs: 1 }, { hasHeader: false, intervalMs: 2 }]) {
        try {
          parseCsv(text, 'fuzz.csv', options);
          inspectCsv(text, 'fuzz.csv');
        } catch (e) {
          badFileError(() => {
            throw e;
          }, 'fuzz.csv');
        }
      }
    }
  });

  it('refuses a 200 MB file at once with the documented limit', () => {
    const big = new Uint8Array(200 * 1024 * 1024);
    const t0 = performance.now();
    expect(badFileError(() => decodeCsvBytes(big, 'big.csv'), 'big.csv').message).toMatch(/200 MiB; CSV import is limited to 100 MiB/);
    expect(badFileError(() => parseCsv('x'.repeat(MAX_CSV_BYTES + 1), 'big.csv'), 'big.csv').message).toMatch(/limited to 100 MiB/);
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('parses a 10 MB file of 3-axis readings in a few seconds', () => {
    const rows = ['timestamp,accX,accY,accZ'];
    for (let i = 0; i < 300_000; i++) rows.push(`${i * 10},${(i % 977) / 7},-${(i % 13) * 1.5},9.80665`);
    const text = rows.join('\n');
    const t0 = performance.now();
    const s = parseCsv(text, 'big.csv');
    expect(s.readings).toBe(300_000);
    expect(performance.now() - t0).toBeLessThan(5000);
  });
});
