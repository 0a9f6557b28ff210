import { create } from 'zustand';

/** Studio pages, in the order of the left navigation (DESIGN.md §3). */
export const PAGES = [
  { id: 'dashboard', title: 'Dashboard' },
  { id: 'devices', title: 'Devices' },
  { id: 'data', title: 'Data acquisition' },
  { id: 'impulse', title: 'Impulse design' },
  { id: 'training', title: 'Training' },
  { id: 'testing', title: 'Model testing' },
  { id: 'live', title: 'Live classification' },
  { id: 'tuner', title: 'EON tuner' },
  { id: 'versioning', title: 'Versioning' },
  { id: 'deployment', title: 'Deployment' },
] as const;
export type PageId = (typeof PAGES)[number]['id'];

export interface Route {
  project: string | null;
  page: PageId;
  /** page-specific remainder, e.g. a block id */
  rest: string[];
}

export function parseHash(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] !== 'p' || !parts[1]) return { project: null, page: 'dashboard', rest: [] };
  const page = (PAGES.find((p) => p.id === parts[2])?.id ?? 'dashboard') as PageId;
  return { project: parts[1], page, rest: parts.slice(3) };
}

export function routeHash(r: Partial<Route> & { project: string | null }): string {
  if (!r.project) return '#/';
  return `#/p/${encodeURIComponent(r.project)}/${r.page ?? 'dashboard'}${(r.rest ?? []).map((x) => '/' + encodeURIComponent(x)).join('')}`;
}

interface RouteState extends Route {
  go(r: Partial<Route> & { project: string | null }): void;
  sync(): void;
}

export const useRoute = create<RouteState>((set) => ({
  ...parseHash(typeof location !== 'undefined' ? location.hash : ''),
  go(r) {
    const hash = routeHash(r);
    if (location.hash !== hash) location.hash = hash;
    set(parseHash(hash));
  },
  sync() {
    set(parseHash(location.hash));
  },
}));
