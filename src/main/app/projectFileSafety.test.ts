import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDispatcher, type Dispatcher } from '../api';
import { ProjectDatabase } from '../store/projectDatabase';
import { SampleRepository } from '../store/sampleRepository';
import { createServices, type Services } from './services';

let dir: string;
let other: string;
let services: Services;
let api: Dispatcher;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kiln-safe-'));
  other = mkdtempSync(path.join(tmpdir(), 'kiln-copy-'));
  services = createServices({ home: dir, host: 'web' });
  api = createDispatcher(services, { validateResults: true });
});

afterEach(() => {
  services.dispose();
  rmSync(dir, { recursive: true, force: true });
  rmSync(other, { recursive: true, force: true });
});

async function call<T>(method: string, args: unknown): Promise<T> {
  const r = await api.call(method, args);
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
  return r.result as T;
}

/** A plain byte copy of the .kiln file alone, as a user would copy it while Kiln runs. */
function copyWithoutWal(name: string): string {
  const copy = path.join(other, `${name}-copy.kiln`);
  copyFileSync(path.join(dir, `${name}.kiln`), copy);
  return copy;
}

function samplesIn(file: string): number {
  const db = ProjectDatabase.open(file);
  try {
    return new SampleRepository(db.db).query().total;
  } finally {
    db.close();
  }
}

describe('a project file is safe to copy while Kiln runs', () => {
  it('holds every sample once an API call has settled, though the project is still open', async () => {
    await call('projects.create', { name: 'motion', demo: 'motion' });
    expect(services.home.isOpen('motion')).toBe(true);
    expect(samplesIn(copyWithoutWal('motion'))).toBe(48);
  });

  it('holds writes made between API calls (a recording, a job) after the next quiet second', async () => {
    await call('projects.create', { name: 'quiet' });
    const db = services.home.get('quiet');
    db.setMeta('description', 'written outside any API call');
    await new Promise((r) => setTimeout(r, 1600));
    const copy = ProjectDatabase.open(copyWithoutWal('quiet'));
    try {
      expect(copy.meta().description).toBe('written outside any API call');
    } finally {
      copy.close();
    }
  });

  it('shows the true size and time in the picker, and unlocks the file when the user leaves it', async () => {
    await call('projects.create', { name: 'keep', demo: 'motion' });
    const [row] = await call<{ name: string; sizeBytes: number; sampleCount: number }[]>('projects.list', {});
    const file = path.join(dir, 'keep.kiln');
    const wal = existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0;
    expect(row!.sizeBytes).toBe(statSync(file).size + wal);
    expect(row!.sampleCount).toBe(48);
    // open in this Kiln: a second one cannot take it
    expect(() => ProjectDatabase.open(file)).toThrow();
    expect(await call('projects.close', { name: 'keep' })).toEqual({ closed: true });
    expect(services.home.isOpen('keep')).toBe(false);
    expect(existsSync(`${file}-wal`)).toBe(false);
    expect(samplesIn(file)).toBe(48);
    expect(await call('projects.close', { name: 'keep' })).toEqual({ closed: false, reason: 'not open' });
  });
});
