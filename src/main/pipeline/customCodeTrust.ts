/**
 * Whether this machine runs a project's custom code. A project file may come from a stranger:
 * before its custom blocks first run here, the user is asked (the studio's prompt; on the command
 * line `--trust-custom-code`). The answer is kept per project in the user's settings under
 * KILN_HOME (`.kiln-trusted-code.json`), never in the project file, keyed by the file's path and
 * the project's creation time (a different file under the same name is asked about again).
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { KilnError } from '../../shared/errors';

export const TRUST_FILE = '.kiln-trusted-code.json';

export type TrustState = 'trusted' | 'distrusted' | 'unknown';

interface Decision {
  trusted: boolean;
  decidedAt: string;
}

export class CustomCodeTrust {
  constructor(
    private readonly homeDir: string,
    /** the CLI's --trust-custom-code: trust every project for this run, remembering nothing */
    private readonly trustAll = false,
  ) {}

  state(projectFile: string, createdAt: string): TrustState {
    if (this.trustAll) return 'trusted';
    const d = this.read()[key(projectFile, createdAt)];
    return d === undefined ? 'unknown' : d.trusted ? 'trusted' : 'distrusted';
  }

  set(projectFile: string, createdAt: string, trusted: boolean): void {
    const all = this.read();
    all[key(projectFile, createdAt)] = { trusted, decidedAt: new Date().toISOString() };
    const file = path.join(this.homeDir, TRUST_FILE);
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(all, null, 2) + '\n', { mode: 0o600 });
    renameSync(tmp, file);
  }

  /** Throws CODE_NOT_TRUSTED, saying what to do, unless the project's code may run here. */
  require(projectFile: string, createdAt: string, projectName: string, blocks: readonly string[]): void {
    const state = this.state(projectFile, createdAt);
    if (state === 'trusted') return;
    const which = blocks.length ? ` (${blocks.map((b) => `"${b}"`).join(', ')})` : '';
    throw new KilnError(
      'CODE_NOT_TRUSTED',
      state === 'unknown'
        ? `Project "${projectName}" contains custom code${which} that has not run on this machine yet. Allow it first: the studio asks when the project opens; on the command line add --trust-custom-code.`
        : `You chose not to run the custom code${which} of project "${projectName}" on this machine. Allow it from the banner in the studio, or add --trust-custom-code on the command line.`,
      { project: projectName, state },
    );
  }

  private read(): Record<string, Decision> {
    try {
      const parsed = JSON.parse(readFileSync(path.join(this.homeDir, TRUST_FILE), 'utf8')) as unknown;
      return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, Decision>) : {};
    } catch {
      return {};
    }
  }
}

function key(projectFile: string, createdAt: string): string {
  return `${path.resolve(projectFile)}|${createdAt}`;
}
