import { useEffect, useRef, useState, type DragEvent } from 'react';
import type { RecordResult } from '../../../shared/api/devices';
import { api } from '../../api';
import { errorMessage, useApp } from '../../stores/appStore';
import { useDataset } from '../../stores/datasetStore';
import { useRoute } from '../../stores/routeStore';
import type { PageProps } from '../registry';
import { DatasetToolbar, RebalanceButton } from './BulkActions';
import { filesOfDrop, filesOfPickedFolder } from './folderDrop';
import { ExportDialog, ImportDialog, ImportStatus } from './ImportExport';
import { RecordPanel } from './RecordPanel';
import { SampleTable } from './SampleTable';
import { SampleView } from './SampleView';
import './data.css';

/** Data acquisition: record, import (drop anywhere), the dataset table, and the sample view. */
export function DataPage({ project }: PageProps) {
  const counts = useDataset((s) => s.counts);
  const error = useDataset((s) => s.error);
  const [dropping, setDropping] = useState(false);
  const [pending, setPending] = useState<File[] | null>(null);
  const [exporting, setExporting] = useState(false);
  const pickRef = useRef<HTMLInputElement>(null);
  const folderRef = useRef<HTMLInputElement | null>(null);
  const dragDepth = useRef(0);

  useEffect(() => {
    useDataset.getState().open(project);
  }, [project]);

  // refresh on changes from anywhere (another window, the CLI, an import), at most every 300 ms
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const off = api().on('samples.changed', (e) => {
      if (e.project !== project || timer) return;
      timer = setTimeout(() => {
        timer = null;
        void useDataset.getState().refresh();
      }, 300);
    });
    return () => {
      off();
      if (timer) clearTimeout(timer);
    };
  }, [project]);

  const onRecorded = (r: RecordResult) => {
    void useDataset
      .getState()
      .refresh()
      .then(() => {
        if (r.sampleId !== null) void useDataset.getState().view(r.sampleId);
      });
  };

  const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer.types).includes('Files');
  const dropProps = {
    onDragEnter: (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      dragDepth.current++;
      setDropping(true);
    },
    onDragOver: (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
    },
    onDragLeave: () => {
      dragDepth.current = Math.max(0, dragDepth.current - 1);
      if (dragDepth.current === 0) setDropping(false);
    },
    onDrop: (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      dragDepth.current = 0;
      setDropping(false);
      // folders (an Edge Impulse export) become one zip that the import reads as exported
      filesOfDrop(e.dataTransfer)
        .then((files) => {
          if (files.length) setPending(files);
        })
        .catch((err: unknown) => useApp.getState().toast({ kind: 'error', message: errorMessage(err) }));
    },
  };

  const empty = counts !== null && counts.total === 0;
  return (
    <section className={`page data-page${dropping ? ' dropping' : ''}`} aria-labelledby="data-title" {...dropProps}>
      <div className="data-head">
        <h1 id="data-title">Data acquisition</h1>
        <div className="row">
          <button type="button" className="btn" onClick={() => pickRef.current?.click()}>
            Import files…
          </button>
          <input
            ref={pickRef}
            type="file"
            multiple
            hidden
            data-testid="import-input"
            accept=".csv,.json,.cbor,.wav,.png,.jpg,.jpeg,.zip,text/csv,application/json,audio/wav,image/png,image/jpeg"
            onChange={(e) => {
              const files = Array.from(e.target.files ?? []);
              e.target.value = '';
              if (files.length) setPending(files);
            }}
          />
          <button
            type="button"
            className="btn"
            onClick={() => folderRef.current?.click()}
            title="An Edge Impulse export keeps its training/testing split and labels"
          >
            Import folder…
          </button>
          <input
            ref={(el) => {
              folderRef.current = el;
              // React does not know the attribute: set it on the element
              el?.setAttribute('webkitdirectory', '');
            }}
            type="file"
            hidden
            data-testid="import-folder-input"
            onChange={(e) => {
              const files = Array.from(e.target.files ?? []);
              e.target.value = '';
              if (files.length)
                void filesOfPickedFolder(files)
                  .then(setPending)
                  .catch((err: unknown) => useApp.getState().toast({ kind: 'error', message: errorMessage(err) }));
            }}
          />
          <button type="button" className="btn" onClick={() => setExporting(true)} disabled={!counts?.total}>
            Export…
          </button>
        </div>
      </div>

      <RecordPanel project={project} onRecorded={onRecorded} />
      <ImportStatus />
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}

      {empty ? (
        <EmptyDataset onImport={() => pickRef.current?.click()} />
      ) : (
        <>
          <CountsCard />
          <div className="data-main">
            <div className="card data-table-card">
              <DatasetToolbar />
              <SampleTable />
            </div>
            <SampleView project={project} />
          </div>
        </>
      )}

      {dropping && (
        <div className="drop-overlay" aria-hidden="true">
          <div>Drop files, a folder or an Edge Impulse export (.zip) to import them into {project}</div>
        </div>
      )}
      {pending && <ImportDialog files={pending} onClose={() => setPending(null)} />}
      {exporting && <ExportDialog project={project} onClose={() => setExporting(false)} />}
    </section>
  );
}

