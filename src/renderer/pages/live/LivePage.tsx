import { useEffect, useId, useMemo, type FormEvent } from 'react';
import { BAUD_RATES, VIRTUAL_DEVICE_IDS, type VirtualDeviceId } from '../../../shared/api/devices';
import type { LiveResult, LiveSessionInfo } from '../../../shared/api/live';
import { PlotlyChart, seriesColor } from '../../components/charts';
import { useDevices } from '../../stores/devicesStore';
import { useLive, type LiveHistory } from '../../stores/liveStore';
import { useRoute } from '../../stores/routeStore';
import type { PageProps } from '../registry';
import './live.css';

const DEVICE_NAMES: Record<VirtualDeviceId, string> = { 'virtual-accelerometer': 'Virtual accelerometer', 'virtual-microphone': 'Virtual microphone' };

/**
 * Live classification: pick a source (virtual device or serial board), start, and watch the
 * prediction of every window, the scores over time, the anomaly score and the raw window.
 */
export function LivePage({ project }: PageProps) {
  const readiness = useLive((s) => s.readiness);
  const checking = useLive((s) => s.checking);
  const check = useLive((s) => s.check);
  const session = useLive((s) => s.session);
  const stop = useLive((s) => s.stop);
  const subscribe = useLive((s) => s.subscribe);
  const error = useLive((s) => s.error);
  const errorKind = useLive((s) => s.errorKind);
  const shown = useLive((s) => s.shown);
  const go = useRoute((s) => s.go);

  useEffect(() => {
    void check(project);
    const off = subscribe();
    // closing the tab: ask the server to stop too (best effort)
    const onHide = () => void useLive.getState().stop();
    window.addEventListener('pagehide', onHide);
    return () => {
      off();
      window.removeEventListener('pagehide', onHide);
      // leaving the page ends the session: nobody is watching it any more
      void useLive.getState().stop();
    };
  }, [project, check, subscribe]);

  if (!readiness) {
    return (
      <div className="page live-page">
        <h1>Live classification</h1>
        <p className="muted">{checking ? 'Loading the impulse and the model…' : ''}</p>
      </div>
    );
  }

  if (!readiness.ready) {
    const impulse = readiness.fix === 'impulse';
    return (
      <div className="page live-page">
        <h1>Live classification</h1>
        <div className="card empty live-empty" data-testid="live-empty">
          <h2>{impulse ? 'Design an impulse first' : 'Train a model first'}</h2>
          <p>{readiness.problem}</p>
          <p>Live classification runs the active model of this project on data as it arrives from a board or a virtual device.</p>
          {readiness.fix && (
            <button type="button" className="btn btn-primary" onClick={() => go({ project, page: impulse ? 'impulse' : 'training' })}>
              {impulse ? 'Go to Impulse design' : 'Go to Training'}
            </button>
          )}
        </div>
      </div>
    );
  }

  const input = readiness.input;
  return (
    <div className="page live-page">
      <div className="live-head">
        <h1>Live classification</h1>
        {input && (
          <span className="muted small">
            The impulse reads {input.axes.join(', ')} at {input.frequencyHz} Hz: {input.windowMs} ms windows every {input.increaseMs} ms
            {readiness.classes.length ? ` · classes ${readiness.classes.join(', ')}` : ''}
          </span>
        )}
      </div>
      <SourceForm project={project} />
      {error && (
        <div className="card live-error" role="alert">
          <strong>{errorKind === 'start' ? 'Could not start' : 'Stopped'}:</strong> {error}
        </div>
      )}
      {shown ? <LiveView session={shown} /> : <Idle />}
      {shown && (
        <p className="muted small" data-testid="live-status">
          {session ? 'Classifying' : 'Stopped'}: {shown.source} · {shown.engine}
          {shown.modelId !== null ? ` · model #${shown.modelId}` : ''}
          {shown.anomaly ? ` · anomaly model #${shown.anomaly.modelId}` : ''}
          {session && (
            <>
              {' · '}
              <button type="button" className="link" onClick={() => void stop()}>
                Stop
              </button>
            </>
          )}
        </p>
      )}
    </div>
  );
}

function Idle() {
  return (
    <div className="card live-idle">
      <p className="muted">Choose a source and press Start. The first prediction appears once a whole window has arrived.</p>
    </div>
  );
}

