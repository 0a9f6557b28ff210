import { useEffect, useState } from 'react';
import type { VersionDiff } from '../../../shared/api/versions';
import { VERSION_MESSAGE_MAX } from '../../../shared/api/versions';
import { formatBytes, formatDate } from '../../format';
import { errorMessage, useApp } from '../../stores/appStore';
import { useVersions } from '../../stores/versionsStore';

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)} %`);
const show = (x: unknown) => (x === null || x === undefined ? '—' : JSON.stringify(x));

function DiffView({ d }: { d: VersionDiff }) {
  const s = d.samples;
  return (
    <div className="card" data-testid="version-diff" aria-label={`Changes from version ${d.from.id} to ${d.to.id}`}>
      <h2>
        Changes from #{d.from.id} to #{d.to.id}
      </h2>
      <p data-testid="diff-summary">
        {s.added} added, {s.removed} removed, {s.relabelled} relabelled, {s.moved} moved between train and test
      </p>
      {s.byLabel.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th>Label</th>
              <th>Added</th>
              <th>Removed</th>
              <th>Relabelled in</th>
              <th>Relabelled out</th>
              <th>Moved</th>
            </tr>
          </thead>
          <tbody>
            {s.byLabel.map((l) => (
              <tr key={l.label}>
                <td>{l.label}</td>
                <td>{l.added}</td>
                <td>{l.removed}</td>
                <td>{l.relabelledIn}</td>
                <td>{l.relabelledOut}</td>
                <td>{l.moved}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {(
        [
          ['Impulse', d.impulse],
          ['Training settings', d.settings],
        ] as const
      ).map(([title, changes]) => (
        <div key={title}>
          <h3>{title}</h3>
          {changes.length === 0 ? (
            <p className="muted">Unchanged</p>
          ) : (
            <ul data-testid={`diff-${title === 'Impulse' ? 'impulse' : 'settings'}`}>
              {changes.map((c) => (
                <li key={c.path}>
                  <code>{c.path}</code>: {show(c.from)} → {show(c.to)}
                </li>
              ))}
            </ul>
          )}
        </div>
      ))}
      <h3>Metrics</h3>
      {d.metrics.length === 0 ? (
        <p className="muted">Unchanged</p>
      ) : (
        <ul>
          {d.metrics.map((m) => (
            <li key={m.name}>
              {m.name}: {m.name === 'accuracy' ? `${pct(m.from)} → ${pct(m.to)}` : `${m.from ?? '—'} → ${m.to ?? '—'}`}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Versioning: immutable snapshots of the project, their differences, restore and export. */
export function VersioningPage({ project }: { project: string }) {
  const versions = useVersions((s) => s.versions);
  const loadError = useVersions((s) => s.loadError);
  const from = useVersions((s) => s.from);
  const to = useVersions((s) => s.to);
  const diff = useVersions((s) => s.diff);
  const diffError = useVersions((s) => s.diffError);
  const busy = useVersions((s) => s.busy);
  const exportPath = useVersions((s) => s.exportPath);
  const { load, create, setPair, restore, exportVersion } = useVersions.getState();
  const toast = useApp((x) => x.toast);
  const [message, setMessage] = useState('');
  const [confirm, setConfirm] = useState<number | null>(null);

  useEffect(() => {
    void load(project);
  }, [project, load]);

  const fail = (e: unknown) => toast({ kind: 'error', message: errorMessage(e) });
  const tooLong = message.trim().length > VERSION_MESSAGE_MAX;

  const onCreate = () =>
    create(message)
      .then((v) => {
        setMessage('');
        toast({ kind: 'success', message: `Created version #${v.id}` });
      })
      .catch(fail);

  const onRestore = (id: number) =>
    restore(id)
      .then((r) => {
        setConfirm(null);
        toast({
          kind: 'success',
          message: `Restored version #${r.restored.id}; the state before is version #${r.backup.id}`,
          action: { label: 'Undo', run: () => void restore(r.backup.id).catch(fail) },
        });
      })
      .catch(fail);

  const pick = (id: number, checked: boolean) => {
    const chosen = new Set([from, to].filter((x): x is number => x !== null));
    if (checked) chosen.add(id);
    else chosen.delete(id);
    const sorted = [...chosen].sort((a, b) => a - b).slice(-2);
    void setPair(sorted[0] ?? null, sorted[1] ?? null);
  };

  return (
    <section className="page versioning" aria-labelledby="versioning-title">
      <div className="row page-head">
        <h1 id="versioning-title">Versioning</h1>
        <span className="muted small">Versions keep the dataset, impulse, settings and active model exactly; samples they refer to are never purged.</span>
      </div>
      <form
        className="card row"
        onSubmit={(e) => {
          e.preventDefault();
          void onCreate();
        }}
      >
        <label className="field" style={{ flex: 1 }}>
          Message
          <input
            value={message}
            onChange={(e) => setMessage(e.target.value)}
            placeholder="What changed, e.g. more idle data"
            aria-invalid={tooLong}
            style={{ width: '100%' }}
            data-testid="version-message"
          />
        </label>
        <button className="btn btn-primary" type="submit" disabled={busy || message.trim() === '' || tooLong} data-testid="create-version">
          Create version
        </button>
        {tooLong && <span className="error-text">At most {VERSION_MESSAGE_MAX} characters</span>}
      </form>
      {loadError && (
        <p className="error-text" role="alert">
          {loadError}
        </p>
      )}
      <div className="card">
        {versions.length === 0 ? (
          <p className="muted">No versions yet. Create one to keep the current state.</p>
        ) : (
          <table className="table" data-testid="versions-table">
            <thead>
              <tr>
                <th>Compare</th>
                <th>#</th>
                <th>Message</th>
                <th>Created</th>
                <th>Samples per label (train + test)</th>
                <th>Accuracy</th>
                <th>Model size</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {versions.map((v) => (
                <tr key={v.id} data-testid={`version-${v.id}`}>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Compare version ${v.id}`}
                      checked={v.id === from || v.id === to}
                      onChange={(e) => pick(v.id, e.target.checked)}
                    />
                  </td>
                  <td>{v.id}</td>
                  <td>{v.message}</td>
                  <td>{formatDate(v.createdAt)}</td>
                  <td>{v.counts.map((c) => `${c.label} ${c.train}+${c.test}`).join(', ') || '—'}</td>
                  <td>{pct(v.accuracy)}</td>
                  <td>{v.modelBytes === null ? '—' : formatBytes(v.modelBytes)}</td>
                  <td className="row">
                    {confirm === v.id ? (
                      <>
                        <button className="btn btn-primary" disabled={busy} onClick={() => void onRestore(v.id)} data-testid={`confirm-restore-${v.id}`}>
                          Restore (the current state is kept as a version)
                        </button>
                        <button className="btn" onClick={() => setConfirm(null)}>
                          Cancel
                        </button>
                      </>
                    ) : (
                      <button className="btn" disabled={busy} onClick={() => setConfirm(v.id)} data-testid={`restore-${v.id}`}>
                        Restore
                      </button>
                    )}
                    <button
                      className="btn"
                      disabled={busy}
                      onClick={() => void exportVersion(v.id).then((p) => toast({ kind: 'success', message: `Exported to ${p}` }), fail)}
                      data-testid={`export-${v.id}`}
                    >
                      Export .kiln
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {exportPath && (
          <p className="muted small" data-testid="export-path">
            Exported to <code>{exportPath}</code>
          </p>
        )}
        {versions.length > 1 && from === null && <p className="muted small">Tick two versions to see what changed between them.</p>}
      </div>
      {diffError && (
        <p className="error-text" role="alert">
          {diffError}
        </p>
      )}
      {diff && <DiffView d={diff} />}
    </section>
  );
}
