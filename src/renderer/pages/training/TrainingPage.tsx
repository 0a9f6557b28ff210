import { useEffect, useMemo, useRef, useState } from 'react';
import type { ModelDetail, TrainSettingsValue } from '../../../shared/api/training';
import { EARLY_STOPPING_DEFAULT, TRAINING_DEFAULTS } from '../../../shared/model/defaults';
import type { ModelSpecInput, OutputHead } from '../../../shared/model/spec';
import { ConfirmDialog } from '../../components/Dialog';
import { ProgressBar } from '../../components/ProgressBar';
import { formatDate } from '../../format';
import { errorMessage, useApp } from '../../stores/appStore';
import { useRoute } from '../../stores/routeStore';
import { jobRunning, useTraining } from '../../stores/trainingStore';
import { ArchitectureEditor, checkDraft } from './ArchitectureEditor';
import { ClassMetricsTable, ConfusionTable, DeviceEstimate, FeatureExplorer, pct, QuantizationComparison, TrainingCurves, ValidationNote } from './results';
import './training.css';

function Num({
  label,
  value,
  onChange,
  min,
  max,
  step,
  help,
  testId,
  disabled,
}: {
  label: string;
  value: number;
  onChange: (v: number) => void;
  min?: number;
  max?: number;
  step?: number;
  help?: string;
  testId?: string;
  disabled?: boolean;
}) {
  return (
    <label className="field">
      <span>{label}</span>
      <input
        type="number"
        value={Number.isFinite(value) ? value : ''}
        min={min}
        max={max}
        step={step ?? 1}
        disabled={disabled}
        onChange={(e) => onChange(e.target.value === '' ? NaN : Number(e.target.value))}
        data-testid={testId}
      />
      {help && <small className="muted">{help}</small>}
    </label>
  );
}

function settingsProblem(s: TrainSettingsValue): string | null {
  if (!(Number.isInteger(s.epochs) && s.epochs >= 1 && s.epochs <= 10000)) return 'Training cycles must be a whole number from 1 to 10000';
  if (!(s.learningRate > 0 && s.learningRate <= 1)) return 'Learning rate must be more than 0 and at most 1';
  if (!(Number.isInteger(s.batchSize) && s.batchSize >= 1)) return 'Batch size must be a whole number ≥ 1';
  if (!(s.validationSplit >= 0 && s.validationSplit <= 0.9)) return 'Validation split must be between 0 and 0.9';
  if (!(Number.isInteger(s.seed) && s.seed >= 0)) return 'Seed must be a whole number ≥ 0';
  if (!(s.uncertainThreshold >= 0 && s.uncertainThreshold <= 1)) return 'Uncertain threshold must be between 0 and 1';
  if (!(Number.isInteger(s.clusters) && s.clusters >= 1)) return 'Clusters must be a whole number ≥ 1';
  const a = s.augmentation;
  if (!((a.noise ?? 0) >= 0)) return 'Noise must be 0 or more';
  for (const [k, v] of [
    ['Time shift', a.timeShift],
    ['Time mask', a.timeMask],
    ['Frequency mask', a.freqMask],
  ] as const) {
    if (!(Number.isInteger(v ?? 0) && (v ?? 0) >= 0)) return `${k} must be a whole number ≥ 0`;
  }
  return null;
}

