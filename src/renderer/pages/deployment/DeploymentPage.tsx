import { useEffect } from 'react';
import type { LibraryFormat, LibraryPrecision } from '../../../shared/api/deploy';
import { ProgressBar } from '../../components/ProgressBar';
import { errorMessage, useApp } from '../../stores/appStore';
import { isBuilding, selectBuildBlocker, selectFormats, useDeploy } from '../../stores/deployStore';
import { useRoute } from '../../stores/routeStore';
import { EstimatePanel } from './EstimatePanel';
import { LibraryTable } from './LibraryTable';
import './deployment.css';

const FORMAT_NOTES: Record<LibraryFormat, string> = {
  c: 'C99 sources, CMake and Makefile, example',
  arduino: 'Zip the Arduino IDE installs',
  onnx: 'The network for other runtimes',
};
const PRECISION_NOTES: Record<LibraryPrecision, string> = { int8: 'Integer only, smallest and fastest', float32: 'Same scores as the studio’s float model' };

/** Deployment: choose format, precision and board, see the estimate, build, download. */
export function DeploymentPage({ project }: { project: string }) {
  const load = useDeploy((s) => s.load);
  const connect = useDeploy((s) => s.connect);
  const options = useDeploy((s) => s.options);
  const loadError = useDeploy((s) => s.loadError);
  const formats = useDeploy(selectFormats);
  const format = useDeploy((s) => s.format);
  const precision = useDeploy((s) => s.precision);
  const board = useDeploy((s) => s.board);
  const estimate = useDeploy((s) => s.estimate);
  const estimateError = useDeploy((s) => s.estimateError);
  const job = useDeploy((s) => s.job);
  const building = useDeploy(isBuilding);
  const buildError = useDeploy((s) => s.buildError);
  const blocker = useDeploy(selectBuildBlocker);
  const libraries = useDeploy((s) => s.libraries);
  const downloading = useDeploy((s) => s.downloading);
  const { setFormat, setPrecision, setBoard, build, download, remove } = useDeploy.getState();
  const toast = useApp((x) => x.toast);
  const go = useRoute((r) => r.go);

  useEffect(() => connect(), [connect]);
  useEffect(() => {
    void load(project);
  }, [project, load]);

  const fail = (e: unknown) => toast({ kind: 'error', message: errorMessage(e) });
  const boardName = (id: string) => options?.boards.find((b) => b.id === id)?.name ?? id;

  if (loadError) {
    return (
      <section className="page">
        <h1>Deployment</h1>
        <p className="error-text" role="alert">
          {loadError}
        </p>
      </section>
    );
  }
  if (!options) {
    return (
      <section className="page">
        <h1>Deployment</h1>
        <p className="muted">Loading…</p>
      </section>
    );
  }
  if (!options.model) {
    return (
      <section className="page deployment" aria-labelledby="deploy-title">
        <h1 id="deploy-title">Deployment</h1>
        <div className="card empty" data-testid="deploy-empty">
          <h2>No trained model yet</h2>
          <p>Deployment turns the trained impulse into a C library, an Arduino library or an ONNX model. Train a model first; it shows up here.</p>
          <button className="btn btn-primary" onClick={() => go({ project, page: 'training' })}>
            Go to Training
          </button>
        </div>
      </section>
    );
  }
  const m = options.model;
  const onnx = format === 'onnx';
  return (
    <section className="page deployment" aria-labelledby="deploy-title">
      <div className="row page-head">
        <h1 id="deploy-title">Deployment</h1>
        <span className="muted small" data-testid="deploy-model">
          Model #{m.id} ({m.block}){m.anomalyModelId !== null ? ` + anomaly model #${m.anomalyModelId}` : ''}
          {m.current ? '' : ' — stale: train it again'}
        </span>
      </div>
      {options.problem && (
        <div className="card deploy-problem" role="alert" data-testid="deploy-problem">
          {options.problem}
        </div>
      )}
      <div className="deploy-grid">
        <div className="card">
          <h2>What to build</h2>
          <fieldset className="deploy-choices">
            <legend>Format</legend>
            <div className="choice-set">
              {formats.map((f) => (
                <label key={f.format} className="choice" title={f.reason ?? undefined}>
                  <input
                    type="radio"
                    name="deploy-format"
                    value={f.format}
                    checked={format === f.format}
                    disabled={!f.available}
                    onChange={() => void setFormat(f.format)}
                  />
                  <span className="choice-title">{f.title}</span>
                  <span className="choice-note">{f.available ? FORMAT_NOTES[f.format] : (f.reason ?? 'Not available')}</span>
                </label>
              ))}
            </div>
          </fieldset>
          <fieldset className="deploy-choices">
            <legend>Precision</legend>
            <div className="choice-set">
              {(['int8', 'float32'] as const).map((p) => {
                const disabled = p === 'int8' && (onnx || !m.hasInt8);
                return (
                  <label key={p} className="choice">
                    <input type="radio" name="deploy-precision" value={p} checked={precision === p} disabled={disabled} onChange={() => void setPrecision(p)} />
                    <span className="choice-title">{p}</span>
                    <span className="choice-note">
                      {disabled ? (onnx ? 'ONNX export is float32 only' : 'This model has no int8 version') : PRECISION_NOTES[p]}
                    </span>
                  </label>
                );
              })}
            </div>
          </fieldset>
          <label className="field deploy-board">
            <span>Target board</span>
            <select value={board ?? ''} onChange={(e) => void setBoard(e.target.value)} data-testid="deploy-board">
              {options.boards.map((b) => (
                <option key={b.id} value={b.id}>
                  {b.name} — {b.clockMhz} MHz, {b.ramKb} KB RAM, {b.flashKb} KB flash
                </option>
              ))}
            </select>
          </label>
        </div>
        <div className="card">
          <h2>On the board</h2>
          <EstimatePanel estimate={estimate} error={estimateError} />
          <div className="build-row">
            <button className="btn btn-primary" onClick={() => void build().catch(fail)} disabled={blocker !== null} data-testid="deploy-build">
              {building ? 'Building…' : 'Build'}
            </button>
            {blocker && !building && <span className="muted small">{blocker}</span>}
          </div>
          {(job || buildError) && (
            <div className="build-status" aria-live="polite" data-testid="deploy-job">
              {job && job.state !== 'failed' && <ProgressBar value={job.progress} label="Build progress" />}
              <div className="small">
                {buildError ? <span className="error-text">{buildError}</span> : job?.state === 'succeeded' ? 'Built and kept below.' : job?.status}
              </div>
            </div>
          )}
        </div>
      </div>
      <div className="card">
        <h2>Built libraries</h2>
        <LibraryTable
          libraries={libraries}
          boardName={boardName}
          downloading={downloading}
          onDownload={(id) => void download(id).catch(fail)}
          onDelete={(id) => void remove(id).catch(fail)}
        />
      </div>
    </section>
  );
}
