import { Fragment, useEffect, useId, useState, type FormEvent } from 'react';
import { BAUD_RATES, DEFAULT_BAUD, type DeviceRow } from '../../../shared/api/devices';
import { errorMessage, useApp } from '../../stores/appStore';
import { useDevices } from '../../stores/devicesStore';
import { RecordPanel } from '../data/RecordPanel';
import './devices.css';

const STATUS_TEXT: Record<DeviceRow['status'], string> = {
  available: 'Not connected',
  connected: 'Connected',
  recording: 'Recording',
  missing: 'Not present',
};

const PROTOCOL_TEXT: Record<DeviceRow['protocol'], string> = {
  forwarder: 'Data forwarder',
  'ei-at': 'Edge Impulse firmware',
  virtual: 'Built-in',
  unknown: '—',
};

/** Boards on serial ports, paths added by hand and the built-in virtual devices. */
export function DevicesPage({ project }: { project: string }) {
  const devices = useDevices((s) => s.devices);
  const loaded = useDevices((s) => s.loaded);
  const loading = useDevices((s) => s.loading);
  const error = useDevices((s) => s.error);
  const load = useDevices((s) => s.load);
  const subscribe = useDevices((s) => s.subscribe);

  useEffect(() => {
    void load();
    return subscribe();
  }, [load, subscribe]);

  const boards = devices.filter((d) => d.kind === 'serial');
  const virtual = devices.filter((d) => d.kind === 'virtual');

  return (
    <section className="page devices-page" aria-labelledby="devices-title">
      <div className="devices-head">
        <div>
          <h1 id="devices-title">Devices</h1>
          <p className="muted">Boards on serial ports (data forwarder or Edge Impulse firmware) and built-in virtual devices.</p>
        </div>
        <button type="button" className="btn" onClick={() => void load()} disabled={loading}>
          {loading ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>
      {error && (
        <p className="error-text" role="alert">
          Could not list devices: {error}
        </p>
      )}

      <div className="devices-section">
        <h2>Boards</h2>
        {loaded && boards.length === 0 ? (
          <div className="card empty-boards" data-testid="no-boards">
            <p>
              <strong>No board is plugged in.</strong>
            </p>
            <p className="muted">
              Plug in a board that prints sensor readings over USB serial, use a virtual device below, or run <code>kiln simulate-board --pty</code> and add the
              path it prints.
            </p>
          </div>
        ) : (
          <BoardsTable boards={boards} />
        )}
        <AddPortForm />
      </div>

      <div className="devices-section">
        <h2>Virtual devices</h2>
        <table className="table" aria-label="Virtual devices">
          <thead>
            <tr>
              <th>Device</th>
              <th>Axes</th>
              <th>Frequency</th>
              <th>Can produce</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {virtual.map((d) => (
              <tr key={d.id} data-testid="virtual-row">
                <td>
                  <div className="device-name">{d.name}</div>
                  <div className="device-path">{d.id}</div>
                </td>
                <td>{d.sensors[0]?.axes?.join(', ')}</td>
                <td>{d.sensors[0]?.frequencies.map((f) => `${f} Hz`).join(' / ')}</td>
                <td>{d.variants.join(', ')}</td>
                <td>
                  <span className={`status status-${d.status === 'recording' ? 'recording' : 'ready'}`}>
                    {d.status === 'recording' ? 'Recording' : 'Ready'}
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <RecordPanel project={project} onDevicesPage />
    </section>
  );
}

function BoardsTable({ boards }: { boards: DeviceRow[] }) {
  return (
    <table className="table" aria-label="Boards">
      <thead>
        <tr>
          <th>Board</th>
          <th>Protocol</th>
          <th>Sensors</th>
          <th>Status</th>
          <th>Baud rate</th>
          <th className="actions">Actions</th>
        </tr>
      </thead>
      <tbody>
        {boards.map((d) => (
          <BoardRow key={d.id} d={d} />
        ))}
      </tbody>
    </table>
  );
}

function BoardRow({ d }: { d: DeviceRow }) {
  const busy = useDevices((s) => s.busy[d.path]);
  const connectError = useDevices((s) => s.connectErrors[d.path]);
  const baud = useDevices((s) => s.baud[d.path]);
  const setBaud = useDevices((s) => s.setBaud);
  const connect = useDevices((s) => s.connect);
  const disconnect = useDevices((s) => s.disconnect);
  const removePort = useDevices((s) => s.removePort);
  const addPort = useDevices((s) => s.addPort);
  const toast = useApp((s) => s.toast);
  const connected = d.status === 'connected' || d.status === 'recording';
  const sensors = d.sensors.map((s) => (s.axes?.length ? `${s.name} (${s.axes.join(', ')})` : s.name)).join('; ');

  const remove = async () => {
    try {
      await removePort(d.path);
      toast({
        kind: 'info',
        message: `Removed ${d.path}`,
        action: { label: 'Undo', run: () => void addPort(d.path).catch((e: unknown) => toast({ kind: 'error', message: errorMessage(e) })) },
      });
    } catch (e) {
      toast({ kind: 'error', message: errorMessage(e) });
    }
  };

  return (
    <Fragment>
      <tr data-testid="board-row" data-path={d.path}>
        <td>
          <div className="device-name">{d.name}</div>
          <div className="device-path">{d.path}</div>
        </td>
        <td>{PROTOCOL_TEXT[d.protocol]}</td>
        <td>{sensors || <span className="muted">—</span>}</td>
        <td>
          <span className={`status status-${d.status}`}>{busy === 'connecting' ? 'Detecting…' : STATUS_TEXT[d.status]}</span>
        </td>
        <td>
          <select
            className="baud-select"
            aria-label={`Baud rate for ${d.path}`}
            value={connected && d.baudRate ? d.baudRate : (baud ?? DEFAULT_BAUD)}
            onChange={(e) => setBaud(d.path, Number(e.target.value))}
            disabled={connected || busy !== undefined}
          >
            {BAUD_RATES.map((b) => (
              <option key={b} value={b}>
                {b}
              </option>
            ))}
          </select>
        </td>
        <td className="actions">
          {connected ? (
            <button
              type="button"
              className="btn btn-small"
              onClick={() => void disconnect(d.path)}
              disabled={busy !== undefined || d.status === 'recording'}
              aria-label={`Disconnect ${d.path}`}
            >
              Disconnect
            </button>
          ) : (
            <button
              type="button"
              className="btn btn-small btn-primary"
              onClick={() => void connect(d.path)}
              disabled={busy !== undefined || !d.present}
              aria-label={`Connect ${d.path}`}
            >
              {busy === 'connecting' ? 'Detecting…' : 'Connect'}
            </button>
          )}
          {connected && d.status !== 'recording' && (
            <button
              type="button"
              className="btn btn-small"
              onClick={() => void connect(d.path)}
              disabled={busy !== undefined}
              aria-label={`Detect ${d.path} again`}
            >
              Detect again
            </button>
          )}
          {d.userAdded && (
            <button
              type="button"
              className="btn btn-small btn-danger-ghost"
              onClick={() => void remove()}
              disabled={d.status === 'recording'}
              aria-label={`Remove ${d.path}`}
            >
              Remove
            </button>
          )}
        </td>
      </tr>
      {(connectError || busy === 'connecting' || (connected && d.protocol !== 'unknown')) && (
        <tr className="device-detail">
          <td colSpan={6}>
            {busy === 'connecting' ? (
              <span className="muted">Listening to the board: Edge Impulse firmware answers at once; a data forwarder takes about 2–4 s to measure…</span>
            ) : connectError ? (
              <p className="error-text" role="alert">
                {connectError}
              </p>
            ) : (
              <Detection d={d} />
            )}
          </td>
        </tr>
      )}
    </Fragment>
  );
}

function Detection({ d }: { d: DeviceRow }) {
  if (d.protocol === 'ei-at') {
    return (
      <div className="detection" data-testid="detection">
        <div>
          Edge Impulse firmware with {d.sensors.length} sensor{d.sensors.length === 1 ? '' : 's'}:{' '}
          {d.sensors.map((s) => `${s.name} (${s.frequencies.map((f) => `${f} Hz`).join(', ') || 'rate not listed'}, up to ${s.maxSampleLengthS} s)`).join('; ')}
        </div>
      </div>
    );
  }
  if (!d.detection) return null;
  return (
    <div className="detection" data-testid="detection">
      <div>
        Data forwarder: <strong>{d.detection.axes} axes</strong> at <strong>{d.detection.frequencyHz} Hz</strong>
        {d.detection.malformedLines > 0 && <span className="muted"> ({d.detection.malformedLines} malformed lines skipped)</span>}
      </div>
      <div>
        <span className="muted small">Sample line</span>
        <div className="sample-line">{d.detection.sampleLine}</div>
      </div>
      <AxisNames d={d} />
    </div>
  );
}

function AxisNames({ d }: { d: DeviceRow }) {
  const current = d.sensors[0]?.axes ?? [];
  const [names, setNames] = useState<string[]>(current);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const setAxes = useDevices((s) => s.setAxes);
  const toast = useApp((s) => s.toast);
  const id = useId();
  const key = current.join('\u0000');
  useEffect(() => setNames(key ? key.split('\u0000') : []), [key]);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setSaving(true);
    try {
      await setAxes(d.path, names);
      setError(null);
      toast({ kind: 'success', message: `Axis names saved: ${names.join(', ')}` });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  };
  const dirty = names.join('\u0000') !== key;
  return (
    <form className="axis-form" onSubmit={(e) => void save(e)} aria-label={`Axis names for ${d.path}`}>
      {names.map((n, i) => (
        <label key={i} className="field">
          <span className="small">Axis {i + 1}</span>
          <input
            id={`${id}-${i}`}
            value={n}
            aria-label={`Name of axis ${i + 1}`}
            maxLength={40}
            onChange={(e) => setNames(names.map((x, j) => (j === i ? e.target.value : x)))}
          />
        </label>
      ))}
      <button type="submit" className="btn btn-small" disabled={!dirty || saving}>
        Save axis names
      </button>
      {error && (
        <p className="error-text small" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

function AddPortForm() {
  const [path, setPath] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const addPort = useDevices((s) => s.addPort);
  const id = useId();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!path.trim()) {
      setError('Type the path of a serial port, e.g. /dev/ttyACM0');
      return;
    }
    setAdding(true);
    try {
      await addPort(path.trim());
      setPath('');
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setAdding(false);
    }
  };
  return (
    <form className="add-port card" onSubmit={(e) => void submit(e)} aria-label="Add port by path">
      <label className="field" htmlFor={`${id}-path`}>
        <span>Add port by path</span>
        <input
          id={`${id}-path`}
          value={path}
          onChange={(e) => setPath(e.target.value)}
          placeholder="/dev/ttyACM0 or a pty from kiln simulate-board"
          aria-label="Port path"
          aria-invalid={error !== null}
          autoComplete="off"
          spellCheck={false}
        />
      </label>
      <button type="submit" className="btn" disabled={adding}>
        {adding ? 'Adding…' : 'Add port'}
      </button>
      {error && (
        <p className="error-text small" role="alert" style={{ flexBasis: '100%' }}>
          {error}
        </p>
      )}
    </form>
  );
}
