import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import type { DeviceRow, RecordResult } from '../../../shared/api/devices';
import { ProgressBar } from '../../components/ProgressBar';
import { PlotlyChart, loadPlotly } from '../../components/charts/PlotlyChart';
import { useApp } from '../../stores/appStore';
import { recordableDevices, useDevices } from '../../stores/devicesStore';
import { isActive, useJobs } from '../../stores/jobsStore';
import { useRecord, type LiveBuffer } from '../../stores/recordStore';
import { useDataset } from '../../stores/datasetStore';
import { useRoute } from '../../stores/routeStore';
import '../devices/record.css';

export interface RecordPanelProps {
  project: string;
  /** called after a sample was saved (also when it was cut short) */
  onRecorded?: (result: RecordResult) => void;
  /** hide the hint that links to the Devices page (when shown on it) */
  onDevicesPage?: boolean;
}

const LENGTHS_MS = [1000, 2000, 5000, 10_000, 20_000, 60_000];

function deviceSensor(d: DeviceRow | undefined, sensor: string) {
  if (!d) return undefined;
  return d.sensors.find((s) => s.name === sensor) ?? d.sensors[0];
}

/**
 * Records one sample from a connected board or a virtual device: device, sensor, label,
 * length, frequency and category (remembered between visits), a live plot of every axis
 * while recording, a progress bar, and the saved sample (with a warning when cut short).
 */
