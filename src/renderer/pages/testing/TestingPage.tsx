import { useEffect, useMemo, useState } from 'react';
import { api } from '../../api';
import type { SampleTestResult, TestResult } from '../../../shared/api/training';
import { seriesColor } from '../../components/charts';
import { ProgressBar } from '../../components/ProgressBar';
import { formatDate } from '../../format';
import { errorMessage, useApp } from '../../stores/appStore';
import { useRoute } from '../../stores/routeStore';
import { jobRunning, useTraining } from '../../stores/trainingStore';
import { ClassMetricsTable, ConfusionTable, pct } from '../training/results';
import '../training/training.css';

const UNCERTAIN_COLOR = 'var(--border)';

function colorOf(predicted: number): string {
  return predicted >= 0 ? seriesColor(predicted) : UNCERTAIN_COLOR;
}

/** The prediction of every window of a sample, left to right in time. */
function Timeline({ sample, r }: { sample: SampleTestResult; r: TestResult }) {
  return (
    <div className="timeline" role="img" aria-label={`Predictions over time for ${sample.name}`}>
      {sample.windows.map((w, i) => (
        <span
          key={i}
          style={{ background: colorOf(w.predicted), opacity: 0.35 + 0.65 * Math.min(1, w.score) }}
          title={`${(w.start / 1000).toFixed(1)} s: ${w.predicted >= 0 ? r.classNames[w.predicted] : 'uncertain'} (${w.score.toFixed(2)})`}
        />
      ))}
    </div>
  );
}

/** Model testing: every test sample classified window by window with the active model. */
export function TestingPage({ project }: { project: string }) {
  const s = useTraining();
  const toast = useApp((x) => x.toast);
  const go = useRoute((r) => r.go);
  const [filter, setFilter] = useState<'all' | 'wrong'>('all');

  useEffect(() => s.connect(), [s.connect]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    void s.load(project).then(() => s.loadLastTest());
  }, [project]); // eslint-disable-line react-hooks/exhaustive-deps

  const r = s.lastTest;
  const running = jobRunning(s.testJob) || (s.testJobId !== null && s.testJob === null);
  const active = s.models.find((m) => m.active) ?? null;
  const samples = useMemo(() => (r ? (filter === 'wrong' ? r.samples.filter((x) => !x.correct) : r.samples) : []), [r, filter]);
  const isAnomaly = r?.samples.some((x) => x.anomaly !== null) ?? false;

  const run = () => s.runTest().catch((e: unknown) => toast({ kind: 'error', message: errorMessage(e) }));
  // an ONNX file of the active model, as a download (no path from the page)
  const downloadOnnx = async (id: number) => {
    try {
      const saved = await api().download(await api().call('models.exportOnnx', { project, id }));
      if (saved.savedTo) toast({ kind: 'success', message: `Saved ${saved.savedTo}` });
    } catch (e) {
      toast({ kind: 'error', message: errorMessage(e) });
    }
  };

  if (s.loadError) {
    return (
      <section className="page">
        <h1>Model testing</h1>
        <p className="error-text" role="alert">
          {s.loadError}
        </p>
      </section>
    );
  }
  return (
    <section className="page testing" aria-labelledby="testing-title">
      <div className="row page-head">
        <h1 id="testing-title">Model testing</h1>
        <span className="muted small">
          {active ? `Active model #${active.id} (${active.block})${active.current ? '' : ' — stale: retrain it'}` : 'No trained model yet'}
        </span>
      </div>
      <div className="card">
        <p className="muted">
          Classifies every sample of the test set with the impulse’s windows; a sample’s result is the most frequent confident window prediction.
        </p>
        <div className="row">
          <button className="btn btn-primary" onClick={() => void run()} disabled={running || !active} data-testid="run-test">
            {running ? 'Testing…' : 'Classify all test samples'}
          </button>
          {active && (
            <button className="btn" onClick={() => void downloadOnnx(active.id)}>
              Download ONNX
            </button>
          )}
          {!active && (
            <button className="btn" onClick={() => go({ project, page: 'training' })}>
              Train a model first
            </button>
          )}
        </div>
        {s.testJob && (
          <div className="job-status" aria-live="polite">
            <ProgressBar value={s.testJob.progress} label="Testing progress" />
            <div className="small muted">
              {s.testJob.state === 'failed' ? <span className="error-text">{s.testJob.error?.message}</span> : s.testJob.status}
            </div>
          </div>
        )}
      </div>

      {r && (
        <>
          <div className="cards">
            <div className="card stat">
              <div className="stat-value" data-testid="test-accuracy">
                {pct(r.sampleAccuracy)}
              </div>
              <div className="muted">sample accuracy ({r.samples.length} samples)</div>
            </div>
            <div className="card stat">
              <div className="stat-value">{pct(r.windows.accuracy)}</div>
              <div className="muted">window accuracy ({r.windows.rows} windows)</div>
            </div>
            <div className="card stat">
              <div className="stat-value">{r.windows.weightedF1.toFixed(3)}</div>
              <div className="muted">weighted F1</div>
            </div>
            <div className="card stat">
              <div className="stat-value">#{r.modelId}</div>
              <div className="muted">model · {formatDate(r.at)}</div>
            </div>
          </div>
          {r.unknownLabels.length > 0 && <p className="muted">Not scored (labels the model was not trained on): {r.unknownLabels.join(', ')}</p>}
          {!isAnomaly && r.windows.confusion.length > 0 && (
            <div className="grid-2">
              <div className="card">
                <h2>Confusion matrix (windows)</h2>
                <ConfusionTable classNames={r.classNames} ev={r.windows} testId="test-confusion" />
              </div>
              <div className="card">
                <h2>Per class</h2>
                <ClassMetricsTable classNames={r.classNames} ev={r.windows} />
              </div>
            </div>
          )}
          <div className="card">
            <div className="row">
              <h2>Samples</h2>
              <span className="spacer" />
              <label className="row small">
                <input type="checkbox" checked={filter === 'wrong'} onChange={(e) => setFilter(e.target.checked ? 'wrong' : 'all')} /> Only misclassified
              </label>
            </div>
            <div className="legend">
              {r.classNames.map((c, i) => (
                <span key={c}>
                  <i style={{ background: seriesColor(i) }} />
                  {c}
                </span>
              ))}
              <span>
                <i style={{ background: UNCERTAIN_COLOR }} />
                uncertain
              </span>
            </div>
            <table className="table" data-testid="test-samples">
              <thead>
                <tr>
                  <th>Sample</th>
                  <th>Label</th>
                  <th>Result</th>
                  {isAnomaly && <th className="num">Anomaly</th>}
                  <th>Timeline ({(r.increaseMs / 1000).toFixed(2)} s steps)</th>
                </tr>
              </thead>
              <tbody>
                {samples.map((x) => (
                  <tr key={x.sampleId} className={!x.correct && !isAnomaly && r.classNames.includes(x.label) ? 'row-wrong' : ''}>
                    <td>{x.name}</td>
                    <td>{x.label}</td>
                    <td>{isAnomaly ? '—' : x.predicted >= 0 ? `${r.classNames[x.predicted]} ${x.correct ? '✓' : '✗'}` : 'uncertain ✗'}</td>
                    {isAnomaly && <td className="num">{x.anomaly?.toFixed(3)}</td>}
                    <td>
                      <Timeline sample={x} r={r} />
                    </td>
                  </tr>
                ))}
                {samples.length === 0 && (
                  <tr>
                    <td colSpan={5} className="muted">
                      No misclassified samples.
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
