import { useEffect, useMemo, useRef, useState } from 'react';
import type { PlotlyPoint } from 'plotly.js-dist-min';
import { PlotlyChart } from '../../components/charts/PlotlyChart';
import { api } from '../../api';
import { errorMessage, useApp } from '../../stores/appStore';
import { useDataset, type SampleDetail } from '../../stores/datasetStore';
import { drawPixels, equalCuts, formatLength, wavBlob } from './sampleMedia';

/** The selected sample: every axis plotted, audio playback, images drawn; crop and split with undo. */
export function SampleView({ project }: { project: string }) {
  const viewId = useDataset((s) => s.viewId);
  const detail = useDataset((s) => s.detail);
  const error = useDataset((s) => s.detailError);
  if (viewId === null) {
    return (
      <aside className="card sample-view empty-view">
        <p className="muted">Select a sample to see its data. Ctrl-click or Shift-click to select several.</p>
      </aside>
    );
  }
  if (error) {
    return (
      <aside className="card sample-view">
        <p className="error-text" role="alert">
          {error}
        </p>
      </aside>
    );
  }
  if (!detail) return <aside className="card sample-view" aria-busy="true" />;
  return <SampleDetailView key={detail.sample.id} project={project} detail={detail} />;
}

function SampleDetailView({ project, detail }: { project: string; detail: SampleDetail }) {
  const s = detail.sample;
  return (
    <aside className="card sample-view" aria-label={`Sample ${s.name}`} data-testid="sample-view">
      <div className="view-head">
        <h2 title={s.name}>{s.name}</h2>
        <span className={`badge cat-${s.category}`}>{s.category}</span>
      </div>
      <dl className="facts small">
        <dt>Label</dt>
        <dd>{s.label}</dd>
        <dt>{s.kind === 'image' ? 'Size' : 'Length'}</dt>
        <dd>
          {s.kind === 'image'
            ? `${s.width} × ${s.height} px`
            : `${formatLength(s.lengthMs)} · ${s.readings} readings · ${+(1000 / s.intervalMs).toFixed(2)} Hz`}
        </dd>
        <dt>Source</dt>
        <dd>
          {s.source}
          {s.deviceName ? ` · ${s.deviceName}` : ''}
        </dd>
        {s.note && (
          <>
            <dt>Note</dt>
            <dd>{s.note}</dd>
          </>
        )}
      </dl>
      {s.kind === 'image' ? <ImageView detail={detail} /> : <SeriesView project={project} detail={detail} />}
    </aside>
  );
}

function ImageView({ detail }: { detail: SampleDetail }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const size = detail.imageSize;
  useEffect(() => {
    if (ref.current && size) drawPixels(ref.current, detail.values, size.width, size.height);
  }, [detail, size]);
  return <canvas ref={ref} className="sample-image" role="img" aria-label={`Image ${detail.sample.name}`} data-testid="sample-image" />;
}

const AXIS_COLORS = ['#e8590c', '#1c7ed6', '#2b8a3e', '#ae3ec9', '#f59f00', '#0ca678', '#d6336c', '#5c7cfa', '#868e96'];

