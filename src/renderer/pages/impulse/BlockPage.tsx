/** One processing block: generated parameter form, axes, live preview on a chosen sample and window, output size and cost. */
import { featureNames } from '../../../shared/dsp/featureNames';
import { useEffect, useId, useMemo, useState } from 'react';
import type { ParamValue } from '../../../shared/dsp/block';
import { findDspBlock, validateParams } from '../../../shared/dsp/index';
import { KilnError } from '../../../shared/errors';
import { CUSTOM_BLOCK_PREFIX, dspOutputLength, blockInputInfo, type DspBlockConfig, type Impulse } from '../../../shared/impulse/impulse';
import type { SampleRow } from '../../../shared/api/samples';
import { api } from '../../api';
import { errorMessage } from '../../stores/appStore';
import { catalogFor, draftIssues, useImpulse } from '../../stores/impulseStore';
import { useRoute } from '../../stores/routeStore';
import { PlotlyChart, seriesColor } from '../../components/charts';
import { EditBar } from './EditBar';
import { FeatureStatusBar } from './FeatureStatusBar';
import { AxesField } from './Inspector';
import { ParamForm } from './fields';
import { BOARDS } from './boards';
import { estimateOnDevice } from '../../../shared/estimate/onDevice';
import { computePreview, formatCount, heatmapRows, imagePixels, type BlockPreview, type PreviewSample } from './preview';

export function BlockPage({
  project,
  blockId,
  sample,
  window,
}: {
  project: string;
  blockId: string;
  sample?: string | undefined;
  window?: string | undefined;
}) {
  const impulse = useImpulse((s) => s.impulse)!;
  const facts = useImpulse((s) => s.facts);
  const custom = useImpulse((s) => s.customBlocks);
  const updateDsp = useImpulse((s) => s.updateDsp);
  const go = useRoute((s) => s.go);
  const dsp = impulse.dsp.find((d) => d.id === blockId);
  const issues = useMemo(
    () => draftIssues({ impulse, facts, customBlocks: custom }).filter((i) => i.blockId === blockId || i.path === 'input'),
    [impulse, facts, custom, blockId],
  );

  if (!dsp) {
    return (
      <section className="page">
        <EditBar title="Impulse design" />
        <p className="error-text" role="alert">
          This impulse has no processing block &quot;{blockId}&quot; (it may have been deleted or renamed).
        </p>
        <button type="button" className="btn" onClick={() => go({ project, page: 'impulse' })}>
          Back to the pipeline
        </button>
      </section>
    );
  }
  const block = findDspBlock(dsp.block);
  const length = dspOutputLength(impulse, dsp, catalogFor(custom));
  const paramErrors = paramErrorsOf(dsp);
  return (
    <section className="page page-wide" aria-labelledby="impulse-title">
      <nav className="crumbs small" aria-label="Breadcrumb">
        <button type="button" className="link" onClick={() => go({ project, page: 'impulse' })}>
          Impulse design
        </button>{' '}
        / {dsp.title || dsp.block}
      </nav>
      <EditBar title={dsp.title || block?.title || dsp.block} />
      <div className="row impulse-actions">
        <FeatureStatusBar blockId={dsp.id} canGenerate={!issues.some((i) => i.severity === 'error')} />
        <button type="button" className="btn" onClick={() => go({ project, page: 'impulse', rest: ['explorer', dsp.id] })}>
          Feature explorer
        </button>
      </div>
      {issues.length > 0 && (
        <ul className="issues" aria-label="Problems">
          {issues.map((i, n) => (
            <li key={n} className={i.severity}>
              {i.message}
            </li>
          ))}
        </ul>
      )}
      <div className="block-layout">
        <div className="card block-params">
          <h2>Parameters</h2>
          {block ? (
            <>
              <p className="muted small">{block.description}</p>
              <ParamForm
                specs={block.params}
                values={dsp.params}
                errors={paramErrors}
                onChange={(key, value: ParamValue) => updateDsp(dsp.id, { params: { ...dsp.params, [key]: value } })}
              />
            </>
          ) : dsp.block.startsWith(CUSTOM_BLOCK_PREFIX) ? (
            <p>
              A custom block: its code has no parameters here.{' '}
              <button
                type="button"
                className="link"
                onClick={() => go({ project, page: 'impulse', rest: ['custom', dsp.block.slice(CUSTOM_BLOCK_PREFIX.length)] })}
              >
                Edit its code
              </button>
            </p>
          ) : (
            <p className="error-text">Unknown block &quot;{dsp.block}&quot;.</p>
          )}
          <AxesField impulse={impulse} blockId={dsp.id} />
          <dl className="facts small">
            <dt>Reads</dt>
            <dd>{impulse.input.type === 'image' ? `${impulse.input.width}×${impulse.input.height} image` : dsp.axes.join(', ') || 'no axis'}</dd>
            <dt>Features</dt>
            <dd data-testid="feature-count">{length === null ? 'unknown' : length}</dd>
            {block && <Operations impulse={impulse} dsp={dsp} />}
          </dl>
        </div>
        <Preview project={project} impulse={impulse} dsp={dsp} initialSample={sample} initialWindow={window} />
      </div>
    </section>
  );
}

