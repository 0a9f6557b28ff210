/** The saved impulse of a project (one row of `impulses`, named "default"), with its hash. */
import type { Impulse } from '../../shared/impulse/impulse';
import { parseImpulse } from '../../shared/impulse/impulse';
import type { Db } from '../store/projectDatabase';
import { stableHash } from './stableHash';

export interface SavedImpulse {
  id: number;
  impulse: Impulse;
  hash: string;
  updatedAt: string;
}

const NAME = 'default';

export function impulseHash(impulse: Impulse): string {
  return stableHash(impulse);
}

export function loadImpulse(db: Db): SavedImpulse | null {
  const row = db.prepare('SELECT id, definition, hash, updated_at FROM impulses WHERE name = ? ORDER BY id DESC LIMIT 1').get(NAME) as
    { id: number; definition: string; hash: string; updated_at: string } | undefined;
  if (!row) return null;
  return { id: row.id, impulse: parseImpulse(JSON.parse(row.definition), 'Saved impulse'), hash: row.hash, updatedAt: row.updated_at };
}

export function saveImpulse(db: Db, impulse: Impulse): SavedImpulse {
  const hash = impulseHash(impulse);
  const now = new Date().toISOString();
  const definition = JSON.stringify(impulse);
  return db.transaction(() => {
    const existing = db.prepare('SELECT id, created_at FROM impulses WHERE name = ?').get(NAME) as { id: number } | undefined;
    if (existing) {
      db.prepare('UPDATE impulses SET definition = ?, hash = ?, updated_at = ? WHERE id = ?').run(definition, hash, now, existing.id);
      return { id: existing.id, impulse, hash, updatedAt: now };
    }
    const r = db.prepare('INSERT INTO impulses (name, definition, hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(NAME, definition, hash, now, now);
    return { id: Number(r.lastInsertRowid), impulse, hash, updatedAt: now };
  })();
}