export function RecordPanel({ project, onRecorded, onDevicesPage = false }: RecordPanelProps) {
  const id = useId();
  const devices = useDevices((s) => s.devices);
  const loaded = useDevices((s) => s.loaded);
  const loadDevices = useDevices((s) => s.load);
  const subscribeDevices = useDevices((s) => s.subscribe);
  const form = useRecord((s) => s.form);
  const setForm = useRecord((s) => s.setForm);
  const start = useRecord((s) => s.start);
  const jobId = useRecord((s) => s.jobId);
  const starting = useRecord((s) => s.starting);
  const error = useRecord((s) => s.error);
  const result = useRecord((s) => s.result);
  const live = useRecord((s) => s.live);
  const liveVersion = useRecord((s) => s.liveVersion);
  const subscribeLive = useRecord((s) => s.subscribe);
  const job = useJobs((s) => (jobId ? s.jobs[jobId] : undefined));
  const cancel = useJobs((s) => s.cancel);
  const toast = useApp((s) => s.toast);
  const go = useRoute((s) => s.go);
  const onRecordedRef = useRef(onRecorded);
  onRecordedRef.current = onRecorded;
  /** tells the user how a recording ended and hands the sample to the page */
  const reportRef = useRef((r: RecordResult | null) => {
    if (!r) {
      const { error: err, outcome } = useRecord.getState();
      if (err && outcome !== 'cancelled') toast({ kind: 'error', message: err });
      return;
    }
    const secs = ((r.readings * r.intervalMs) / 1000).toFixed(2);
    if (r.truncated)
      toast({ kind: 'error', message: `${r.name ?? 'Sample'} was cut short (${secs} s kept): ${r.reason ?? 'the recording stopped early.'}` }, 10_000);
    else toast({ kind: 'success', message: `Recorded ${r.name} (${secs} s)` });
    onRecordedRef.current?.(r);
  });

  useEffect(() => {
    // Plotly is large: load it while the user fills the form, not when the first readings arrive.
    void loadPlotly().catch(() => undefined);
  }, []);

  useEffect(() => {
    if (!loaded) void loadDevices();
    const offDevices = subscribeDevices();
    const offLive = subscribeLive();
    return () => {
      offDevices();
      offLive();
    };
  }, [loaded, loadDevices, subscribeDevices, subscribeLive]);

  // After a page reload, pick up a recording that is still running in this project.
  const running = useJobs((s) => Object.values(s.jobs).find((j) => j.kind === 'samples.record' && j.project === project && isActive(j))?.id);
  const attach = useRecord((s) => s.attach);
  useEffect(() => {
    if (running && !useRecord.getState().jobId && !useRecord.getState().starting) void attach(running).then((r) => reportRef.current(r));
  }, [running, attach]);

  // a project seen for the first time on this machine records with the device its data came from
  const fresh = useRecord((s) => s.fresh);
  const firstSample = useDataset((s) => s.pages[0]?.[0]);
  useEffect(() => {
    if (!fresh || !firstSample) return;
    const audio = firstSample.sensors.length === 1 && firstSample.intervalMs < 1;
    const device = audio ? 'virtual-microphone' : 'virtual-accelerometer';
    if (device !== useRecord.getState().form.device) useRecord.setState({ form: { ...useRecord.getState().form, device, sensor: '' } });
  }, [fresh, firstSample]);

  const choices = recordableDevices(devices);
  const unconnected = devices.filter((d) => d.kind === 'serial' && d.status === 'available').length;
  const device = choices.find((d) => d.id === form.device);
  const sensor = deviceSensor(device, form.sensor);
  const frequencies = sensor?.frequencies ?? [];
  const frequency = form.frequencyHz && frequencies.includes(form.frequencyHz) ? form.frequencyHz : (frequencies[0] ?? null);
  const recording = jobId !== null;
  const labelOk = form.label.trim() !== '' && !/[,\r\n]/.test(form.label);
  const maxMs = sensor && sensor.maxSampleLengthS > 0 ? sensor.maxSampleLengthS * 1000 : 3_600_000;
  const lengthOk = Number.isInteger(form.lengthMs) && form.lengthMs >= 100 && form.lengthMs <= maxMs;
  const canStart = !recording && !starting && device !== undefined && labelOk && lengthOk;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!canStart) return;
    if (frequency !== form.frequencyHz) setForm({ frequencyHz: frequency });
    reportRef.current(await start(project));
  };

  return (
    <section className="card record-panel" aria-labelledby={`${id}-title`}>
      <div className="record-head">
        <h2 id={`${id}-title`}>Record new data</h2>
        <span className="muted small">
          {device ? describeDevice(device, sensor?.axes) : ''}
          {device && !onDevicesPage ? ' · ' : ''}
          {!onDevicesPage && (
            <>
              {unconnected > 0 ? `${unconnected} board${unconnected === 1 ? '' : 's'} not connected — ` : 'Boards show here once connected on the '}
              <button type="button" className="link" onClick={() => go({ project, page: 'devices' })}>
                Devices page
              </button>
            </>
          )}
        </span>
      </div>
      {loaded && choices.length === 0 ? (
        <p className="muted">No device can record. Connect a board on the Devices page.</p>
      ) : (
        <form className="record-form" onSubmit={(e) => void submit(e)} aria-label="Record a sample">
          <label className="field field-device">
            <span>Device</span>
            <select
              value={device ? form.device : ''}
              onChange={(e) => setForm({ device: e.target.value, sensor: '', frequencyHz: null })}
              disabled={recording}
              aria-label="Device"
            >
              {!device && <option value="">Choose a device…</option>}
              {choices.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.kind === 'virtual' ? d.name : `${d.name} — ${d.path}`}
                </option>
              ))}
            </select>
          </label>
          {device && device.sensors.length > 1 && (
            <label className="field">
              <span>Sensor</span>
              <select
                value={sensor?.name ?? ''}
                onChange={(e) => setForm({ sensor: e.target.value, frequencyHz: null })}
                disabled={recording}
                aria-label="Sensor"
              >
                {device.sensors.map((s) => (
                  <option key={s.name} value={s.name}>
                    {s.name}
                  </option>
                ))}
              </select>
            </label>
          )}
          <label className="field">
            <span>Label</span>
            <input
              value={form.label}
              onChange={(e) => setForm({ label: e.target.value })}
              disabled={recording}
              placeholder={device?.variants[1] ?? 'e.g. wave'}
              aria-label="Label"
              aria-invalid={form.label !== '' && !labelOk}
              maxLength={80}
              autoComplete="off"
            />
          </label>
          <label className="field">
            <span>Length (ms)</span>
            <input
              type="number"
              min={100}
              max={maxMs}
              step={100}
              value={Number.isFinite(form.lengthMs) ? form.lengthMs : ''}
              onChange={(e) => setForm({ lengthMs: e.target.valueAsNumber })}
              disabled={recording}
              aria-label="Length (ms)"
              aria-invalid={!lengthOk}
              list={`${id}-lengths`}
            />
            <datalist id={`${id}-lengths`}>
              {LENGTHS_MS.filter((l) => l <= maxMs).map((l) => (
                <option key={l} value={l} />
              ))}
            </datalist>
          </label>
          <label className="field">
            <span>Frequency</span>
            <select
              value={frequency ?? ''}
              onChange={(e) => setForm({ frequencyHz: Number(e.target.value) })}
              disabled={recording || frequencies.length <= 1}
              aria-label="Frequency"
            >
              {frequencies.map((f) => (
                <option key={f} value={f}>
                  {f} Hz
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>Category</span>
            <select
              value={form.category}
              onChange={(e) => setForm({ category: e.target.value as 'train' | 'test' })}
              disabled={recording}
              aria-label="Category"
            >
              <option value="train">Training</option>
              <option value="test">Test</option>
            </select>
          </label>
          <div className="record-actions">
            {recording ? (
              <button type="button" className="btn" onClick={() => jobId && void cancel(jobId)}>
                Stop
              </button>
            ) : (
              <button type="submit" className="btn btn-primary" disabled={!canStart}>
                {starting ? 'Starting…' : 'Start recording'}
              </button>
            )}
          </div>
        </form>
      )}
      {!lengthOk && <p className="error-text small">Length must be a whole number between 100 and {maxMs} ms.</p>}
      {form.label !== '' && !labelOk && <p className="error-text small">A label cannot contain commas or line breaks.</p>}

      {recording && (
        <div className="record-progress" data-testid="record-progress">
          <ProgressBar value={job?.progress ?? 0} label="Recording progress" />
          <span className="muted small">{job?.status ?? 'Starting…'}</span>
        </div>
      )}
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
      {result && (
        <div className={`record-result${result.truncated ? ' record-truncated' : ''}`} data-testid="record-result" role="status">
          <strong>{result.name}</strong> saved to {result.category === 'train' ? 'training' : 'test'} — {result.readings} readings (
          {((result.readings * result.intervalMs) / 1000).toFixed(2)} s)
          {result.truncated && <div className="small">⚠ Cut short: {result.reason}</div>}
          {result.malformedLines > 0 && <div className="small muted">{result.malformedLines} malformed lines were skipped.</div>}
        </div>
      )}
      {live && live.t.length > 0 && <LivePlot live={live} version={liveVersion} recording={recording} />}
    </section>
  );
}

