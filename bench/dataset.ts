/**
 * Dataset figures: CSV and WAV import throughput through the real `samples.import` job (files on
 * disk → parse → SQLite in a temp project), and `samples.list` query time over 10 000 samples
 * through the dispatcher (validation included). Prints JSON.
 * Run: npx tsx bench/dataset.ts [csvFiles] [wavFiles]
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ImportResult } from '../src/shared/api/samples';
import { serializeCsv, serializeWav } from '../src/shared/formats';
import { audio, series, testStudio } from '../src/main/dataset/testKit';
import { SampleRepository, type NewSample } from '../src/main/store/sampleRepository';

const [csvFiles = 40, wavFiles = 40] = process.argv.slice(2).map(Number);
const studio = testStudio();
const work = mkdtempSync(path.join(os.tmpdir(), 'kiln-bench-dataset-'));

async function importThroughput(kind: 'csv' | 'wav', files: number) {
  const project = `bench-${kind}`;
  await studio.call('projects.create', { name: project });
  const dir = path.join(work, kind);
  let bytes = 0;
  for (let i = 0; i < files; i++) {
    const file = path.join(dir, `${kind === 'csv' ? 'move' : 'word'}.${i}.${kind}`);
    // CSV: 10 s of 3 axes at 100 Hz... ×10 = 10 000 rows; WAV: 5 s of 16 kHz mono int16
    const data = kind === 'csv' ? serializeCsv(series(10_000, ['accX', 'accY', 'accZ'], 10, i)) : serializeWav(audio(80_000, 16_000, i + 1));
    if (i === 0) (await import('node:fs')).mkdirSync(dir, { recursive: true });
    writeFileSync(file, data);
    bytes += statSync(file).size;
  }
  const t0 = performance.now();
  const job = await studio.job('samples.import', { project, paths: [dir], category: 'split' });
  const seconds = (performance.now() - t0) / 1000;
  const result = job.result as ImportResult;
  if (job.state !== 'succeeded' || result.imported !== files)
    throw new Error(`${kind} import did not import every file: ${JSON.stringify(job.error ?? result.failed.slice(0, 3))}`);
  return {
    files,
    megabytes: round(bytes / 1e6),
    seconds: round(seconds),
    megabytesPerSecond: round(bytes / 1e6 / seconds),
    filesPerSecond: round(files / seconds),
  };
}

async function listTimes(samples: number) {
  const project = 'bench-list';
  await studio.call('projects.create', { name: project });
  const repo = new SampleRepository(studio.services.home.get(project).db);
  const labels = ['idle', 'wave', 'updown', 'circle', 'snake'];
  const sensors = ['accX', 'accY', 'accZ'].map((name) => ({ name, units: 'm/s2' }));
  const batch: NewSample[] = [];
  for (let i = 0; i < samples; i++) {
    const readings = 100 + (i % 37) * 5;
    batch.push({
      label: labels[i % labels.length]!,
      category: i % 5 === 0 ? 'test' : 'train',
      sensors,
      intervalMs: 10,
      values: new Float32Array(readings * 3).fill(i % 7),
      source: 'bench',
    });
  }
  const t0 = performance.now();
  repo.insertMany(batch);
  const insertSeconds = (performance.now() - t0) / 1000;
  const time = async (args: Record<string, unknown>) => {
    const runs: number[] = [];
    for (let i = 0; i < 15; i++) {
      const t = performance.now();
      const r = await studio.call('samples.list', { project, offset: 0, limit: 100, ...args });
      runs.push(performance.now() - t);
      if (r.rows.length === 0) throw new Error(`empty page for ${JSON.stringify(args)}`);
    }
    runs.sort((a, b) => a - b);
    return { medianMs: round(runs[Math.floor(runs.length / 2)]!), maxMs: round(runs[runs.length - 1]!) };
  };
  return {
    samples,
    insertManySeconds: round(insertSeconds),
    firstPage: await time({}),
    filteredLabelAndSet: await time({ label: 'wave', category: 'train' }),
    sortedByLength: await time({ sort: 'length', descending: true }),
    sortedByName: await time({ sort: 'name' }),
    textSearch: await time({ text: 'circle.9' }),
    lastPage: await time({ offset: samples - 100 }),
    countsMs: await (async () => {
      const t = performance.now();
      await studio.call('samples.counts', { project });
      return round(performance.now() - t);
    })(),
  };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

try {
  const csv = await importThroughput('csv', csvFiles);
  const wav = await importThroughput('wav', wavFiles);
  const list = await listTimes(10_000);
  console.log(
    JSON.stringify({ import: { csv, wav, path: 'samples.import job (files → parseSampleFile → SQLite, one transaction per sample)' }, list }, null, 2),
  );
} finally {
  studio.dispose();
  rmSync(work, { recursive: true, force: true });
  rmSync(studio.home, { recursive: true, force: true });
}
