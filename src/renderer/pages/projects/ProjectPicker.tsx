import { useEffect, useRef, useState } from 'react';
import type { DemoKind, ProjectSummary } from '../../../shared/api/projects';
import { ConfirmDialog, NameDialog } from '../../components/Dialog';
import { ProgressBar } from '../../components/ProgressBar';
import { errorMessage, useApp } from '../../stores/appStore';
import { useJobs } from '../../stores/jobsStore';
import { useProjects } from '../../stores/projectStore';
import { useRoute } from '../../stores/routeStore';
import { formatBytes, formatDate } from '../../format';

type Dialog = { kind: 'create' } | { kind: 'rename' | 'duplicate' | 'delete'; project: ProjectSummary } | null;

/** First screen: the projects in KILN_HOME, and everything you can do with them. */
export function ProjectPicker() {
  const { list, loading, error, refresh, create, rename, duplicate, remove, importFile } = useProjects();
  const go = useRoute((s) => s.go);
  const toast = useApp((s) => s.toast);
  const home = useApp((s) => s.info?.home);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [dialogError, setDialogError] = useState<string | null>(null);
  const [importProgress, setImportProgress] = useState<number | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const close = () => {
    setDialog(null);
    setDialogError(null);
  };

  const run = async (label: string, work: () => Promise<void>) => {
    setBusy(label);
    setDialogError(null);
    try {
      await work();
      close();
    } catch (e) {
      setDialogError(errorMessage(e));
      if (!dialog) toast({ kind: 'error', message: errorMessage(e) });
    } finally {
      setBusy(null);
    }
  };

  const createDemo = (demo: DemoKind) =>
    run(`demo-${demo}`, async () => {
      const base = demo === 'motion' ? 'Motion demo' : 'Keywords demo';
      const taken = new Set(list.map((p) => p.name.toLowerCase()));
      let name = base;
      for (let i = 2; taken.has(name.toLowerCase()); i++) name = `${base} ${i}`;
      const p = await create(name, demo);
      toast({ kind: 'success', message: `Created “${p.name}” with ${p.sampleCount ?? 0} samples.` });
      go({ project: p.name, page: 'dashboard' });
    });

  const onImport = async (files: FileList | null) => {
    const file = files?.[0];
    if (!file) return;
    setImportProgress(0);
    try {
      const name = await importFile(file, (f) => setImportProgress(f * 0.9));
      toast({ kind: 'success', message: `Imported “${name}”.` });
    } catch (e) {
      toast({ kind: 'error', message: errorMessage(e) });
    } finally {
      setImportProgress(null);
      if (fileInput.current) fileInput.current.value = '';
    }
  };

  return (
    <main className="picker" aria-labelledby="picker-title">
      <header className="picker-head">
        <div>
          <h1 id="picker-title">Projects</h1>
          {home && <p className="muted small">Stored in {home}</p>}
        </div>
        <div className="row">
          <button type="button" className="btn" onClick={() => fileInput.current?.click()} disabled={importProgress !== null}>
            Import .kiln…
          </button>
          <input ref={fileInput} type="file" accept=".kiln" hidden data-testid="import-input" onChange={(e) => void onImport(e.target.files)} />
          <button type="button" className="btn btn-primary" onClick={() => setDialog({ kind: 'create' })}>
            New project
          </button>
        </div>
      </header>

      {importProgress !== null && (
        <div className="card">
          <p>Importing project…</p>
          <ProgressBar value={importProgress} label="Import" />
        </div>
      )}

      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}

      {list.length === 0 && !loading ? (
        <section className="empty card">
          <h2>No projects yet</h2>
          <p>Create an empty project, or start from a demo dataset recorded with the built-in virtual devices — no board needed.</p>
          <DemoProgress />
          <div className="row center">
            <button type="button" className="btn btn-primary" onClick={() => setDialog({ kind: 'create' })}>
              New project
            </button>
            <button type="button" className="btn" disabled={busy !== null} onClick={() => void createDemo('motion')}>
              {busy === 'demo-motion' ? 'Recording…' : 'Motion demo'}
            </button>
            <button type="button" className="btn" disabled={busy !== null} onClick={() => void createDemo('keywords')}>
              {busy === 'demo-keywords' ? 'Recording…' : 'Keywords demo'}
            </button>
          </div>
        </section>
      ) : (
        <>
          <table className="table" aria-label="Projects">
            <thead>
              <tr>
                <th>Name</th>
                <th className="num">Samples</th>
                <th className="num">Size</th>
                <th>Created</th>
                <th>Modified</th>
                <th aria-label="Actions" />
              </tr>
            </thead>
            <tbody>
              {list.map((p) => (
                <tr key={p.path} data-testid="project-row">
                  <td>
                    <button type="button" className="link" onClick={() => go({ project: p.name, page: 'dashboard' })} disabled={p.error !== null}>
                      {p.name}
                    </button>
                    {p.error && <div className="error-text small">{p.error}</div>}
                  </td>
                  <td className="num">{p.sampleCount ?? '–'}</td>
                  <td className="num">{formatBytes(p.sizeBytes)}</td>
                  <td>{p.createdAt ? formatDate(p.createdAt) : '–'}</td>
                  <td>{formatDate(p.modifiedAt)}</td>
                  <td className="actions">
                    <button type="button" className="btn btn-small" onClick={() => setDialog({ kind: 'rename', project: p })} aria-label={`Rename ${p.name}`}>
                      Rename
                    </button>
                    <button
                      type="button"
                      className="btn btn-small"
                      onClick={() => setDialog({ kind: 'duplicate', project: p })}
                      aria-label={`Duplicate ${p.name}`}
                    >
                      Duplicate
                    </button>
                    <button
                      type="button"
                      className="btn btn-small btn-danger-ghost"
                      onClick={() => setDialog({ kind: 'delete', project: p })}
                      aria-label={`Delete ${p.name}`}
                    >
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="row muted small">
            <span>Start from a demo:</span>
            <button type="button" className="btn btn-small" disabled={busy !== null} onClick={() => void createDemo('motion')}>
              {busy === 'demo-motion' ? 'Recording…' : 'Motion demo'}
            </button>
            <button type="button" className="btn btn-small" disabled={busy !== null} onClick={() => void createDemo('keywords')}>
              {busy === 'demo-keywords' ? 'Recording…' : 'Keywords demo'}
            </button>
          </div>
          <DemoProgress />
        </>
      )}

      <NameDialog
        open={dialog?.kind === 'create'}
        title="New project"
        label="Project name"
        initial=""
        confirm="Create"
        busy={busy !== null}
        error={dialogError}
        onClose={close}
        onSubmit={(name) =>
          void run('create', async () => {
            const p = await create(name);
            go({ project: p.name, page: 'dashboard' });
          })
        }
      />
      {dialog && dialog.kind !== 'create' && dialog.kind !== 'delete' && (
        <NameDialog
          open
          title={dialog.kind === 'rename' ? `Rename “${dialog.project.name}”` : `Duplicate “${dialog.project.name}”`}
          label="New name"
          initial={dialog.kind === 'rename' ? dialog.project.name : `${dialog.project.name} copy`}
          confirm={dialog.kind === 'rename' ? 'Rename' : 'Duplicate'}
          busy={busy !== null}
          error={dialogError}
          onClose={close}
          onSubmit={(newName) =>
            void run(dialog.kind, async () => {
              if (dialog.kind === 'rename') await rename(dialog.project.name, newName);
              else await duplicate(dialog.project.name, newName);
            })
          }
        />
      )}
      <ConfirmDialog
        open={dialog?.kind === 'delete'}
        title="Delete project?"
        message={
          dialog?.kind === 'delete' ? <>“{dialog.project.name}” and its samples and models are moved to the trash. You can undo this right after.</> : ''
        }
        confirm="Delete"
        onClose={close}
        onConfirm={() => {
          if (dialog?.kind === 'delete') void run('delete', () => remove(dialog.project.name));
        }}
      />
    </main>
  );
}

/** Progress of a demo being recorded from the virtual devices (the keywords demo takes seconds). */
function DemoProgress() {
  const jobId = useProjects((s) => s.demoJobId);
  const job = useJobs((s) => (jobId ? s.jobs[jobId] : undefined));
  if (!jobId) return null;
  return (
    <div className="demo-progress">
      <ProgressBar value={job?.progress ?? 0} label="Creating the demo project" />
      <div className="muted small">{job?.status || 'Starting…'}</div>
    </div>
  );
}
