import { useEffect, useRef, useState } from 'react';
import type { PlotlyPoint } from 'plotly.js-dist-min';
import { useApp } from '../../stores/appStore';
import { themedLayout } from './chartTheme';

export interface PlotlyChartProps {
  /** Plotly traces */
  data: object[];
  /** Plotly layout; colours, background and margins default to the theme */
  layout?: Record<string, unknown>;
  /** CSS height of the chart box (default 260px) */
  height?: number | string;
  /** accessible name of the chart */
  label: string;
  /** called with the clicked points (scatter plots) */
  onClick?: (points: PlotlyPoint[]) => void;
  className?: string;
  testId?: string;
}

type PlotlyModule = typeof import('plotly.js-dist-min');
let plotlyPromise: Promise<PlotlyModule> | null = null;

/** Loads Plotly once, on first use (it is large; the first page stays light). */
export function loadPlotly(): Promise<PlotlyModule> {
  plotlyPromise ??= import('plotly.js-dist-min').then((m) => ((m as unknown as { default?: PlotlyModule }).default ?? m) as PlotlyModule);
  return plotlyPromise;
}

/** Re-reads theme colours when the user switches theme or the system scheme changes. */
function useThemeKey(): string {
  const theme = useApp((s) => s.theme);
  const [system, setSystem] = useState(() => (typeof matchMedia !== 'undefined' && matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'));
  useEffect(() => {
    if (typeof matchMedia === 'undefined') return;
    const mq = matchMedia('(prefers-color-scheme: dark)');
    const on = () => setSystem(mq.matches ? 'dark' : 'light');
    mq.addEventListener('change', on);
    return () => mq.removeEventListener('change', on);
  }, []);
  return `${theme}:${system}`;
}

/**
 * A Plotly chart: lazy-loads the library, redraws with `Plotly.react` when data or layout
 * change, follows the theme, resizes with its box, and reports point clicks.
 */
export function PlotlyChart({ data, layout = {}, height = 260, label, onClick, className, testId }: PlotlyChartProps) {
  const ref = useRef<HTMLDivElement>(null);
  const clickRef = useRef(onClick);
  clickRef.current = onClick;
  const themeKey = useThemeKey();
  const [error, setError] = useState<string | null>(null);
  const [ready, setReady] = useState(false);

  useEffect(() => {
    let cancelled = false;
    const el = ref.current;
    if (!el) return;
    loadPlotly()
      .then(async (Plotly) => {
        if (cancelled) return;
        // the theme attribute is applied by the app shell; read the colours after it settled
        const gd = await Plotly.react(el, data, themedLayout({ autosize: true, ...layout }), { displaylogo: false, responsive: true, displayModeBar: 'hover' });
        if (cancelled) return;
        gd.removeAllListeners?.('plotly_click');
        gd.on('plotly_click', (e) => clickRef.current?.(e.points));
        setReady(true);
        setError(null);
      })
      .catch((e: unknown) => !cancelled && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      cancelled = true;
    };
  }, [data, layout, themeKey]);

  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => {
      if (plotlyPromise && el.isConnected) void plotlyPromise.then((P) => el.isConnected && el.querySelector('.main-svg') && P.Plots.resize(el));
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  useEffect(() => {
    const el = ref.current;
    return () => {
      if (el && plotlyPromise) void plotlyPromise.then((P) => P.purge(el));
    };
  }, []);

  return (
    <div className={`plotly-chart${className ? ` ${className}` : ''}`} role="figure" aria-label={label} aria-busy={!ready} data-testid={testId}>
      <div ref={ref} style={{ height, width: '100%' }} />
      {error && (
        <p className="error-text" role="alert">
          Could not draw the chart: {error}
        </p>
      )}
    </div>
  );
}