function SeriesView({ project, detail }: { project: string; detail: SampleDetail }) {
  const s = detail.sample;
  const readings = s.readings;
  const [range, setRange] = useState<[number, number]>([0, readings]);
  const [cuts, setCuts] = useState<number[]>([]);
  const [mode, setMode] = useState<'crop' | 'split'>('crop');
  const [parts, setParts] = useState(2);
  const [busy, setBusy] = useState(false);
  const toast = useApp((st) => st.toast);
  const { crop, split, undoReplace } = useDataset.getState();

  const axes = s.sensors.length;
  const ms = (r: number) => r * s.intervalMs;
  const data = useMemo(() => {
    const idx = detail.readingIndex;
    const x = Array.from({ length: detail.readings }, (_, i) => ms(idx ? idx[i]! : i));
    return s.sensors.map((sensor, a) => ({
      type: 'scatter',
      mode: 'lines',
      name: sensor.name,
      x,
      y: Array.from({ length: detail.readings }, (_, i) => detail.values[i * axes + a]),
      line: { width: 1.2, color: AXIS_COLORS[a % AXIS_COLORS.length] },
    }));
    // eslint-disable-next-line react-hooks/exhaustive-deps -- ms depends only on the sample
  }, [detail]);
  const layout = useMemo(() => {
    const shapes: object[] = [];
    if (mode === 'crop' && (range[0] > 0 || range[1] < readings)) {
      shapes.push({
        type: 'rect',
        xref: 'x',
        yref: 'paper',
        x0: ms(range[0]),
        x1: ms(range[1]),
        y0: 0,
        y1: 1,
        fillcolor: 'rgba(247,103,7,0.12)',
        line: { width: 1, color: '#f76707' },
      });
    }
    if (mode === 'split')
      for (const c of cuts)
        shapes.push({ type: 'line', xref: 'x', yref: 'paper', x0: ms(c), x1: ms(c), y0: 0, y1: 1, line: { width: 2, color: '#d6336c', dash: 'dot' } });
    return {
      margin: { l: 44, r: 8, t: axes > 1 ? 28 : 8, b: 30 },
      xaxis: { ticksuffix: ' ms' },
      showlegend: axes > 1,
      legend: { orientation: 'h', x: 0, y: 1.02, yanchor: 'bottom' },
      shapes,
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- ms depends only on the sample
  }, [mode, range, cuts, readings, axes]);

  const toReading = (p: PlotlyPoint) => Math.max(0, Math.min(readings, Math.round(Number(p.x) / s.intervalMs)));
  const onPlotClick = (points: PlotlyPoint[]) => {
    const p = points[0];
    if (!p) return;
    const r = toReading(p);
    if (mode === 'crop') {
      // a click sets the nearer edge of the crop window
      setRange(([a, b]) => (Math.abs(r - a) <= Math.abs(r - b) ? [Math.min(r, b - 1), b] : [a, Math.max(r, a + 1)]));
    } else if (r > 0 && r < readings) {
      setCuts((c) => (c.includes(r) ? c.filter((x) => x !== r) : [...c, r].sort((x, y) => x - y)));
    }
  };

  const run = async (what: 'crop' | 'split') => {
    setBusy(true);
    try {
      if (what === 'crop') {
        const r = await crop(s.id, range[0], range[1]);
        toast(
          {
            kind: 'success',
            message: `Cropped ${s.name} to ${formatLength(ms(range[1] - range[0]))}`,
            action: { label: 'Undo', run: () => void undoReplace(r.replaced, [r.sample.id]).catch((e) => toast({ kind: 'error', message: errorMessage(e) })) },
          },
          10_000,
        );
      } else {
        const r = await split(s.id, cuts);
        toast(
          {
            kind: 'success',
            message: `Split ${s.name} into ${r.samples.length} samples`,
            action: {
              label: 'Undo',
              run: () =>
                void undoReplace(
                  r.replaced,
                  r.samples.map((x) => x.id),
                ).catch((e) => toast({ kind: 'error', message: errorMessage(e) })),
            },
          },
          10_000,
        );
      }
    } catch (e) {
      toast({ kind: 'error', message: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  };

  const validCrop = range[0] >= 0 && range[1] <= readings && range[1] - range[0] >= 1 && (range[0] > 0 || range[1] < readings);
  return (
    <>
      {detail.decimated && (
        <p className="muted small">
          Showing the minimum and maximum of every {Math.ceil(readings / (detail.readings / 2))} readings ({readings} in all).
        </p>
      )}
      <PlotlyChart data={data} layout={layout} height={240} label={`Plot of ${s.name}`} onClick={onPlotClick} testId="sample-plot" />
      {s.kind === 'audio' && <AudioPlayer project={project} id={s.id} rate={Math.round(1000 / s.intervalMs)} />}
      {readings > 1 && (
        <div className="edit-box">
          <div className="segmented" role="tablist" aria-label="Edit">
            <button type="button" role="tab" aria-selected={mode === 'crop'} className={mode === 'crop' ? 'on' : ''} onClick={() => setMode('crop')}>
              Crop
            </button>
            <button type="button" role="tab" aria-selected={mode === 'split'} className={mode === 'split' ? 'on' : ''} onClick={() => setMode('split')}>
              Split
            </button>
          </div>
          {mode === 'crop' ? (
            <form
              className="row"
              onSubmit={(e) => {
                e.preventDefault();
                if (validCrop) void run('crop');
              }}
            >
              <label className="inline-field">
                Start (ms)
                <input
                  type="number"
                  min={0}
                  step={s.intervalMs}
                  value={+ms(range[0]).toFixed(3)}
                  onChange={(e) => setRange([Math.max(0, Math.round(Number(e.target.value) / s.intervalMs)), range[1]])}
                  aria-label="Crop start in ms"
                />
              </label>
              <label className="inline-field">
                End (ms)
                <input
                  type="number"
                  min={0}
                  step={s.intervalMs}
                  value={+ms(range[1]).toFixed(3)}
                  onChange={(e) => setRange([range[0], Math.min(readings, Math.round(Number(e.target.value) / s.intervalMs))])}
                  aria-label="Crop end in ms"
                />
              </label>
              <button type="submit" className="btn btn-primary btn-small" disabled={!validCrop || busy}>
                Crop
              </button>
              <span className="muted small">Click the plot to move the nearer edge.</span>
            </form>
          ) : (
            <div className="row">
              <label className="inline-field">
                Parts
                <input
                  type="number"
                  min={2}
                  max={Math.min(1000, readings)}
                  value={parts}
                  onChange={(e) => setParts(Math.max(2, Math.min(readings, Math.round(Number(e.target.value)) || 2)))}
                  aria-label="Number of equal parts"
                />
              </label>
              <button type="button" className="btn btn-small" onClick={() => setCuts(equalCuts(readings, parts))}>
                Equal parts
              </button>
              <button type="button" className="btn btn-small" onClick={() => setCuts([])} disabled={cuts.length === 0}>
                Clear
              </button>
              <button type="button" className="btn btn-primary btn-small" disabled={cuts.length === 0 || busy} onClick={() => void run('split')}>
                Split into {cuts.length + 1}
              </button>
              <span className="muted small" data-testid="split-points">
                {cuts.length ? `Cuts at ${cuts.map((c) => formatLength(ms(c))).join(', ')}` : 'Click the plot to add cut points.'}
              </span>
            </div>
          )}
        </div>
      )}
    </>
  );
}

/** Fetches the full audio (the plot may be decimated) and plays it from a WAV blob. */
function AudioPlayer({ project, id, rate }: { project: string; id: number; rate: number }) {
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    let made: string | null = null;
    api()
      .call('samples.get', { project, id })
      .then((full) => {
        if (cancelled) return;
        made = URL.createObjectURL(wavBlob(full.values, rate));
        setUrl(made);
      })
      .catch((e: unknown) => !cancelled && setError(errorMessage(e)));
    return () => {
      cancelled = true;
      if (made) URL.revokeObjectURL(made);
    };
  }, [project, id, rate]);
  if (error) return <p className="error-text">Cannot play this sample: {error}</p>;
  return url ? (
    <audio className="sample-audio" controls src={url} aria-label="Play the sample" data-testid="sample-audio" />
  ) : (
    <p className="muted small">Preparing audio…</p>
  );
}
