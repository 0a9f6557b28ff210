import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobInfo } from '../../shared/api/jobs';
import { testStudio, type TestStudio } from '../dataset/testKit';
import { getDspBlock, paramsWithDefaults } from '../../shared/dsp/index';
import { SampleRepository } from '../store/sampleRepository';
import { motionImpulse, saveImpulse } from '../training/testKit';
import { ExportService, libraryName, type LibraryGenerator } from './exportService';

let studio: TestStudio;
let outDir: string;
const settings = { epochs: 2, learningRate: 0.005, batchSize: 32, validationSplit: 0.2, seed: 3 };

const db = (project: string) => studio.services.home.get(project).db;
const wait = (jobId: string): Promise<JobInfo> => studio.services.jobs.wait(jobId);
const libraryCount = (project: string) => (db(project).prepare('SELECT count(*) AS n FROM built_libraries').get() as { n: number }).n;
const buildJobs = (project: string) => studio.services.jobs.list(project).filter((j) => j.kind === 'library.build').length;

async function expectCode(p: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  const e = await p.then(
    () => null,
    (err: unknown) => err as Error & { code: string },
  );
  expect(e, 'expected an error').not.toBeNull();
  expect(e!.code).toBe(code);
  if (message) expect(e!.message).toMatch(message);
}

/** A motion demo project with its impulse saved and features generated, trained when `spec` is given. */
async function project(name: string, spec?: unknown): Promise<void> {
  await studio.call('projects.create', { name, demo: 'motion' });
  saveImpulse(db(name), motionImpulse(db(name)));
  const gen = await wait((await studio.call('features.generate', { project: name })).jobId);
  expect(gen.state, gen.error?.message).toBe('succeeded');
  if (spec === undefined) return;
  const job = await wait((await studio.call('model.train', { project: name, settings, ...(spec === null ? {} : { spec }) })).jobId);
  expect(job.state, job.error?.message).toBe('succeeded');
}

beforeAll(async () => {
  studio = testStudio();
  outDir = mkdtempSync(path.join(os.tmpdir(), 'kiln-export-out-'));
  await project('untrained');
  await project('gestures', null);
}, 120_000);
afterAll(() => studio.dispose());

