/**
 * Whether this machine runs the open project's custom code: checked when a project opens; the
 * answer is kept by Kiln per project in the user's settings (`projects.setCodeTrust`).
 */
import { create } from 'zustand';
import type { CodeTrust } from '../../shared/api/projects';
import { api } from '../api';
import { errorMessage } from './appStore';

interface CodeTrustState {
  project: string | null;
  trust: CodeTrust | null;
  error: string | null;
  /** the user closed the question without answering (asked again next time the project opens) */
  postponed: boolean;
  check(project: string): Promise<void>;
  decide(trusted: boolean): Promise<void>;
  postpone(): void;
}

export const useCodeTrust = create<CodeTrustState>((set, get) => ({
  project: null,
  trust: null,
  error: null,
  postponed: false,
  async check(project) {
    set({ project, trust: null, error: null, postponed: false });
    try {
      const trust = await api().call('projects.codeTrust', { project });
      if (get().project === project) set({ trust });
    } catch (e) {
      if (get().project === project) set({ error: errorMessage(e) });
    }
  },
  async decide(trusted) {
    const project = get().project;
    if (!project) return;
    try {
      set({ trust: await api().call('projects.setCodeTrust', { project, trusted }), postponed: false });
    } catch (e) {
      set({ error: errorMessage(e) });
    }
  },
  postpone: () => set({ postponed: true }),
}));

/** The question is open: the project has custom code and this machine has no answer yet. */
export const needsAnswer = (s: CodeTrustState): boolean => !!s.trust && s.trust.blocks.length > 0 && s.trust.state === 'unknown' && !s.postponed;
/** The user said no (or postponed): the pages show a banner to allow it. */
export const notRunning = (s: CodeTrustState): boolean =>
  !!s.trust && s.trust.blocks.length > 0 && (s.trust.state === 'distrusted' || (s.trust.state === 'unknown' && s.postponed));
