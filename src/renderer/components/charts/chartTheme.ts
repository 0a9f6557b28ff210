/** Colours for charts read from the CSS variables, so plots follow the light and dark themes. */
export interface ChartColors {
  text: string;
  muted: string;
  grid: string;
  surface: string;
  accent: string;
}

function cssVar(name: string, fallback: string): string {
  if (typeof document === 'undefined') return fallback;
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

export function chartColors(): ChartColors {
  return {
    text: cssVar('--text', '#1b1f24'),
    muted: cssVar('--muted', '#5f6b7a'),
    grid: cssVar('--border', '#dde1e7'),
    surface: cssVar('--surface', '#ffffff'),
    accent: cssVar('--accent', '#d9480f'),
  };
}

/** A palette that reads on both themes (one colour per series / label). */
export const SERIES_COLORS = [
  '#1c7ed6',
  '#e8590c',
  '#2b8a3e',
  '#ae3ec9',
  '#f59f00',
  '#0ca678',
  '#e03131',
  '#5c7cfa',
  '#74b816',
  '#d6336c',
  '#15aabf',
  '#868e96',
];

/** The colour of series i (wraps around). */
export function seriesColor(i: number): string {
  return SERIES_COLORS[((i % SERIES_COLORS.length) + SERIES_COLORS.length) % SERIES_COLORS.length]!;
}

/** Layout defaults (transparent background, theme text and grid colours) merged under a chart's own layout. */
export function themedLayout(layout: Record<string, unknown>, colors: ChartColors = chartColors()): Record<string, unknown> {
  const axis = (a: unknown) => ({
    gridcolor: colors.grid,
    zerolinecolor: colors.grid,
    linecolor: colors.grid,
    color: colors.muted,
    ...(a as object | undefined),
  });
  const out: Record<string, unknown> = {
    paper_bgcolor: 'rgba(0,0,0,0)',
    plot_bgcolor: 'rgba(0,0,0,0)',
    font: { color: colors.text, family: 'system-ui, sans-serif', size: 12 },
    margin: { l: 48, r: 16, t: 16, b: 40 },
    legend: { font: { color: colors.text } },
    ...layout,
  };
  for (const key of Object.keys(out)) if (/^[xy]axis\d*$/.test(key)) out[key] = axis(out[key]);
  if (!('xaxis' in out)) out.xaxis = axis(undefined);
  if (!('yaxis' in out)) out.yaxis = axis(undefined);
  if (out.scene) {
    const scene = out.scene as Record<string, unknown>;
    out.scene = { ...scene, xaxis: axis(scene.xaxis), yaxis: axis(scene.yaxis), zaxis: axis(scene.zaxis), bgcolor: 'rgba(0,0,0,0)' };
  }
  return out;
}