function SettingsForm({
  settings,
  anomaly,
  spectrogram,
  running,
  onChange,
}: {
  settings: TrainSettingsValue;
  anomaly: boolean;
  spectrogram: boolean;
  running: boolean;
  onChange: (p: Partial<TrainSettingsValue>) => void;
}) {
  return (
    <fieldset className="settings" disabled={running}>
      <legend className="sr-only">Training settings</legend>
      {anomaly ? (
        <>
          <Num label="Clusters" value={settings.clusters} min={1} max={256} onChange={(clusters) => onChange({ clusters })} testId="clusters" />
          <Num label="Seed" value={settings.seed} min={0} onChange={(seed) => onChange({ seed })} help="Same seed, same model" testId="seed" />
        </>
      ) : (
        <>
          <Num label="Epochs" value={settings.epochs} min={1} max={10000} onChange={(epochs) => onChange({ epochs })} testId="epochs" />
          <Num
            label="Learning rate"
            value={settings.learningRate}
            min={0}
            step={0.0001}
            onChange={(learningRate) => onChange({ learningRate })}
            testId="learning-rate"
          />
          <Num label="Batch size" value={settings.batchSize} min={1} onChange={(batchSize) => onChange({ batchSize })} />
          <Num
            label="Validation split"
            value={settings.validationSplit}
            min={0}
            max={0.9}
            step={0.05}
            onChange={(validationSplit) => onChange({ validationSplit })}
            help="Share of training windows held out"
          />
          <Num label="Seed" value={settings.seed} min={0} onChange={(seed) => onChange({ seed })} help="Same seed, same model" testId="seed" />
          <Num
            label="Uncertain below"
            value={settings.uncertainThreshold}
            min={0}
            max={1}
            step={0.05}
            onChange={(uncertainThreshold) => onChange({ uncertainThreshold })}
            help="Top score under this counts as uncertain"
          />
          <label className="check">
            <input type="checkbox" checked={settings.classWeighting} onChange={(e) => onChange({ classWeighting: e.target.checked })} /> Weight classes by
            frequency
          </label>
          <label
            className="check"
            title="Each feature is shifted and scaled by its mean and spread on the training set; the model keeps them and the exported library applies them"
          >
            <input type="checkbox" checked={settings.featureScaling} onChange={(e) => onChange({ featureScaling: e.target.checked })} /> Standardise features
          </label>
          <label className="check">
            <input
              type="checkbox"
              checked={settings.earlyStopping !== null}
              onChange={(e) => onChange({ earlyStopping: e.target.checked ? { patience: TRAINING_DEFAULTS.dense.patience, ...EARLY_STOPPING_DEFAULT } : null })}
            />{' '}
            Stop early when validation {settings.earlyStopping?.monitor === 'loss' ? 'loss' : 'accuracy'} stalls (keeps the best cycle)
          </label>
          {settings.earlyStopping && (
            <Num
              label="Patience (epochs)"
              value={settings.earlyStopping.patience}
              min={1}
              onChange={(patience) => onChange({ earlyStopping: { ...settings.earlyStopping!, patience } })}
            />
          )}
          <Num
            label="Noise"
            value={settings.augmentation.noise ?? 0}
            min={0}
            max={10}
            step={0.05}
            onChange={(noise) => onChange({ augmentation: { ...settings.augmentation, noise } })}
            help="Augmentation: Gaussian noise × feature std (0 = off)"
          />
          {spectrogram && (
            <>
              <Num
                label="Time shift (frames)"
                value={settings.augmentation.timeShift ?? 0}
                min={0}
                onChange={(timeShift) => onChange({ augmentation: { ...settings.augmentation, timeShift } })}
                help="Augmentation: shift up to ± frames"
              />
              <Num
                label="Time mask (frames)"
                value={settings.augmentation.timeMask ?? 0}
                min={0}
                onChange={(timeMask) => onChange({ augmentation: { ...settings.augmentation, timeMask } })}
                help="Augmentation: zero a run of frames"
              />
              <Num
                label="Frequency mask"
                value={settings.augmentation.freqMask ?? 0}
                min={0}
                onChange={(freqMask) => onChange({ augmentation: { ...settings.augmentation, freqMask } })}
                help="Augmentation: zero a band of coefficients"
              />
            </>
          )}
        </>
      )}
    </fieldset>
  );
}