/** Samples per label, train and test, as stacked bars. */
function CountsCard() {
  const counts = useDataset((s) => s.counts);
  const filter = useDataset((s) => s.filter);
  const setFilter = useDataset((s) => s.setFilter);
  if (!counts) return <div className="card counts-card" aria-busy="true" />;
  const max = Math.max(1, ...counts.byLabel.map((r) => r.train + r.test));
  const testPct = counts.total ? Math.round((counts.test / counts.total) * 100) : 0;
  return (
    <div className="card counts-card" data-testid="dataset-counts">
      <div className="counts-summary">
        <div>
          <span className="stat-value">{counts.total.toLocaleString()}</span> <span className="muted">samples</span>
        </div>
        <div className="small">
          <span className="swatch train" /> {counts.train.toLocaleString()} train · <span className="swatch test" /> {counts.test.toLocaleString()} test (
          {testPct} %)
        </div>
        <div>
          <RebalanceButton />
        </div>
      </div>
      <table className="counts-bars small">
        <tbody>
          {counts.byLabel.map((r) => (
            <tr key={r.label} className={filter.label === r.label ? 'active' : ''}>
              <th scope="row">
                <button
                  type="button"
                  className="link"
                  onClick={() => setFilter({ label: filter.label === r.label ? null : r.label })}
                  title={r.label ? `Show only ${r.label}` : 'Show only unlabelled samples (never a class: classified in testing, not scored)'}
                >
                  {r.label || <em>unlabelled</em>}
                </button>
              </th>
              <td className="bar-cell">
                <div className="bar" role="img" aria-label={`${r.label}: ${r.train} train, ${r.test} test`}>
                  <span className="bar-train" style={{ width: `${(r.train / max) * 100}%` }} />
                  <span className="bar-test" style={{ width: `${(r.test / max) * 100}%` }} />
                </div>
              </td>
              <td className="num">{r.train}</td>
              <td className="num">{r.test}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function EmptyDataset({ onImport }: { onImport: () => void }) {
  const go = useRoute((s) => s.go);
  const toast = useApp((s) => s.toast);
  const [busy, setBusy] = useState(false);
  const demo = async (kind: 'motion' | 'keywords') => {
    setBusy(true);
    try {
      const name = `${kind === 'motion' ? 'Motion' : 'Keywords'} demo ${new Date().toISOString().slice(11, 19).replace(/:/g, '')}`;
      const p = await api().call('projects.create', { name, demo: kind });
      go({ project: p.name, page: 'data' });
    } catch (e) {
      toast({ kind: 'error', message: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="card empty" data-testid="dataset-empty">
      <h2>No samples yet</h2>
      <p>Record from a board or a virtual device above, drop files anywhere on this page, or import CSV, Edge Impulse JSON/CBOR, WAV, PNG or JPEG files.</p>
      <div className="row center">
        <button type="button" className="btn btn-primary" onClick={onImport}>
          Import files…
        </button>
        <button type="button" className="btn" disabled={busy} onClick={() => void demo('motion')}>
          Open a motion demo project
        </button>
        <button type="button" className="btn" disabled={busy} onClick={() => void demo('keywords')}>
          Open a keywords demo project
        </button>
      </div>
    </div>
  );
}
