import { useEffect, useState } from 'react';
import { Dialog } from '../../components/Dialog';
import { errorMessage, useApp } from '../../stores/appStore';
import { useJobs } from '../../stores/jobsStore';
import { useProjects } from '../../stores/projectStore';
import { formatBytes, formatDate } from '../../format';

/** Project facts at a glance: file, size, samples per label and split, recent jobs. */
export function Dashboard({ project }: { project: string }) {
  const info = useProjects((s) => s.info);
  const infoError = useProjects((s) => s.infoError);
  const loadInfo = useProjects((s) => s.loadInfo);
  const jobs = useJobs((s) => s.jobs);
  const loadJobs = useJobs((s) => s.load);

  const loadTrash = useProjects((s) => s.loadTrash);
  useEffect(() => {
    void loadInfo(project);
    void loadJobs(project);
    void loadTrash(project);
  }, [project, loadInfo, loadJobs, loadTrash]);

  if (infoError) {
    return (
      <section className="page">
        <h1>Dashboard</h1>
        <p className="error-text" role="alert">
          {infoError}
        </p>
      </section>
    );
  }
  if (!info || info.name !== project) return <section className="page" aria-busy="true" />;
  const recent = Object.values(jobs)
    .filter((j) => j.project === project)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
    .slice(0, 5);
  return (
    <section className="page" aria-labelledby="dash-title">
      <h1 id="dash-title">{info.name}</h1>
      <div className="cards">
        <div className="card stat">
          <div className="stat-value" data-testid="sample-total">
            {info.samples.total}
          </div>
          <div className="muted">samples</div>
        </div>
        <div className="card stat">
          <div className="stat-value">{info.samples.train}</div>
          <div className="muted">training</div>
        </div>
        <div className="card stat">
          <div className="stat-value">{info.samples.test}</div>
          <div className="muted">test</div>
        </div>
        <div className="card stat">
          <div className="stat-value">{info.samples.byLabel.length}</div>
          <div className="muted">labels</div>
        </div>
      </div>

      <div className="grid-2">
        <div className="card">
          <h2>Project</h2>
          <dl className="facts">
            <dt>File</dt>
            <dd className="mono" data-testid="project-path">
              {info.path}
            </dd>
            <dt>Size</dt>
            <dd>{formatBytes(info.sizeBytes)}</dd>
            <dt>Created</dt>
            <dd>{formatDate(info.createdAt)}</dd>
            <dt>Schema</dt>
            <dd>
              v{info.schemaVersion} (created with Kiln {info.kilnVersion})
            </dd>
          </dl>
        </div>
        <div className="card">
          <h2>Samples per label</h2>
          {info.samples.byLabel.length === 0 ? (
            <p className="muted">No samples yet. Record from a board or a virtual device, or import files.</p>
          ) : (
            <table className="table compact">
              <thead>
                <tr>
                  <th>Label</th>
                  <th className="num">Train</th>
                  <th className="num">Test</th>
                </tr>
              </thead>
              <tbody>
                {info.samples.byLabel.map((l) => (
                  <tr key={l.label}>
                    <td>{l.label}</td>
                    <td className="num">{l.train}</td>
                    <td className="num">{l.test}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      </div>

      <TrashCard project={project} />

      <div className="card">
        <h2>Recent jobs</h2>
        {recent.length === 0 ? (
          <p className="muted">No jobs have run in this project yet.</p>
        ) : (
          <ul className="plain">
            {recent.map((j) => (
              <li key={j.id}>
                <span className={`badge badge-${j.state}`}>{j.state}</span> {j.title} <span className="muted small">{formatDate(j.createdAt)}</span>
                {j.error && <div className="error-text small">{j.error.message}</div>}
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}

/** Deleted samples wait here for undo; purging frees their space for good (after a confirmation). */
function TrashCard({ project }: { project: string }) {
  const trash = useProjects((s) => (s.trash?.project === project ? s.trash : null));
  const purge = useProjects((s) => s.purge);
  const toast = useApp((s) => s.toast);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  if (!trash) return null;
  const run = async () => {
    setBusy(true);
    try {
      const freed = await purge(project);
      toast({ kind: 'success', message: `Purged ${trash.count} deleted sample${trash.count === 1 ? '' : 's'}; freed ${formatBytes(freed)}.` });
    } catch (e) {
      toast({ kind: 'error', message: errorMessage(e) });
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };
  return (
    <div className="card" style={{ marginBottom: 16 }}>
      <h2>Deleted samples</h2>
      {trash.count === 0 ? (
        <p className="muted">No deleted samples. Deleted samples stay restorable for {trash.keepDays} days, then are purged.</p>
      ) : (
        <p>
          {trash.count} deleted sample{trash.count === 1 ? '' : 's'} ({formatBytes(trash.bytes)}) kept so deleting can be undone; purged automatically{' '}
          {trash.keepDays} days after deletion.{' '}
          <button type="button" className="btn-danger" onClick={() => setConfirming(true)}>
            Purge now (frees {formatBytes(trash.bytes)})
          </button>
        </p>
      )}
      <Dialog
        open={confirming}
        title="Purge deleted samples?"
        onClose={() => setConfirming(false)}
        footer={
          <>
            <button type="button" onClick={() => setConfirming(false)} disabled={busy}>
              Cancel
            </button>
            <button type="button" className="btn-danger" onClick={() => void run()} disabled={busy}>
              {busy ? 'Purging…' : 'Purge'}
            </button>
          </>
        }
      >
        <p>
          {trash.count} deleted sample{trash.count === 1 ? '' : 's'} will be removed for good. This cannot be undone.
        </p>
      </Dialog>
    </div>
  );
}