function SourceForm({ project }: { project: string }) {
  const id = useId();
  const form = useLive((s) => s.form);
  const setForm = useLive((s) => s.setForm);
  const setVariant = useLive((s) => s.setVariant);
  const start = useLive((s) => s.start);
  const stop = useLive((s) => s.stop);
  const session = useLive((s) => s.session);
  const starting = useLive((s) => s.starting);
  const stopping = useLive((s) => s.stopping);
  const suggested = useLive((s) => s.readiness?.suggestedDevice ?? null);
  const devices = useDevices((s) => s.devices);
  const loaded = useDevices((s) => s.loaded);
  const loadDevices = useDevices((s) => s.load);

  useEffect(() => {
    if (!loaded) void loadDevices();
  }, [loaded, loadDevices]);

  const virtual = devices.find((d) => d.id === form.device);
  const variants = virtual?.variants ?? [];
  const ports = devices.filter((d) => d.kind === 'serial' && d.present);
  const running = session !== null;
  const canStart = !running && !starting && (form.kind === 'virtual' || form.path.trim() !== '');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (running) void stop();
    else if (canStart) void start(project);
  };

  return (
    <form className="card live-source" onSubmit={submit} aria-label="Live source">
      <fieldset className="live-kind" disabled={running || starting}>
        <legend className="sr-only">Source</legend>
        <label>
          <input type="radio" name={`${id}-kind`} checked={form.kind === 'virtual'} onChange={() => setForm({ kind: 'virtual' })} /> Virtual device
        </label>
        <label>
          <input type="radio" name={`${id}-kind`} checked={form.kind === 'serial'} onChange={() => setForm({ kind: 'serial' })} /> Serial board
        </label>
      </fieldset>
      {form.kind === 'virtual' ? (
        <>
          <label className="field">
            <span>Device</span>
            <select
              value={form.device}
              disabled={running || starting}
              onChange={(e) => setForm({ device: e.target.value as VirtualDeviceId })}
              aria-label="Device"
            >
              {VIRTUAL_DEVICE_IDS.map((d) => (
                <option key={d} value={d}>
                  {DEVICE_NAMES[d]}
                  {d === suggested ? ' (fits the impulse)' : ''}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>{form.device === 'virtual-microphone' ? 'Word' : 'Motion'}</span>
            <select
              value={form.variant || (variants.find((v) => v !== 'idle' && v !== 'noise') ?? '')}
              onChange={(e) => void setVariant(e.target.value)}
              aria-label="Motion or word"
            >
              {variants.map((v) => (
                <option key={v} value={v}>
                  {v}
                </option>
              ))}
            </select>
          </label>
        </>
      ) : (
        <>
          <label className="field live-path">
            <span>Port</span>
            <input
              value={form.path}
              list={`${id}-ports`}
              placeholder="/dev/ttyACM0 or the pty of kiln simulate-board"
              disabled={running || starting}
              onChange={(e) => setForm({ path: e.target.value })}
              aria-label="Serial port"
              spellCheck={false}
            />
            <datalist id={`${id}-ports`}>
              {ports.map((p) => (
                <option key={p.id} value={p.path}>
                  {p.name}
                </option>
              ))}
            </datalist>
          </label>
          <label className="field">
            <span>Baud rate</span>
            <select value={form.baud} disabled={running || starting} onChange={(e) => setForm({ baud: Number(e.target.value) })} aria-label="Baud rate">
              {BAUD_RATES.map((b) => (
                <option key={b} value={b}>
                  {b}
                </option>
              ))}
            </select>
          </label>
        </>
      )}
      <div className="live-actions">
        {running ? (
          <button type="submit" className="btn btn-danger" disabled={stopping}>
            {stopping ? 'Stopping…' : 'Stop'}
          </button>
        ) : (
          <button type="submit" className="btn btn-primary" disabled={!canStart}>
            {starting ? (form.kind === 'serial' ? 'Connecting…' : 'Starting…') : 'Start'}
          </button>
        )}
      </div>
      {starting && form.kind === 'serial' && (
        <p className="muted small live-hint">Finding out what the board speaks and how fast it sends takes a few seconds.</p>
      )}
    </form>
  );
}

function LiveView({ session }: { session: LiveSessionInfo }) {
  const last = useLive((s) => s.last);
  const history = useLive((s) => s.history);
  const version = useLive((s) => s.version);
  return (
    <>
      {session.notes.length > 0 && (
        <div className="card live-notes">
          {session.notes.map((n) => (
            <p key={n} className="small">
              {n}
            </p>
          ))}
        </div>
      )}
      <div className="live-grid">
        <Prediction session={session} last={last} />
        <section className="card live-chart" aria-label="Scores over time">
          <h2>Scores over time</h2>
          {history.t.length === 0 ? (
            <p className="muted">Waiting for the first window…</p>
          ) : (
            <ScoresChart session={session} history={history} version={version} />
          )}
        </section>
      </div>
      <section className="card live-chart" aria-label="Raw signal of the last window">
        <h2>Last window</h2>
        {last ? <SignalChart session={session} last={last} /> : <p className="muted">Waiting for the first window…</p>}
      </section>
    </>
  );
}

function Prediction({ session, last }: { session: LiveSessionInfo; last: LiveResult | null }) {
  const top = last && session.classes.length ? Math.max(...session.classes.map((c) => last.scores[c] ?? 0)) : null;
  const anomalous = last?.anomaly != null && session.anomaly ? last.anomaly > session.anomaly.threshold : false;
  return (
    <section className="card live-prediction" aria-label="Current prediction" aria-live="polite">
      <div className="muted small">Current prediction</div>
      <div className={`live-label${last?.uncertain ? ' live-uncertain' : ''}`} data-testid="live-label">
        {last ? last.label : '…'}
      </div>
      {top !== null && <div className="live-top">{(top * 100).toFixed(1)} %</div>}
      {last && session.classes.length > 0 && (
        <ul className="live-bars">
          {session.classes.map((c, i) => {
            const v = last.scores[c] ?? 0;
            return (
              <li key={c}>
                <span className="live-bar-name">{c}</span>
                <span className="live-bar" aria-hidden="true">
                  <span style={{ width: `${Math.max(0, Math.min(100, v * 100))}%`, background: seriesColor(i) }} />
                </span>
                <span className="live-bar-value">{v.toFixed(2)}</span>
              </li>
            );
          })}
        </ul>
      )}
      <dl className="facts live-facts">
        {session.anomaly && (
          <>
            <dt>Anomaly</dt>
            <dd className={anomalous ? 'live-anomalous' : ''}>
              {last?.anomaly != null ? last.anomaly.toFixed(2) : '—'} <span className="muted small">(threshold {session.anomaly.threshold.toFixed(2)})</span>
            </dd>
          </>
        )}
        <dt>Latency</dt>
        <dd data-testid="live-latency">{last ? `${last.latencyMs.toFixed(1)} ms` : '—'}</dd>
        <dt>Stream time</dt>
        <dd>{last ? `${(last.t / 1000).toFixed(2)} s` : '—'}</dd>
      </dl>
    </section>
  );
}

function ScoresChart({ session, history, version }: { session: LiveSessionInfo; history: LiveHistory; version: number }) {
  const data = useMemo(() => {
    const traces: object[] = session.classes.map((c, i) => ({
      type: 'scatter',
      mode: 'lines',
      name: c,
      x: history.t,
      y: history.scores[i],
      line: { color: seriesColor(i), width: 2 },
    }));
    if (session.anomaly) {
      traces.push({
        type: 'scatter',
        mode: 'lines',
        name: 'anomaly',
        x: history.t,
        y: history.anomaly,
        yaxis: 'y2',
        line: { color: seriesColor(6), width: 1.5, dash: 'dot' },
      });
    }
    return traces;
    // version changes with every result; history is replaced at the same time
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [session, version]);
  const layout = useMemo(() => {
    const line = (y: number, yref: string, color: string) => ({
      type: 'line',
      xref: 'paper',
      x0: 0,
      x1: 1,
      yref,
      y0: y,
      y1: y,
      line: { dash: 'dash', width: 1, color },
    });
    const shapes: object[] = [];
    // a prediction under this score counts as uncertain
    if (session.uncertainThreshold > 0) shapes.push(line(session.uncertainThreshold, 'y', 'rgba(127,127,127,0.6)'));
    // the anomaly threshold (also keeps the anomaly axis from magnifying small wiggles)
    if (session.anomaly) shapes.push(line(session.anomaly.threshold, 'y2', 'rgba(224,49,49,0.45)'));
    return {
      xaxis: { title: { text: 'stream time (s)' } },
      yaxis: { title: { text: 'score' }, range: [0, 1.02] },
      ...(session.anomaly
        ? { yaxis2: { title: { text: 'anomaly', standoff: 4 }, overlaying: 'y', side: 'right', showgrid: false, tickformat: '.1f', zeroline: false } }
        : {}),
      margin: { l: 48, r: session.anomaly ? 64 : 16, t: 8, b: 40 },
      legend: { orientation: 'h', y: -0.25 },
      shapes,
    };
  }, [session]);
  return <PlotlyChart data={data} layout={layout} height={280} label="Scores per class over time" testId="live-scores-chart" />;
}

function SignalChart({ session, last }: { session: LiveSessionInfo; last: LiveResult }) {
  const data = useMemo(() => {
    const axes = session.axes.length;
    const { step, values } = last.signal;
    const readings = values.length / axes;
    const startMs = last.t - session.windowMs;
    const x = Array.from({ length: readings }, (_, i) => (startMs + (i * step * 1000) / session.frequencyHz) / 1000);
    return session.axes.map((a, k) => ({
      type: 'scatter',
      mode: 'lines',
      name: a,
      x,
      y: Array.from({ length: readings }, (_, i) => values[i * axes + k]),
      line: { color: seriesColor(k), width: 1.5 },
    }));
  }, [session, last]);
  const layout = useMemo(
    () => ({ xaxis: { title: { text: 'stream time (s)' } }, margin: { l: 56, r: 16, t: 8, b: 40 }, legend: { orientation: 'h', y: -0.3 } }),
    [],
  );
  return <PlotlyChart data={data} layout={layout} height={220} label="Raw signal of the last window" testId="live-signal-chart" />;
}