/** Message per parameter key (only the first problem the block's validation finds). */
function paramErrorsOf(dsp: DspBlockConfig): Record<string, string> {
  const block = findDspBlock(dsp.block);
  if (!block) return {};
  try {
    validateParams(block, dsp.params);
    return {};
  } catch (e) {
    const field = e instanceof KilnError ? e.details?.field : undefined;
    return typeof field === 'string' ? { [field]: e instanceof Error ? e.message : String(e) } : {};
  }
}

function Operations({ impulse, dsp }: { impulse: Impulse; dsp: DspBlockConfig }) {
  const block = findDspBlock(dsp.block)!;
  const [boardId, setBoardId] = useState(() => localStorage.getItem('kiln-estimate-board') ?? BOARDS[0]?.id ?? '');
  const selectId = useId();
  let ops: number | null;
  let outLength = 0;
  try {
    const params = validateParams(block, dsp.params);
    const info = blockInputInfo(impulse.input, dsp);
    ops = block.operations(info, params);
    outLength = block.outputShape(info, params).length;
  } catch {
    ops = null;
  }
  const board = BOARDS.find((b) => b.id === boardId) ?? BOARDS[0];
  const info = blockInputInfo(impulse.input, dsp);
  const estimate =
    ops !== null && board
      ? estimateOnDevice(board, {
          dspOperations: ops,
          dspBufferFloats: info.readings * Math.max(1, info.axes) + outLength,
          modelMacs: 0,
          modelParams: 0,
          peakActivationElements: 0,
          dspBlockKinds: 1,
        })
      : null;
  return (
    <>
      <dt>Operations</dt>
      <dd data-testid="operations">{ops === null ? '—' : `${formatCount(ops)} per window`}</dd>
      {board && (
        <>
          <dt>
            <label htmlFor={selectId}>On</label>
          </dt>
          <dd>
            <select
              id={selectId}
              value={board.id}
              onChange={(e) => {
                setBoardId(e.target.value);
                localStorage.setItem('kiln-estimate-board', e.target.value);
              }}
            >
              {BOARDS.map((b) => (
                <option key={b.id} value={b.id}>
                  {b.name}
                </option>
              ))}
            </select>
          </dd>
          <dt>Time</dt>
          <dd data-testid="device-time" title="Estimated from operation counts and the core's cycle costs, not measured">
            {estimate ? `≈ ${estimate.dspMs < 1 ? estimate.dspMs.toFixed(2) : estimate.dspMs.toFixed(1)} ms per window (estimate)` : '—'}
            {estimate?.notes.map((n) => (
              <div key={n} className="muted small">
                {n}
              </div>
            ))}
          </dd>
        </>
      )}
    </>
  );
}

function compatible(impulse: Impulse, row: SampleRow): boolean {
  if (impulse.input.type === 'image') return row.kind === 'image';
  const names = row.sensors.map((s) => s.name);
  return row.kind !== 'image' && impulse.input.axes.every((a) => names.includes(a));
}

