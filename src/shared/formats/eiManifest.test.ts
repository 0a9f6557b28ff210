import { describe, expect, it } from 'vitest';
import { eiSampleName, isUnlabelled, manifestKey, parseEiManifest } from './eiManifest.js';

const bytes = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));

describe('sample names from Edge Impulse file names', () => {
  it.each([
    ['circle.json.6600p2qi.ingestion-5c4bbc78bc-75x9x.json', 'circle.6600p2qi'],
    ['training/circle.3r7ufsr5.ingestion-5c4bbc78bc-75x9x.json', 'circle.3r7ufsr5'],
    ['Chinese.4oodjbst.ingestion-7f9566b7b4-rjrqz.s1.json', 'Chinese.4oodjbst.s1'],
    ['noise.dude_miaowing.wav.13000.wav.4olrdftp.ingestion-79d4d6cbd8-24xpm.json', 'noise.dude_miaowing.wav.13000.4olrdftp'],
    ['wave.01.csv', 'wave.01'],
  ])('%s → %s', (file, name) => expect(eiSampleName(file)).toBe(name));
});

describe('the info.labels manifest', () => {
  it('gives category and label per path; unlabelled and not-a-class labels become ""', () => {
    const entries = parseEiManifest(
      'info.labels',
      bytes({
        version: 1,
        files: [
          { path: 'training\\a.json', name: 'a.1', category: 'training', label: { type: 'label', label: 'wave' } },
          { path: './testing/b.json', category: 'testing', label: { type: 'unlabeled' } },
          { path: 'testing/c.json', category: 'testing', label: { type: 'label', label: 'testing' } },
        ],
      }),
    );
    expect(entries).toEqual([
      { path: 'training/a.json', name: 'a.1', category: 'train', label: 'wave' },
      { path: 'testing/b.json', name: null, category: 'test', label: '' },
      { path: 'testing/c.json', name: null, category: 'test', label: '' },
    ]);
    expect(['unknown', '_unknown', ' ', 'Testing'].every(isUnlabelled)).toBe(true);
    expect(isUnlabelled('idle')).toBe(false);
  });

  it('compares paths in NFC', () => expect(manifestKey('caf\u0065\u0301/x')).toBe(manifestKey('café/x')));

  it('names the entry that is wrong', () => {
    expect(() => parseEiManifest('info.labels', bytes({ files: [{ path: 'a.json', category: 'validation' }] }))).toThrow(
      /info\.labels files\[0\]: category "validation"/,
    );
    expect(() => parseEiManifest('info.labels', new TextEncoder().encode('{'))).toThrow(/info\.labels: is not valid JSON/);
  });
});
