/**
 * A project's custom DSP blocks (`custom_blocks` table): user JavaScript plus a parameter list.
 * Saving only parses the code (never runs it on the main thread); running happens in a
 * sandbox process (customBlockProcess.ts). `projectCatalog` makes them usable in impulses as
 * `custom:<name>` next to the built-in blocks.
 */
import vm from 'node:vm';
import type { CustomBlockInfo, ParamSpecInput } from '../../shared/api/impulse';
import type { ParamSpec } from '../../shared/dsp/block';
import { KilnError } from '../../shared/errors';
import { builtinDescriptor, CUSTOM_BLOCK_PREFIX, type BlockCatalog, type BlockDescriptor } from '../../shared/impulse/impulse';
import type { Db } from '../store/projectDatabase';

interface Row {
  name: string;
  title: string;
  code: string;
  params: string;
  created_at: string;
  updated_at: string;
}

function toInfo(r: Row): CustomBlockInfo {
  return {
    name: r.name,
    registryName: CUSTOM_BLOCK_PREFIX + r.name,
    title: r.title,
    code: r.code,
    params: JSON.parse(r.params) as ParamSpecInput[],
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function listCustomBlocks(db: Db): CustomBlockInfo[] {
  return (db.prepare('SELECT * FROM custom_blocks ORDER BY name').all() as Row[]).map(toInfo);
}

export function getCustomBlock(db: Db, name: string): CustomBlockInfo | null {
  const row = db.prepare('SELECT * FROM custom_blocks WHERE name = ?').get(name) as Row | undefined;
  return row ? toInfo(row) : null;
}

/** Line (1-based, in the user's code) of a compile error's first frame in it, if any. */
function userLine(e: unknown): number | null {
  const stack = e instanceof Error && typeof e.stack === 'string' ? e.stack : '';
  const m = /custom-block\.js:(\d+)/.exec(stack);
  return m ? Number(m[1]) : null;
}

/** Parses the code (syntax only) and checks the parameter list; KilnError naming the line or parameter. */
export function checkCustomBlock(title: string, code: string, params: readonly ParamSpecInput[]): void {
  try {
    new vm.Script(code, { filename: 'custom-block.js' });
  } catch (e) {
    const line = userLine(e);
    throw new KilnError(
      'BAD_DATA',
      `Custom block "${title}"${line !== null ? `, line ${line}` : ''}: ${(e as Error).name}: ${(e as Error).message}`,
      line !== null ? { line } : undefined,
    );
  }
  if (!/\bprocess\b/.test(code))
    throw new KilnError('BAD_DATA', `Custom block "${title}": define a function process(values, axes, frequencyHz, params) that returns an array of numbers`);
  const seen = new Set<string>();
  for (const p of params) {
    if (seen.has(p.key)) throw new KilnError('BAD_PARAMS', `Custom block "${title}": parameter "${p.key}" is listed twice`, { field: p.key });
    seen.add(p.key);
    if (p.type === 'select' && !(p.options && p.options.some((o) => String(o) === String(p.default)))) {
      throw new KilnError('BAD_PARAMS', `Custom block "${title}": parameter "${p.key}" is a choice; give options that include the default`, { field: p.key });
    }
    if (p.min !== undefined && p.max !== undefined && p.min > p.max)
      throw new KilnError('BAD_PARAMS', `Custom block "${title}": parameter "${p.key}" has min above max`, { field: p.key });
  }
}

export function saveCustomBlock(db: Db, block: { name: string; title: string; code: string; params: ParamSpecInput[] }): CustomBlockInfo {
  checkCustomBlock(block.title, block.code, block.params);
  const now = new Date().toISOString();
  db.prepare(
    `INSERT INTO custom_blocks (name, title, code, params, created_at, updated_at) VALUES (@name, @title, @code, @params, @now, @now)
     ON CONFLICT (name) DO UPDATE SET title = excluded.title, code = excluded.code, params = excluded.params, updated_at = excluded.updated_at`,
  ).run({ name: block.name, title: block.title, code: block.code, params: JSON.stringify(block.params), now });
  return getCustomBlock(db, block.name)!;
}

export function removeCustomBlock(db: Db, name: string): boolean {
  return db.prepare('DELETE FROM custom_blocks WHERE name = ?').run(name).changes > 0;
}

/** Descriptor of a custom block for impulse validation and forms. */
export function customDescriptor(info: Pick<CustomBlockInfo, 'name' | 'title' | 'params'>): BlockDescriptor {
  return {
    name: CUSTOM_BLOCK_PREFIX + info.name,
    title: info.title,
    params: info.params as ParamSpec[],
    inputKind: 'time-series',
    singleAxis: false,
    custom: true,
  };
}

/** Built-in blocks plus this project's custom blocks. */
export function projectCatalog(db: Db): BlockCatalog {
  const custom = new Map(listCustomBlocks(db).map((b) => [CUSTOM_BLOCK_PREFIX + b.name, b]));
  return (name) => {
    const c = custom.get(name);
    return c ? customDescriptor(c) : builtinDescriptor(name);
  };
}
