/** Helpers for the dataset tests and bench (not used by production code). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encode as encodePng } from 'fast-png';
import { createDispatcher } from '../api';
import { createServices, type Services } from '../app/services';
import type { ArgsOf, Method, ResultOf } from '../../shared/api/contract';
import type { JobInfo } from '../../shared/api/jobs';
import { serializeCsv, serializeEiCbor, serializeEiJson, serializeWav, type ParsedSample } from '../../shared/formats';

export interface TestStudio {
  services: Services;
  home: string;
  call<M extends Method>(method: M, args: ArgsOf<M>): Promise<ResultOf<M>>;
  /** runs a job-starting call and waits for the job */
  job(method: 'samples.import' | 'samples.export', args: ArgsOf<'samples.import'> | ArgsOf<'samples.export'>): Promise<JobInfo>;
  dispose(): void;
}

export function testStudio(): TestStudio {
  const home = mkdtempSync(path.join(os.tmpdir(), 'kiln-dataset-'));
  const services = createServices({ home, host: 'cli' });
  const dispatcher = createDispatcher(services, { validateResults: true });
  const call = async <M extends Method>(method: M, args: ArgsOf<M>): Promise<ResultOf<M>> => {
    const r = await dispatcher.call(method, args);
    if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
    return r.result as ResultOf<M>;
  };
  return {
    services,
    home,
    call,
    async job(method, args) {
      const { jobId } = (await call(method, args as never)) as { jobId: string };
      return services.jobs.wait(jobId);
    },
    dispose: () => services.dispose(),
  };
}

/** A time series with recognisable float32 values (not round numbers). */
export function series(readings: number, axes: string[], intervalMs: number, seed = 1): ParsedSample {
  const values = new Float32Array(readings * axes.length);
  for (let i = 0; i < values.length; i++) values[i] = Math.fround(Math.sin(i * 0.37 + seed) * 9.81 + seed / 7);
  return { intervalMs, sensors: axes.map((name) => ({ name, units: 'm/s2' })), values, readings };
}

export function audio(readings: number, rate = 16000, seed = 1): ParsedSample {
  const values = new Float32Array(readings);
  for (let i = 0; i < readings; i++) values[i] = Math.round(Math.sin(i * 0.05 * seed) * 12000);
  return { intervalMs: 1000 / rate, sensors: [{ name: 'audio', units: 'wav' }], values, readings };
}

export function pngBytes(width: number, height: number, seed = 1): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < rgb.length; i++) rgb[i] = (i * 37 + seed * 11) & 0xff;
  return encodePng({ width, height, data: rgb, channels: 3, depth: 8 });
}

/** Writes one file of each importable kind into dir; returns the file names. */
export function writeMixedFiles(dir: string): string[] {
  const files: Record<string, Uint8Array | string> = {
    'wave.01.csv': serializeCsv(series(50, ['accX', 'accY', 'accZ'], 10, 1)),
    'wave.02.json': serializeEiJson(series(40, ['accX', 'accY', 'accZ'], 10, 2)),
    'idle.01.cbor': serializeEiCbor(series(30, ['accX', 'accY', 'accZ'], 10, 3)),
    'noise.01.wav': serializeWav(audio(1600)),
    'cat.01.png': pngBytes(8, 6),
  };
  for (const [name, data] of Object.entries(files)) writeFileSync(path.join(dir, name), data);
  return Object.keys(files);
}