function ModelResults({ model }: { model: ModelDetail }) {
  const m = model.metrics;
  const estimate = useTraining((s) => s.estimate);
  const estimateError = useTraining((s) => s.estimateError);
  const loadEstimate = useTraining((s) => s.loadEstimate);
  return (
    <div className="card results" data-testid="results">
      <div className="row results-head">
        <h2>
          Model #{model.id} {model.active && <span className="badge">active</span>}{' '}
          {!model.current && (
            <span className="badge badge-warn" title="The impulse or the training data changed since this model was trained">
              stale
            </span>
          )}
        </h2>
        <span className="muted small">
          {m.kind} · seed {model.seed} · {model.backend}
          {m.anomaly ? '' : ` · ${m.epochsRun} epochs${m.stoppedEarly ? ' (stopped early)' : ''}`} · {m.trainSeconds.toFixed(1)} s ·{' '}
          {formatDate(model.createdAt)}
        </span>
      </div>
      {m.float32 && (
        <>
          <div className="cards">
            <div className="card stat">
              <div className="stat-value" data-testid="accuracy">
                {pct(m.float32.accuracy)}
              </div>
              <div className="muted">
                accuracy ({m.evaluatedOn}, {m.float32.rows} windows; uncertain = wrong)
              </div>
            </div>
            {m.float32.top1 !== undefined && (
              <div className="card stat">
                <div className="stat-value" data-testid="top1">
                  {pct(m.float32.top1)}
                </div>
                <div className="muted">top-1 accuracy (highest score, uncertain included)</div>
              </div>
            )}
            <div className="card stat">
              <div className="stat-value">{m.float32.loss?.toFixed(3) ?? '—'}</div>
              <div className="muted">loss</div>
            </div>
            <div className="card stat">
              <div className="stat-value">{m.float32.uncertain}</div>
              <div className="muted">uncertain (&lt; {m.uncertainThreshold})</div>
            </div>
            <div className="card stat">
              <div className="stat-value" data-testid="int8-accuracy">
                {pct(m.int8?.accuracy)}
              </div>
              <div className="muted">int8 accuracy{m.int8?.top1 !== undefined ? ` (top-1 ${pct(m.int8.top1)})` : ''}</div>
            </div>
          </div>
          <ValidationNote metrics={m} />
          <h3>Confusion matrix</h3>
          <ConfusionTable classNames={m.classNames} ev={m.float32} testId="confusion" />
          <h3>Per class</h3>
          <ClassMetricsTable classNames={m.classNames} ev={m.float32} />
          <h3>float32 vs int8</h3>
          <QuantizationComparison model={model} />
        </>
      )}
      {m.regression && m.validation && <ValidationNote metrics={m} />}
      {m.regression && (
        <p>
          Mean squared error <strong>{m.regression.mse.toFixed(4)}</strong>, mean absolute error <strong>{m.regression.mae.toFixed(4)}</strong>
        </p>
      )}
      {m.anomaly && (
        <>
          <p data-testid="anomaly-summary">
            {m.anomaly.clusters.length} clusters · suggested threshold <strong>{m.anomaly.threshold.toFixed(3)}</strong> · training scores{' '}
            {m.anomaly.scores.min.toFixed(2)} … {m.anomaly.scores.max.toFixed(2)} (median {m.anomaly.scores.median.toFixed(2)})
          </p>
          <table className="table">
            <thead>
              <tr>
                <th>Cluster</th>
                <th className="num">Windows</th>
                <th className="num">Radius</th>
              </tr>
            </thead>
            <tbody>
              {m.anomaly.clusters.map((c, i) => (
                <tr key={i}>
                  <td>{i + 1}</td>
                  <td className="num">{c.size}</td>
                  <td className="num">{c.radius?.toFixed(3) ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <h3>Feature explorer</h3>
      <FeatureExplorer model={model} />
      <h3>On-device performance</h3>
      <DeviceEstimate estimate={estimate} error={estimateError} onBoard={(b) => void loadEstimate(b)} />
    </div>
  );
}

function CompareView({ a, b, onClose }: { a: ModelDetail; b: ModelDetail; onClose: () => void }) {
  const rows: [string, (m: ModelDetail) => string][] = [
    ['Accuracy', (m) => pct(m.metrics.float32?.accuracy)],
    ['int8 accuracy', (m) => pct(m.metrics.int8?.accuracy)],
    ['Loss', (m) => m.metrics.float32?.loss?.toFixed(4) ?? m.metrics.regression?.mse.toFixed(4) ?? '—'],
    ['Weighted F1', (m) => m.metrics.float32?.weightedF1.toFixed(3) ?? '—'],
    ['Parameters', (m) => m.params?.toLocaleString() ?? '—'],
    ['Epochs', (m) => String(m.metrics.epochsRun)],
    ['Learning rate', (m) => String(m.settings.learningRate)],
    ['Seed', (m) => String(m.seed)],
    ['Layers', (m) => ((m.spec as { layers?: { type: string }[] }).layers ?? []).map((l) => l.type).join(' → ') || '—'],
    ['Dataset', (m) => m.datasetHash],
    ['Impulse', (m) => m.impulseHash],
  ];
  return (
    <div className="card" data-testid="compare">
      <div className="row">
        <h2>Compare</h2>
        <span className="spacer" />
        <button className="btn btn-small" onClick={onClose}>
          Close
        </button>
      </div>
      <table className="table">
        <thead>
          <tr>
            <th />
            <th>Model #{a.id}</th>
            <th>Model #{b.id}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([name, f]) => (
            <tr key={name}>
              <td>{name}</td>
              <td className={f(a) !== f(b) ? 'diff' : ''}>{f(a)}</td>
              <td className={f(a) !== f(b) ? 'diff' : ''}>{f(b)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ModelList() {
  const models = useTraining((s) => s.models);
  const selected = useTraining((s) => s.selected);
  const compare = useTraining((s) => s.compare);
  const select = useTraining((s) => s.select);
  const setCompare = useTraining((s) => s.setCompare);
  const activate = useTraining((s) => s.activate);
  const remove = useTraining((s) => s.remove);
  const restore = useTraining((s) => s.restore);
  const toast = useApp((s) => s.toast);
  const [confirm, setConfirm] = useState<number | null>(null);
  if (!models.length) return <p className="muted">No trained models yet. Set up the network and press “Start training”.</p>;
  const run = (p: Promise<unknown>) => p.catch((e: unknown) => toast({ kind: 'error', message: errorMessage(e) }));
  return (
    <>
      <table className="table" data-testid="model-list">
        <thead>
          <tr>
            <th>Model</th>
            <th>Trained</th>
            <th className="num">Accuracy</th>
            <th className="num">int8</th>
            <th className="num">Epochs</th>
            <th className="num">Seed</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {models.map((m) => (
            <tr key={m.id} className={selected?.id === m.id ? 'selected' : ''}>
              <td>
                <button className="link" onClick={() => void run(select(m.id))}>
                  #{m.id} {m.block}
                </button>{' '}
                {m.active && <span className="badge">active</span>} {!m.current && <span className="badge badge-warn">stale</span>}
              </td>
              <td>{formatDate(m.createdAt)}</td>
              <td className="num">{pct(m.accuracy)}</td>
              <td className="num">{pct(m.int8Accuracy)}</td>
              <td className="num">{m.epochs}</td>
              <td className="num">{m.seed}</td>
              <td className="actions">
                {selected && selected.id !== m.id && (
                  <button
                    className="btn btn-small"
                    onClick={() => void run(setCompare(compare?.id === m.id ? null : m.id))}
                    aria-pressed={compare?.id === m.id}
                  >
                    Compare
                  </button>
                )}
                {!m.active && (
                  <button className="btn btn-small" onClick={() => void run(activate(m.id))}>
                    Activate
                  </button>
                )}
                <button className="btn btn-small btn-danger-ghost" onClick={() => setConfirm(m.id)} aria-label={`Delete model ${m.id}`}>
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <ConfirmDialog
        open={confirm !== null}
        title={`Delete model #${confirm}?`}
        message="Its weights and metrics are removed from the project. You can undo this for 10 minutes."
        confirm="Delete"
        onClose={() => setConfirm(null)}
        onConfirm={() => {
          const id = confirm!;
          setConfirm(null);
          void remove(id)
            .then((token) => toast({ kind: 'info', message: `Model #${id} deleted`, action: { label: 'Undo', run: () => void run(restore(token)) } }, 10000))
            .catch((e: unknown) => toast({ kind: 'error', message: errorMessage(e) }));
        }}
      />
    </>
  );
}

/** Training: architecture, settings, live curves, results, model registry. */
export function TrainingPage({ project, rest }: { project: string; rest: string[] }) {
  const s = useTraining();
  const go = useRoute((r) => r.go);
  const toast = useApp((x) => x.toast);
  const logRef = useRef<HTMLPreElement>(null);
  const block = rest[0];

  useEffect(() => s.connect(), [s.connect]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    void s.load(project, block);
  }, [project, block]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    logRef.current?.scrollTo({ top: logRef.current.scrollHeight });
  }, [s.log.length]);

  const info = s.info;
  const blockInfo = info?.blocks.find((b) => b.id === info.block) ?? null;
  const head: OutputHead = useMemo(
    () =>
      blockInfo?.type === 'regression'
        ? { kind: 'regression' }
        : { kind: 'classification', classes: Math.max(2, info?.classes.filter((c) => c.train > 0).length ?? 2) },
    [blockInfo?.type, info?.classes],
  );
  const draftCheck = useMemo(() => (s.draft ? checkDraft(s.draft, head) : null), [s.draft, head]);
  const running = jobRunning(s.job) || (s.jobId !== null && s.job === null);

  if (s.loadError) {
    return (
      <section className="page">
        <h1>Training</h1>
        <p className="error-text" role="alert">
          {s.loadError}
        </p>
      </section>
    );
  }
  if (!info || s.project !== project) return <section className="page" aria-busy="true" />;
  if (!info.impulse || !info.blocks.length) {
    return (
      <section className="page">
        <h1>Training</h1>
        <div className="card empty">
          <h2>{info.impulse ? 'The impulse has no learning block' : 'No impulse yet'}</h2>
          <p>Training needs an impulse: an input window, processing blocks and a learning block. Design one first, then come back to train it.</p>
          <button className="btn btn-primary" onClick={() => go({ project, page: 'impulse' })}>
            Go to Impulse design
          </button>
        </div>
      </section>
    );
  }
  const anomaly = blockInfo?.type.startsWith('anomaly') ?? false;
  const settingsError = s.settings ? settingsProblem(s.settings) : null;
  const specError =
    !anomaly && draftCheck ? (draftCheck.schemaError?.message ?? (draftCheck.analysis && !draftCheck.analysis.ok ? draftCheck.analysis.message : null)) : null;
  const history = s.epochs.length ? s.epochs : (s.selected?.metrics.history ?? []);
  const total = s.epochs.length || running ? s.totalEpochs : (s.selected?.metrics.epochsRun ?? 0);

  const train = () => {
    s.train().catch((e: unknown) => toast({ kind: 'error', message: errorMessage(e) }));
  };

  return (
    <section className="page training" aria-labelledby="training-title">
      <div className="row page-head">
        <h1 id="training-title">Training</h1>
        {info.blocks.length > 1 && (
          <select aria-label="Learning block" value={info.block ?? ''} onChange={(e) => go({ project, page: 'training', rest: [e.target.value] })}>
            {info.blocks.map((b) => (
              <option key={b.id} value={b.id}>
                {b.title}
              </option>
            ))}
          </select>
        )}
        <span className="muted small">
          Impulse {info.impulse.hash.slice(0, 8)} · {blockInfo?.title} · features {blockInfo?.featureShape ? `[${blockInfo.featureShape.join(', ')}]` : '—'} ·
          backend <strong data-testid="backend">{info.backend.name}</strong>
        </span>
      </div>
      {blockInfo?.problem && (
        <p className="error-text" role="alert">
          {blockInfo.problem}
        </p>
      )}
      <div className="training-grid">
        <div className="card">
          <h2>{anomaly ? 'Anomaly detection' : 'Neural network'}</h2>
          {anomaly ? (
            <p className="muted">
              {blockInfo?.type === 'anomaly-kmeans' ? 'K-means' : 'Gaussian mixture'} on the block’s input features; windows far from every cluster score high.
            </p>
          ) : s.draft ? (
            <ArchitectureEditor draft={s.draft} head={head} onChange={(d: ModelSpecInput) => s.setDraft(d)} onReset={() => s.resetDraft()} readOnly={running} />
          ) : (
            <p className="muted">No architecture for this block.</p>
          )}
        </div>
        <div className="card">
          <h2>Training settings</h2>
          {s.settings && (
            <SettingsForm
              settings={s.settings}
              anomaly={anomaly}
              spectrogram={blockInfo?.featureShape?.length === 2}
              running={running}
              onChange={(p) => s.setSettings(p)}
            />
          )}
          {(settingsError || specError) && (
            <p className="error-text" role="alert">
              {settingsError ?? `Fix the network first: ${specError}`}
            </p>
          )}
          <div className="row">
            {running ? (
              <button className="btn btn-danger" onClick={() => void s.cancel()} data-testid="cancel-training">
                Cancel
              </button>
            ) : (
              <button
                className="btn btn-primary"
                onClick={train}
                disabled={!!settingsError || !!specError || s.busy || !!blockInfo?.problem}
                data-testid="start-training"
              >
                Start training
              </button>
            )}
          </div>
          {s.job && (
            <div className="job-status" aria-live="polite">
              <ProgressBar value={s.job.progress} label="Training progress" />
              <div className="small muted" data-testid="train-status">
                {s.job.state === 'failed' ? (
                  <span className="error-text">{s.job.error?.message}</span>
                ) : s.job.state === 'cancelled' ? (
                  'Cancelled'
                ) : (
                  s.job.status
                )}
              </div>
            </div>
          )}
        </div>
      </div>

      {!anomaly && history.length > 0 && (
        <div className="card">
          <h2>Training performance</h2>
          <TrainingCurves history={history} total={total} metricName={blockInfo?.type === 'regression' ? 'MAE' : 'accuracy'} />
        </div>
      )}
      {s.log.length > 0 && (
        <details className="card" open={running}>
          <summary>Training log</summary>
          <pre ref={logRef} className="log" data-testid="train-log">
            {s.log.map((l) => `${l.at.slice(11, 19)}  ${l.message}`).join('\n')}
          </pre>
        </details>
      )}

      {s.compare && s.selected && <CompareView a={s.selected} b={s.compare} onClose={() => void s.setCompare(null)} />}
      {s.selected && <ModelResults model={s.selected} />}
      <div className="card">
        <h2>Models</h2>
        <ModelList />
      </div>
    </section>
  );
}