describe('export service', () => {
  it('names a library after its project as a C identifier', () => {
    expect(libraryName('Gestures 2')).toBe('gestures_2');
    expect(libraryName('3d-motion')).toBe('kiln_3d_motion');
    expect(libraryName('---')).toBe('kiln');
  });

  it('refuses to build or estimate before a model is trained, and says so in the options', async () => {
    const o = await studio.call('deploy.options', { project: 'untrained' });
    expect(o.model).toBeNull();
    expect(o.problem).toMatch(/no trained model to export yet/);
    expect(o.boards.map((b) => b.id)).toContain('arduino-nano-33-ble-sense');
    await expectCode(
      studio.call('deploy.build', { project: 'untrained', format: 'onnx', precision: 'float32' }),
      'NOT_FOUND',
      /train one on the Training page/,
    );
    await expectCode(
      studio.call('deploy.estimate', { project: 'untrained', format: 'onnx', precision: 'float32', board: 'arduino-nano-33-ble-sense' }),
      'NOT_FOUND',
      /no trained model/,
    );
    expect(buildJobs('untrained')).toBe(0);
  });

  it('estimates flash, RAM and latency on a board before building, for each precision', async () => {
    const o = await studio.call('deploy.options', { project: 'gestures' });
    expect(o.problem).toBeNull();
    expect(o.model).toMatchObject({ block: 'classifier', current: true, hasInt8: true });
    const int8 = await studio.call('deploy.estimate', { project: 'gestures', format: 'c', precision: 'int8', board: 'arduino-nano-33-ble-sense' });
    const float = await studio.call('deploy.estimate', { project: 'gestures', format: 'c', precision: 'float32', board: 'arduino-nano-33-ble-sense' });
    expect(int8.board).toMatchObject({ id: 'arduino-nano-33-ble-sense', ramKb: 256, flashKb: 1024 });
    expect(int8.fits).toBe(true);
    expect(int8.estimate.flashBytes).toBeLessThan(float.estimate.flashBytes);
    expect(int8.estimate.totalMs).toBeGreaterThan(0);
    await expectCode(
      studio.call('deploy.estimate', { project: 'gestures', format: 'onnx', precision: 'float32', board: 'nope' }),
      'NOT_FOUND',
      /Unknown board "nope"/,
    );
  });

  it('builds as a job, keeps the zip in the project with its hash and writes --out atomically', async () => {
    const out = path.join(outDir, 'onnx-lib');
    const { jobId } = studio.services.deploy.startBuild('gestures', { format: 'onnx', precision: 'float32', board: 'arduino-nano-33-ble-sense', out });
    const progress: number[] = [];
    const off = studio.services.events.subscribe((e) => {
      if (e.name === 'job.updated' && e.payload.id === jobId) progress.push(e.payload.progress);
    });
    const job = await wait(jobId);
    off();
    expect(job.state, job.error?.message).toBe('succeeded');
    expect(progress.some((p) => p > 0 && p < 1)).toBe(true);
    const result = job.result as { libraryId: number; sha256: string; sizeBytes: number; path: string };
    expect(result.path).toBe(out);

    const [lib, ...rest] = await studio.call('deploy.list', { project: 'gestures' });
    expect(rest).toHaveLength(0);
    const model = (await studio.call('models.list', { project: 'gestures' })).find((m) => m.active)!;
    expect(lib).toMatchObject({
      id: result.libraryId,
      modelId: model.id,
      format: 'onnx',
      precision: 'float32',
      board: 'arduino-nano-33-ble-sense',
      kilnVersion: '0.1.0',
    });
    expect(lib!.name).toBe('gestures_onnx_float32.zip');

    // the kept zip is the one whose hash is recorded, and it holds what was written to --out
    const { zip } = db('gestures').prepare('SELECT zip FROM built_libraries WHERE id = ?').get(lib!.id) as { zip: Buffer };
    expect(zip.length).toBe(lib!.sizeBytes);
    expect(createHash('sha256').update(zip).digest('hex')).toBe(lib!.sha256);
    const files = unzipSync(new Uint8Array(zip));
    expect(Object.keys(files).sort()).toEqual(['README.md', 'gestures.onnx', 'labels.txt']);
    expect(new TextDecoder().decode(files['labels.txt'])).toBe('circle\nidle\nupdown\nwave\n');
    expect(readdirSync(out).sort()).toEqual(['README.md', 'gestures.onnx', 'labels.txt']);
    expect(new Uint8Array(readFileSync(path.join(out, 'gestures.onnx')))).toEqual(files['gestures.onnx']);
    expect(readdirSync(outDir).filter((f) => f.includes('.tmp'))).toEqual([]);

    // a .zip target gets the same bytes; building twice gives the same hash
    const zipOut = path.join(outDir, 'again.zip');
    const again = await wait(studio.services.deploy.startBuild('gestures', { format: 'onnx', precision: 'float32', out: zipOut }).jobId);
    expect(again.state, again.error?.message).toBe('succeeded');
    expect(createHash('sha256').update(readFileSync(zipOut)).digest('hex')).toBe(lib!.sha256);
    expect((await studio.call('deploy.list', { project: 'gestures' }))[0]!.board).toBeNull();
  });

  it('offers a kept library for download and deletes it', async () => {
    const offered: { fileName: string; mime: string; bytes: Uint8Array }[] = [];
    const service = new ExportService(
      studio.services.home,
      studio.services.jobs,
      (f) => (offered.push(f), { downloadId: `dl-${offered.length}`, fileName: f.fileName, bytes: f.bytes.byteLength }),
    );
    const [lib] = service.list('gestures');
    expect(service.download('gestures', lib!.id)).toEqual({ downloadId: 'dl-1', fileName: lib!.name, bytes: lib!.sizeBytes });
    expect(offered[0]!.mime).toBe('application/zip');
    expect(createHash('sha256').update(offered[0]!.bytes).digest('hex')).toBe(lib!.sha256);
    const before = service.list('gestures').length;
    service.delete('gestures', lib!.id);
    expect(service.list('gestures')).toHaveLength(before - 1);
    expect(() => service.delete('gestures', lib!.id)).toThrow(/no built library #\d+/);
    expect(() => service.download('gestures', lib!.id)).toThrow(/no built library #\d+/);
  });

  it('refuses bad input before any work: precision, unknown board, an output that exists', async () => {
    const jobs = buildJobs('gestures');
    const kept = libraryCount('gestures');
    await expectCode(studio.call('deploy.build', { project: 'gestures', format: 'onnx', precision: 'int8' }), 'BAD_PARAMS', /ONNX export is float32 only/);
    await expectCode(
      studio.call('deploy.build', { project: 'gestures', format: 'onnx', precision: 'float32', board: 'abacus' }),
      'NOT_FOUND',
      /Unknown board "abacus"/,
    );
    const full = path.join(outDir, 'full');
    mkdirSync(full);
    writeFileSync(path.join(full, 'firmware.c'), 'int main(void) { return 0; }\n');
    const deploy = studio.services.deploy;
    expect(() => deploy.startBuild('gestures', { format: 'onnx', precision: 'float32', out: full })).toThrow(/exists and is not empty/);
    expect(readdirSync(full)).toEqual(['firmware.c']);
    const zip = path.join(outDir, 'taken.zip');
    writeFileSync(zip, 'not mine');
    expect(() => deploy.startBuild('gestures', { format: 'onnx', precision: 'float32', out: zip })).toThrow(/already exists/);
    expect(readFileSync(zip, 'utf8')).toBe('not mine');
    expect(() => deploy.startBuild('gestures', { format: 'onnx', precision: 'float32', out: path.join(outDir, 'no', 'such', 'lib') })).toThrow(
      /does not exist/,
    );
    // an empty folder is fine as a target
    const empty = path.join(outDir, 'empty');
    mkdirSync(empty);
    const ok = await wait(deploy.startBuild('gestures', { format: 'onnx', precision: 'float32', out: empty }).jobId);
    expect(ok.state, ok.error?.message).toBe('succeeded');
    expect(readdirSync(empty)).toContain('gestures.onnx');
    expect(buildJobs('gestures')).toBe(jobs + 1);
    expect(libraryCount('gestures')).toBe(kept + 1);
  });

  it('leaves nothing half-written when a build fails, in the project or on disk', async () => {
    const kept = libraryCount('gestures');
    const broken: LibraryGenerator = {
      generate() {
        throw new Error('generator bug');
      },
    };
    const s1 = new ExportService(studio.services.home, studio.services.jobs, () => ({ downloadId: 'x', fileName: 'x', bytes: 0 }), { onnx: broken });
    const out1 = path.join(outDir, 'broken');
    const j1 = await wait(s1.startBuild('gestures', { format: 'onnx', precision: 'float32', out: out1 }).jobId);
    expect(j1.state).toBe('failed');
    expect(j1.error?.message).toBe('generator bug');
    expect(existsSync(out1)).toBe(false);

    // the target folder fills up while the job runs: the rename fails, the row is rolled back
    const out2 = path.join(outDir, 'raced');
    const real = studio.services.deploy;
    const racing: LibraryGenerator = {
      generate(input) {
        const lib = (real as unknown as { generatorFor(f: string): LibraryGenerator }).generatorFor('onnx').generate(input);
        mkdirSync(out2);
        writeFileSync(path.join(out2, 'other.txt'), 'written by someone else');
        return lib;
      },
    };
    const s2 = new ExportService(studio.services.home, studio.services.jobs, () => ({ downloadId: 'x', fileName: 'x', bytes: 0 }), { onnx: racing });
    const j2 = await wait(s2.startBuild('gestures', { format: 'onnx', precision: 'float32', out: out2 }).jobId);
    expect(j2.state).toBe('failed');
    expect(readdirSync(out2)).toEqual(['other.txt']);
    expect(readdirSync(outDir).filter((f) => f.includes('.tmp'))).toEqual([]);
    expect(libraryCount('gestures')).toBe(kept);
  });

  it('refuses a model or features stale against the impulse, and a custom block', async () => {
    await project('stale', null);
    const d = db('stale');
    const imp = motionImpulse(d);
    // a new training sample after training: its features are not generated
    const repo = new SampleRepository(d);
    const first = repo.query({ limit: 1 }).rows[0]!;
    repo.insert({
      label: 'idle',
      category: 'train',
      sensors: first.sensors,
      intervalMs: first.intervalMs,
      values: new Float32Array(3 * 200).fill(0.5),
      source: 'test',
    });
    await expectCode(
      studio.call('deploy.build', { project: 'stale', format: 'onnx', precision: 'float32' }),
      'BAD_DATA',
      /features are stale against the impulse/,
    );
    // another window: the model was trained on another version of the impulse
    saveImpulse(d, { ...imp, input: { ...imp.input, windowSizeMs: 1500 } as typeof imp.input });
    await expectCode(
      studio.call('deploy.build', { project: 'stale', format: 'onnx', precision: 'float32' }),
      'BAD_DATA',
      /trained on another version of the impulse/,
    );
    const o = await studio.call('deploy.options', { project: 'stale' });
    expect(o.model?.current).toBe(false);
    // a custom processing block
    await studio.call('customBlocks.save', {
      project: 'stale',
      name: 'energy',
      title: 'Energy',
      code: 'function process(values) { return [values[0]]; }',
      params: [],
    });
    saveImpulse(d, { ...imp, dsp: [...imp.dsp, { id: 'energy', block: 'custom:energy', title: 'Energy', axes: imp.dsp[0]!.axes, params: {} }] });
    await expectCode(
      studio.call('deploy.estimate', { project: 'stale', format: 'c', precision: 'int8', board: 'arduino-nano-33-ble-sense' }),
      'UNSUPPORTED',
      /"Energy" is a custom block; custom blocks cannot be exported yet/,
    );
    await expectCode(
      studio.call('deploy.build', { project: 'stale', format: 'onnx', precision: 'float32' }),
      'UNSUPPORTED',
      /custom blocks cannot be exported yet/,
    );
    expect(buildJobs('stale')).toBe(0);
  });

  it('builds the C library through the generator, with its summary kept beside the zip', async () => {
    await studio.call('projects.create', { name: 'raw', demo: 'motion' });
    const base = motionImpulse(db('raw'));
    const raw = getDspBlock('raw');
    saveImpulse(db('raw'), {
      ...base,
      dsp: [{ ...base.dsp[0]!, id: 'raw', block: 'raw', title: 'Raw data', params: paramsWithDefaults(raw.params) }],
      learning: [{ ...base.learning[0]!, inputs: ['raw'] }],
    });
    expect((await wait((await studio.call('features.generate', { project: 'raw' })).jobId)).state).toBe('succeeded');
    const trained = await wait((await studio.call('model.train', { project: 'raw', settings })).jobId);
    expect(trained.state, trained.error?.message).toBe('succeeded');
    const job = await wait((await studio.call('deploy.build', { project: 'raw', format: 'c', precision: 'int8', board: 'arduino-nano-33-ble-sense' })).jobId);
    expect(job.state, job.error?.message).toBe('succeeded');
    const [lib] = await studio.call('deploy.list', { project: 'raw' });
    expect(lib).toMatchObject({ format: 'c', precision: 'int8', name: 'raw_c_int8.zip' });
    expect(lib!.summary).toMatchObject({ precision: 'int8', labels: ['circle', 'idle', 'updown', 'wave'], featureCount: 375 });
    expect(lib!.summary.arenaBytes).toBeGreaterThan(0);
    const { zip } = db('raw').prepare('SELECT zip FROM built_libraries WHERE id = ?').get(lib!.id) as { zip: Buffer };
    const names = Object.keys(unzipSync(new Uint8Array(zip)));
    expect(names.filter((n) => n.endsWith('.c')).length).toBeGreaterThan(3);

    // the Arduino library of the same impulse: one folder the IDE installs, with the two examples
    const ard = await wait((await studio.call('deploy.build', { project: 'raw', format: 'arduino', precision: 'int8' })).jobId);
    expect(ard.state, ard.error?.message).toBe('succeeded');
    const kept = (await studio.call('deploy.list', { project: 'raw' }))[0]!;
    const entries = Object.keys(
      unzipSync(new Uint8Array((db('raw').prepare('SELECT zip FROM built_libraries WHERE id = ?').get(kept.id) as { zip: Buffer }).zip)),
    );
    expect(entries).toContain('raw_inferencing/library.properties');
    expect(entries).toContain('raw_inferencing/src/raw_inferencing.h');
    expect(entries).toContain('raw_inferencing/examples/static_buffer/static_buffer.ino');
    expect(entries.every((e) => e.startsWith('raw_inferencing/'))).toBe(true);
  });

  it('refuses a board on which the estimate does not fit, and builds for one where it does', async () => {
    // 39 features → 7000 → 4: about 308 k parameters, 1.2 MB as float32
    await project('big', { inputShape: [39], layers: [{ type: 'dense', units: 7000 }] });
    const e = await studio.call('deploy.estimate', { project: 'big', format: 'onnx', precision: 'float32', board: 'st-nucleo-l476rg' });
    expect(e.fits).toBe(false);
    expect(e.estimate.notes.join(' ')).toMatch(/flash/);
    await expectCode(
      studio.call('deploy.build', { project: 'big', format: 'onnx', precision: 'float32', board: 'st-nucleo-l476rg' }),
      'BAD_PARAMS',
      /The float32 build does not fit the ST Nucleo-L476RG: Needs [\d.]+ KB flash/,
    );
    expect(buildJobs('big')).toBe(0);
    const ok = await wait((await studio.call('deploy.build', { project: 'big', format: 'onnx', precision: 'float32', board: 'arduino-portenta-h7' })).jobId);
    expect(ok.state, ok.error?.message).toBe('succeeded');
  }, 60_000);
});