function describeDevice(d: DeviceRow, axes: string[] | undefined): string {
  const kind = d.kind === 'virtual' ? 'virtual device' : d.protocol === 'ei-at' ? 'Edge Impulse firmware' : 'data forwarder';
  return `${kind}${axes?.length ? ` · axes ${axes.join(', ')}` : ''}`;
}

/** Redraws at most this often while data streams in (Plotly redraws are the costly part). */
const REDRAW_MS = 250;

function LivePlot({ live, version: latest, recording }: { live: LiveBuffer; version: number; recording: boolean }) {
  const [version, setVersion] = useState(latest);
  const lastDraw = useRef(0);
  useEffect(() => {
    const wait = lastDraw.current + REDRAW_MS - performance.now();
    if (wait <= 0 || !recording) {
      lastDraw.current = performance.now();
      setVersion(latest);
      return;
    }
    const timer = setTimeout(() => {
      lastDraw.current = performance.now();
      setVersion(latest);
    }, wait);
    return () => clearTimeout(timer);
  }, [latest, recording]);
  const data = useMemo(
    () => live.axes.map((name, a) => ({ type: 'scatter', mode: 'lines', name, x: live.t.slice(), y: live.ys[a]!.slice(), line: { width: 1.3 } })),
    // the buffer grows in place; `version` says when
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [live, version],
  );
  const layout = useMemo(
    () => ({ margin: { l: 48, r: 12, t: 8, b: 36 }, xaxis: { title: { text: 'time (s)' } }, legend: { orientation: 'h', y: -0.25 }, uirevision: 'live' }),
    [],
  );
  return <PlotlyChart data={data} layout={layout} height={240} label={recording ? 'Live readings' : 'Recorded readings'} testId="live-plot" />;
}
