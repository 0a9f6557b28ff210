/** The generated features of a block projected to 2D/3D (PCA, or UMAP), coloured by label; a click opens that window's preview. */
import { useEffect, useId, useMemo, useState } from 'react';
import type { PlotlyPoint } from 'plotly.js-dist-min';
import { errorMessage } from '../../stores/appStore';
import { useImpulse } from '../../stores/impulseStore';
import { useRoute } from '../../stores/routeStore';
import { PlotlyChart, seriesColor } from '../../components/charts';
import type { ExploreResult } from '../../../shared/api/impulse';
import { FeatureStatusBar } from './FeatureStatusBar';

type ExploreMethod = 'pca' | 'umap';

/** 3D plots need WebGL (absent with software rendering or GPU blocklists). */
function hasWebgl(): boolean {
  try {
    const c = document.createElement('canvas');
    return !!(c.getContext('webgl2') ?? c.getContext('webgl'));
  } catch {
    return false;
  }
}

export function FeatureExplorer({ project, initialBlock }: { project: string; initialBlock?: string | undefined }) {
  const impulse = useImpulse((s) => s.impulse)!;
  const saved = useImpulse((s) => s.saved);
  const go = useRoute((s) => s.go);
  const blocks = (saved ?? impulse).dsp;
  const [blockId, setBlockId] = useState(() => (initialBlock && blocks.some((b) => b.id === initialBlock) ? initialBlock : (blocks[0]?.id ?? '')));
  const [method, setMethod] = useState<ExploreMethod>('pca');
  const explore = useImpulse((s) => s.explore);
  const [dims, setDims] = useState<2 | 3>(2);
  const [result, setResult] = useState<ExploreResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const status = useImpulse((s) => s.status);
  const ids = { block: useId(), method: useId(), dims: useId() };
  const [webgl] = useState(hasWebgl);

  useEffect(() => {
    if (!blockId) return;
    let live = true;
    setBusy(true);
    setError(null);
    explore({ blockId, method, dims })
      .then((r) => live && setResult(r))
      .catch((e: unknown) => live && (setResult(null), setError(errorMessage(e))))
      .finally(() => live && setBusy(false));
    return () => {
      live = false;
    };
  }, [explore, blockId, method, dims, status]);

  const traces = useMemo(() => {
    if (!result) return [];
    const labels = [...new Set(result.points.map((p) => p.label))].sort();
    return labels.map((label, i) => {
      const pts = result.points.filter((p) => p.label === label);
      return {
        // SVG scatter: the server sends at most 2000 points, and it needs no WebGL
        type: dims === 3 ? 'scatter3d' : 'scatter',
        mode: 'markers',
        name: label,
        x: pts.map((p) => p.coords[0]),
        y: pts.map((p) => p.coords[1]),
        ...(dims === 3 ? { z: pts.map((p) => p.coords[2] ?? 0) } : {}),
        customdata: pts.map((p) => [p.sampleId, p.window]),
        text: pts.map((p) => `${p.sampleName} (${p.category}), window ${p.window + 1}`),
        hovertemplate: '%{text}<extra>%{fullData.name}</extra>',
        marker: { color: seriesColor(i), size: dims === 3 ? 3 : 7, opacity: 0.8 },
      };
    });
  }, [result, dims]);

  const layout = useMemo(() => {
    const name = method === 'pca' ? 'PC' : 'UMAP ';
    const pct = (i: number) => (result?.explainedVariance?.[i] !== undefined ? ` (${(result.explainedVariance[i]! * 100).toFixed(0)} %)` : '');
    const axis = (i: number) => ({ title: { text: `${name}${i + 1}${pct(i)}` } });
    return dims === 3
      ? { scene: { xaxis: axis(0), yaxis: axis(1), zaxis: axis(2) }, margin: { l: 0, r: 0, t: 0, b: 0 }, legend: { title: { text: 'Label' } } }
      : { xaxis: axis(0), yaxis: axis(1), legend: { title: { text: 'Label' } }, hovermode: 'closest', uirevision: `${blockId}:${method}` };
  }, [method, dims, result, blockId]);

  const onClick = (points: PlotlyPoint[]) => {
    const cd = points[0]?.customdata as [number, number] | undefined;
    if (cd) go({ project, page: 'impulse', rest: [blockId, String(cd[0]), String(cd[1])] });
  };

  return (
    <section className="page page-wide" aria-labelledby="explorer-title">
      <nav className="crumbs small" aria-label="Breadcrumb">
        <button type="button" className="link" onClick={() => go({ project, page: 'impulse' })}>
          Impulse design
        </button>{' '}
        / Feature explorer
      </nav>
      <h1 id="explorer-title">Feature explorer</h1>
      {blocks.length === 0 ? (
        <p className="muted">The impulse has no processing block yet.</p>
      ) : (
        <>
          <div className="row explorer-controls">
            <div className="field">
              <label htmlFor={ids.block}>Block</label>
              <select id={ids.block} value={blockId} onChange={(e) => setBlockId(e.target.value)}>
                {blocks.map((b) => (
                  <option key={b.id} value={b.id}>
                    {b.title || b.id}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor={ids.method}>Projection</label>
              <select id={ids.method} value={method} onChange={(e) => setMethod(e.target.value as ExploreMethod)}>
                <option value="pca">PCA</option>
                <option value="umap">UMAP</option>
              </select>
            </div>
            <div className="field">
              <label htmlFor={ids.dims}>View</label>
              <select id={ids.dims} value={dims} onChange={(e) => setDims(e.target.value === '3' ? 3 : 2)}>
                <option value="2">2D</option>
                <option value="3" disabled={!webgl}>
                  3D{webgl ? '' : ' (needs WebGL, which this browser does not offer)'}
                </option>
              </select>
            </div>
            <FeatureStatusBar blockId={blockId} canGenerate />
          </div>
          {error && (
            <p className="error-text" role="alert">
              {error}
            </p>
          )}
          <div className="card explorer-card" aria-busy={busy}>
            {result && result.points.length === 0 && !busy ? (
              <p className="muted empty">No features for this block yet. Generate features first.</p>
            ) : (
              <PlotlyChart label="Feature explorer" data={traces} layout={layout} height={520} onClick={onClick} testId="explorer-chart" />
            )}
            {result && result.points.length > 0 && (
              <p className="muted small" data-testid="explorer-count">
                {result.points.length} of {result.totalWindows} windows · {result.featuresPerWindow} features each · {method.toUpperCase()}
                {result.missingSamples > 0 ? ` · ${result.missingSamples} samples without features (generate features to add them)` : ''} · click a point to
                open that window in the block preview
              </p>
            )}
          </div>
        </>
      )}
    </section>
  );
}