function Preview({
  project,
  impulse,
  dsp,
  initialSample,
  initialWindow,
}: {
  project: string;
  impulse: Impulse;
  dsp: DspBlockConfig;
  initialSample?: string | undefined;
  initialWindow?: string | undefined;
}) {
  const samples = useImpulse((s) => s.samples);
  const choices = useMemo(() => samples.filter((r) => compatible(impulse, r) && r.status !== 'recording'), [samples, impulse]);
  const [sampleId, setSampleId] = useState<number | null>(() => (initialSample ? Number(initialSample) : null));
  const [windowIndex, setWindowIndex] = useState(() => (initialWindow ? Number(initialWindow) || 0 : 0));
  const [data, setData] = useState<{ id: number; sample: PreviewSample } | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const selectId = useId();
  const sliderId = useId();

  useEffect(() => {
    if (sampleId === null && choices.length) setSampleId(choices[0]!.id);
  }, [sampleId, choices]);

  useEffect(() => {
    if (sampleId === null || data?.id === sampleId) return;
    let live = true;
    setLoadError(null);
    api()
      .call('samples.get', { project, id: sampleId })
      .then((r) => {
        if (!live) return;
        setData({
          id: sampleId,
          sample: {
            name: r.sample.name,
            sensors: r.sample.sensors,
            intervalMs: r.sample.intervalMs,
            values: r.values,
            width: r.sample.width,
            height: r.sample.height,
          },
        });
      })
      .catch((e: unknown) => live && setLoadError(errorMessage(e)));
    return () => {
      live = false;
    };
  }, [project, sampleId, data]);

  const result = useMemo((): { preview: BlockPreview } | { error: string } | null => {
    if (!data || data.id !== sampleId) return null;
    try {
      return { preview: computePreview(impulse.input, dsp, data.sample, windowIndex) };
    } catch (e) {
      return { error: errorMessage(e) };
    }
  }, [data, sampleId, impulse.input, dsp, windowIndex]);

  const preview = result && 'preview' in result ? result.preview : null;
  return (
    <div className="card block-preview">
      <h2>Preview</h2>
      {choices.length === 0 ? (
        <p className="muted">
          No sample fits the input block yet ({impulse.input.type === 'image' ? 'images' : `axes ${impulse.input.axes.join(', ')}`}). Add samples on the Data
          acquisition page.
        </p>
      ) : (
        <div className="row preview-controls">
          <div className="field">
            <label htmlFor={selectId}>Sample</label>
            <select id={selectId} value={sampleId ?? ''} onChange={(e) => (setSampleId(Number(e.target.value)), setWindowIndex(0))}>
              {choices.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name} ({r.label}, {r.category})
                </option>
              ))}
            </select>
          </div>
          {preview && preview.windows > 1 && (
            <div className="field window-field">
              <label htmlFor={sliderId}>
                Window {preview.window + 1} of {preview.windows}
                {impulse.input.type === 'time-series' ? ` (from ${(preview.startMs / 1000).toFixed(2)} s)` : ''}
              </label>
              <input
                id={sliderId}
                type="range"
                min={0}
                max={preview.windows - 1}
                value={preview.window}
                onChange={(e) => setWindowIndex(Number(e.target.value))}
              />
            </div>
          )}
        </div>
      )}
      {loadError && (
        <p className="error-text" role="alert">
          Could not load the sample: {loadError}
        </p>
      )}
      {result && 'error' in result && (
        <p className="error-text" role="alert" data-testid="preview-error">
          {result.error}
        </p>
      )}
      {preview && <PreviewCharts impulse={impulse} preview={preview} blockName={dsp.block} />}
    </div>
  );
}

function PreviewCharts({ impulse, preview, blockName }: { impulse: Impulse; preview: BlockPreview; blockName: string }) {
  const raw = useMemo(
    () =>
      preview.raw.map((r, i) => ({
        type: 'scatter',
        mode: 'lines',
        name: r.axis,
        x: preview.rawTimesMs,
        y: r.values,
        line: { width: 1.5, color: seriesColor(i) },
      })),
    [preview],
  );
  const out = preview.output;
  const shape = out.shape;
  const outTrace = useMemo(() => {
    if (shape.type === 'spectrogram' && shape.width && shape.height) {
      return [{ type: 'heatmap', z: heatmapRows(out.features, shape.width, shape.height), colorscale: 'Viridis', colorbar: { thickness: 10 } }];
    }
    if (shape.type === 'image' && shape.width && shape.height) {
      return [{ type: 'image', z: imagePixels(out.features, shape.width, shape.height, shape.channels ?? 1) }];
    }
    const names = featureNames(
      out.labels,
      preview.raw.map((r) => r.axis),
      out.features.length,
    );
    const x = names ?? Array.from(out.features, (_, i) => i);
    return [{ type: 'bar', x, y: Array.from(out.features), marker: { color: seriesColor(1) } }];
  }, [out, shape, preview.raw]);
  const rawLayout = useMemo(
    () => ({ xaxis: { title: { text: 'ms in window' } }, legend: { orientation: 'h', y: 1.15 }, margin: { l: 48, r: 16, t: 24, b: 40 } }),
    [],
  );
  const outLayout = useMemo(
    () =>
      shape.type === 'spectrogram'
        ? {
            xaxis: { title: { text: 'frame' } },
            yaxis: { title: { text: blockName === 'mfcc' ? 'coefficient' : blockName === 'mfe' ? 'mel filter' : 'frequency bin' } },
          }
        : shape.type === 'image'
          ? { xaxis: { visible: false }, yaxis: { visible: false, scaleanchor: 'x' } }
          : {
              xaxis: { title: { text: 'feature' }, type: out.labels ? 'category' : 'linear', tickangle: -45, automargin: true, tickfont: { size: 10 } },
              bargap: 0.1,
            },
    [shape.type, out.labels, blockName],
  );
  const shapeText =
    shape.type === 'spectrogram'
      ? `${shape.width} frames × ${shape.height}`
      : shape.type === 'image'
        ? `${shape.width}×${shape.height}×${shape.channels ?? 1}`
        : `${out.features.length}`;
  return (
    <>
      {impulse.input.type === 'time-series' && <PlotlyChart label="Raw window" data={raw} layout={rawLayout} height={220} testId="raw-chart" />}
      <h3 className="preview-sub">Processed features</h3>
      <PlotlyChart label="Processed features" data={outTrace} layout={outLayout} height={shape.type === 'flat' ? 240 : 280} testId="output-chart" />
      <p className="small muted" data-testid="preview-facts">
        Output {shape.type} {shapeText} · {out.features.length} features · {formatCount(preview.operations)} operations per window · {preview.ms.toFixed(1)} ms
        here
      </p>
    </>
  );
}
