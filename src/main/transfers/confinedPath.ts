/**
 * A path argument that arrives over the API (from a page) is confined to a folder of the Kiln
 * home: relative only, no `..` step, and no symbolic link on the way that leads outside.
 */
import { lstatSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { KilnError } from '../../shared/errors';

/**
 * Resolves `rel` under `base` (which must exist or is created by the caller); throws BAD_REQUEST
 * naming `field` for an absolute path, a `..` step, or a path whose existing part resolves
 * (through symbolic links) outside `base`.
 */
export function confinedPath(base: string, rel: string, field: string): string {
  if (/\0/.test(rel)) throw new KilnError('BAD_REQUEST', `${field}: the path contains a NUL character`, { field });
  if (path.isAbsolute(rel) || /^[a-zA-Z]:/.test(rel) || rel.startsWith('\\')) {
    throw new KilnError('BAD_REQUEST', `${field}: give a path relative to ${base}, not an absolute path ("${rel}")`, { field });
  }
  if (rel.split(/[/\\]/).some((part) => part === '..')) {
    throw new KilnError('BAD_REQUEST', `${field}: ".." is not allowed in "${rel}"; the path must stay inside ${base}`, { field });
  }
  const root = realOrSelf(base);
  const target = path.resolve(root, rel);
  // the deepest part of the target that exists, followed through symbolic links
  let existing = target;
  while (!present(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
  let real: string;
  try {
    real = realpathSync(existing);
  } catch {
    // a symbolic link to nowhere: writing through it would create its target, wherever that is
    throw new KilnError('BAD_REQUEST', `${field}: "${rel}" goes through a broken symbolic link`, { field });
  }
  if (real !== root && !real.startsWith(root + path.sep)) {
    throw new KilnError('BAD_REQUEST', `${field}: "${rel}" leads outside ${base} (through a symbolic link)`, { field });
  }
  return path.join(real, path.relative(existing, target));
}

/** exists as an entry (a broken symbolic link counts) */
function present(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

function realOrSelf(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}
