import {
  describeValidation,
  uncertainMeaning,
  type ClassifierEvaluation,
  type EpochMetrics,
  type ModelDetail,
  type ModelMetrics,
} from '../../../shared/api/training';
import { PlotlyChart, seriesColor } from '../../components/charts';
import type { Estimate } from '../../stores/trainingStore';
import { formatBytes } from '../../format';

export const pct = (x: number | null | undefined, digits = 1) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(digits)} %`);

/** Confusion matrix: counts and row percentages; the diagonal and the largest mistakes stand out. */
export function ConfusionTable({ classNames, ev, testId }: { classNames: string[]; ev: ClassifierEvaluation; testId?: string }) {
  const hasUncertain = ev.confusion.some((r) => (r[classNames.length] ?? 0) > 0);
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label="Confusion matrix">
      <table className="table confusion" data-testid={testId}>
        <caption className="sr-only">Confusion matrix: rows are true labels, columns predictions</caption>
        <thead>
          <tr>
            <th scope="col">True ↓ / predicted →</th>
            {classNames.map((c) => (
              <th key={c} scope="col" className="num">
                {c}
              </th>
            ))}
            {hasUncertain && (
              <th scope="col" className="num">
                uncertain
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {ev.confusion.map((row, i) => {
            const total = row.reduce((a, b) => a + b, 0);
            const cells = hasUncertain ? row : row.slice(0, classNames.length);
            return (
              <tr key={i}>
                <th scope="row">{classNames[i]}</th>
                {cells.map((n, j) => {
                  const share = total ? n / total : 0;
                  const cls = j === i ? 'cell-ok' : n > 0 ? 'cell-bad' : '';
                  return (
                    <td key={j} className={`num ${cls}`} style={{ ['--share' as string]: share }}>
                      <span className="count">{n}</span> <span className="muted small">{total ? `${Math.round(share * 100)} %` : ''}</span>
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export function ClassMetricsTable({ classNames, ev }: { classNames: string[]; ev: ClassifierEvaluation }) {
  return (
    <table className="table" data-testid="class-metrics">
      <thead>
        <tr>
          <th>Class</th>
          <th className="num">Precision</th>
          <th className="num">Recall</th>
          <th className="num">F1</th>
          <th className="num">Rows</th>
        </tr>
      </thead>
      <tbody>
        {classNames.map((c, i) => {
          const m = ev.perClass[i]!;
          return (
            <tr key={c}>
              <td>{c}</td>
              <td className="num">{m.precision.toFixed(3)}</td>
              <td className="num">{m.recall.toFixed(3)}</td>
              <td className="num">{m.f1.toFixed(3)}</td>
              <td className="num">{m.support}</td>
            </tr>
          );
        })}
        <tr>
          <td>
            <strong>Weighted</strong>
          </td>
          <td />
          <td />
          <td className="num">
            <strong>{ev.weightedF1.toFixed(3)}</strong>
          </td>
          <td className="num">{ev.rows}</td>
        </tr>
      </tbody>
    </table>
  );
}

/** Loss and accuracy per epoch (training and validation). */
export function TrainingCurves({ history, total, metricName }: { history: EpochMetrics[]; total: number; metricName: string }) {
  const x = history.map((h) => h.epoch);
  const line = (y: (number | null)[], name: string, i: number, dash?: string) => ({
    x,
    y,
    name,
    type: 'scatter',
    mode: 'lines+markers',
    marker: { size: 4 },
    line: { color: seriesColor(i), dash },
  });
  const range = [0.5, Math.max(total, history.length) + 0.5];
  return (
    <div className="grid-2 curves">
      <PlotlyChart
        label="Loss per epoch"
        testId="loss-curve"
        height={220}
        data={[
          line(
            history.map((h) => h.loss),
            'training loss',
            0,
          ),
          line(
            history.map((h) => h.valLoss),
            'validation loss',
            1,
            'dot',
          ),
        ]}
        layout={{
          title: { text: 'Loss' },
          xaxis: { title: { text: 'epoch' }, range },
          yaxis: { rangemode: 'tozero' },
          legend: { orientation: 'h', y: -0.3 },
          margin: { l: 48, r: 16, t: 36, b: 40 },
        }}
      />
      <PlotlyChart
        label={`${metricName} per epoch`}
        testId="acc-curve"
        height={220}
        data={[
          line(
            history.map((h) => h.metric),
            `training ${metricName}`,
            0,
          ),
          line(
            history.map((h) => h.valMetric),
            `validation ${metricName}`,
            1,
            'dot',
          ),
        ]}
        layout={{
          title: { text: metricName[0]!.toUpperCase() + metricName.slice(1) },
          xaxis: { title: { text: 'epoch' }, range },
          yaxis: metricName === 'accuracy' ? { range: [0, 1.02] } : { rangemode: 'tozero' },
          legend: { orientation: 'h', y: -0.3 },
          margin: { l: 48, r: 16, t: 36, b: 40 },
        }}
      />
    </div>
  );
}

/** Validation rows projected on their two principal components, coloured correct / incorrect. */
export function FeatureExplorer({ model }: { model: ModelDetail }) {
  const pts = model.metrics.explorer;
  if (!pts.length) return null;
  const names = model.metrics.classNames;
  const anomaly = model.metrics.kind.startsWith('anomaly');
  const groups = anomaly
    ? names.map((n, i) => ({ name: n, color: seriesColor(i), points: pts.filter((p) => p.label === i) }))
    : [
        { name: 'correct', color: 'var(--success)', points: pts.filter((p) => p.predicted === p.label) },
        { name: 'incorrect', color: 'var(--danger)', points: pts.filter((p) => p.predicted !== p.label) },
      ];
  const css = (v: string) =>
    typeof document !== 'undefined' && v.startsWith('var(') ? getComputedStyle(document.documentElement).getPropertyValue(v.slice(4, -1)).trim() || '#888' : v;
  return (
    <PlotlyChart
      label="Feature explorer"
      testId="explorer"
      height={300}
      data={groups.map((g) => ({
        x: g.points.map((p) => p.x),
        y: g.points.map((p) => p.y),
        text: g.points.map((p) => `${names[p.label] ?? '?'} → ${p.predicted >= 0 ? names[p.predicted] : 'uncertain'} (sample ${p.sampleId})`),
        name: `${g.name} (${g.points.length})`,
        type: 'scatter',
        mode: 'markers',
        marker: { size: 5, color: css(g.color), opacity: 0.75 },
        hoverinfo: 'text',
      }))}
      layout={{
        xaxis: { title: { text: 'component 1' }, zeroline: false },
        yaxis: { title: { text: 'component 2' }, zeroline: false },
        legend: { orientation: 'h', y: -0.32 },
        margin: { l: 48, r: 16, t: 16, b: 80 },
      }}
    />
  );
}

/** float32 and int8 side by side: accuracy, size and both confusion matrices. */
export function QuantizationComparison({ model }: { model: ModelDetail }) {
  const m = model.metrics;
  if (!m.float32 || !m.int8) return null;
  return (
    <div className="quant" data-testid="quantization">
      <table className="table">
        <thead>
          <tr>
            <th />
            <th className="num">float32</th>
            <th className="num">int8 (quantized)</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <td>Accuracy</td>
            <td className="num" data-testid="acc-float">
              {pct(m.float32.accuracy)}
            </td>
            <td className="num" data-testid="acc-int8">
              {pct(m.int8.accuracy)}
            </td>
          </tr>
          <tr>
            <td>Weighted F1</td>
            <td className="num">{m.float32.weightedF1.toFixed(3)}</td>
            <td className="num">{m.int8.weightedF1.toFixed(3)}</td>
          </tr>
          <tr>
            <td>Rows evaluated</td>
            <td className="num">{m.float32.rows}</td>
            <td className="num">{m.int8.rows}</td>
          </tr>
          <tr>
            <td>Weights size</td>
            <td className="num">{formatBytes(m.sizes.float32Bytes)}</td>
            <td className="num">{m.sizes.int8Bytes !== null ? formatBytes(m.sizes.int8Bytes) : '—'}</td>
          </tr>
        </tbody>
      </table>
      <div className="grid-2">
        <div>
          <h4>float32</h4>
          <ConfusionTable classNames={m.classNames} ev={m.float32} />
        </div>
        <div>
          <h4>int8</h4>
          <ConfusionTable classNames={m.classNames} ev={m.int8} testId="confusion-int8" />
        </div>
      </div>
    </div>
  );
}

const ms = (x: number) => (x >= 100 ? `${Math.round(x)} ms` : x >= 0.1 ? `${x.toFixed(1)} ms` : `${Math.max(1, Math.round(x * 1000))} µs`);

export function DeviceEstimate({ estimate, error, onBoard }: { estimate: Estimate | null; error: string | null; onBoard: (id: string) => void }) {
  if (error) return <p className="error-text">{error}</p>;
  if (!estimate) return <p className="muted">Estimating…</p>;
  const rows = [estimate.float32, ...(estimate.int8 ? [estimate.int8] : [])];
  return (
    <div data-testid="estimate">
      <label className="field inline">
        <span>Target board</span>
        <select value={estimate.board} onChange={(e) => onBoard(e.target.value)} data-testid="board-select">
          {estimate.boards.map((b) => (
            <option key={b.id} value={b.id}>
              {b.name}
            </option>
          ))}
        </select>
      </label>
      <table className="table">
        <thead>
          <tr>
            <th />
            <th className="num">DSP</th>
            <th className="num">Network</th>
            <th className="num">Total latency</th>
            <th className="num">RAM</th>
            <th className="num">Flash</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((e) => (
            <tr key={e.numeric}>
              <td>{e.numeric}</td>
              <td className="num">{ms(e.dspMs)}</td>
              <td className="num">{ms(e.modelMs)}</td>
              <td className="num">
                <strong>{ms(e.totalMs)}</strong>
              </td>
              <td className={e.fitsRam ? 'num' : 'num cell-bad'}>{formatBytes(e.ramBytes)}</td>
              <td className={e.fitsFlash ? 'num' : 'num cell-bad'}>{formatBytes(e.flashBytes)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">
        Estimates from operation counts and per-core cycle costs, not measurements on the board.
        {rows.flatMap((r) => r.notes).length ? ' ' + [...new Set(rows.flatMap((r) => r.notes))].join(' ') : ''}
      </p>
    </div>
  );
}

/** How validation was split, what "uncertain" means, and any under-fit advice. */
export function ValidationNote({ metrics: m }: { metrics: ModelMetrics }) {
  return (
    <div className="validation-note" data-testid="validation-split">
      <p className="muted small">
        {m.validation
          ? describeValidation(m.validation)
          : `Evaluated on ${m.validationRows} held-out windows (split by window; trained before Kiln split by sample)`}
      </p>
      {m.float32 && <p className="muted small">{uncertainMeaning(m.uncertainThreshold)}</p>}
      {(m.advice ?? []).map((a) => (
        <p key={a.code} className="warning" data-testid="training-advice">
          {a.message}
        </p>
      ))}
    </div>
  );
}
