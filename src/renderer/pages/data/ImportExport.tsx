import { useState } from 'react';
import type { ExportResult } from '../../../shared/api/samples';
import { api } from '../../api';
import { Dialog } from '../../components/Dialog';
import { ProgressBar } from '../../components/ProgressBar';
import { errorMessage, useApp } from '../../stores/appStore';
import { useDataset } from '../../stores/datasetStore';
import { useJobs } from '../../stores/jobsStore';
import { formatBytes } from '../../format';

/** Asks how to import the dropped or picked files: label (default from file names) and set. */
export function ImportDialog({ files, onClose }: { files: File[]; onClose: () => void }) {
  const [label, setLabel] = useState('');
  const [category, setCategory] = useState<'split' | 'train' | 'test'>('split');
  const importFiles = useDataset((s) => s.importFiles);
  const toast = useApp((s) => s.toast);
  const size = files.reduce((n, f) => n + f.size, 0);
  const submit = () => {
    onClose();
    void importFiles(files, { category, ...(label.trim() ? { label: label.trim() } : {}) }).then((r) => {
      if (r && r.failed.length === 0) {
        toast({ kind: 'success', message: `Imported ${r.imported} sample${r.imported === 1 ? '' : 's'}` });
        useDataset.getState().dismissImport();
      }
    });
  };
  return (
    <Dialog
      open
      title={`Import ${files.length} file${files.length === 1 ? '' : 's'}`}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form="import-form" className="btn btn-primary">
            Import
          </button>
        </>
      }
    >
      <form
        id="import-form"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <p className="muted small">
          {formatBytes(size)} ·{' '}
          {files
            .slice(0, 3)
            .map((f) => f.name)
            .join(', ')}
          {files.length > 3 ? ` and ${files.length - 3} more` : ''}
        </p>
        <label className="field">
          <span>Label</span>
          <input value={label} onChange={(e) => setLabel(e.target.value)} placeholder="From each file name (wave.01.csv → wave)" maxLength={128} autoFocus />
        </label>
        <fieldset className="field radio-set">
          <legend>Put into</legend>
          {(
            [
              ['split', 'Split automatically (80 % train / 20 % test per label)'],
              ['train', 'Training set'],
              ['test', 'Test set'],
            ] as const
          ).map(([v, text]) => (
            <label key={v} className="radio">
              <input type="radio" name="category" value={v} checked={category === v} onChange={() => setCategory(v)} /> {text}
            </label>
          ))}
        </fieldset>
        <p className="muted small">Kiln reads CSV, Edge Impulse JSON and CBOR, WAV, PNG and JPEG.</p>
      </form>
    </Dialog>
  );
}

/** Progress of the running import, then the files that failed (each with its reason). */
export function ImportStatus() {
  const importing = useDataset((s) => s.importing);
  const dismiss = useDataset((s) => s.dismissImport);
  const cancel = useJobs((s) => s.cancel);
  if (!importing) return null;
  if (importing.phase !== 'done') {
    return (
      <div className="card import-status" data-testid="import-progress">
        <div className="row spread">
          <strong>
            {importing.phase === 'uploading' ? 'Sending' : 'Importing'} {importing.files} file{importing.files === 1 ? '' : 's'}
          </strong>
          {importing.jobId && (
            <button type="button" className="btn btn-small" onClick={() => void cancel(importing.jobId!)}>
              Cancel
            </button>
          )}
        </div>
        <ProgressBar value={importing.progress} label="Import progress" />
        <span className="muted small">{importing.status}</span>
      </div>
    );
  }
  const failed = importing.result?.failed ?? [];
  const open = !!importing.error || failed.length > 0;
  if (!open) return null;
  return (
    <Dialog
      open
      title={importing.error ? 'Import failed' : `${failed.length} file${failed.length === 1 ? '' : 's'} could not be imported`}
      onClose={dismiss}
      footer={
        <button type="button" className="btn btn-primary" onClick={dismiss} autoFocus>
          OK
        </button>
      }
    >
      {importing.error ? (
        <p className="error-text">{importing.error}</p>
      ) : (
        <>
          <p>
            Imported {importing.result!.imported} sample{importing.result!.imported === 1 ? '' : 's'}. These files were skipped; nothing from them was stored:
          </p>
          <ul className="failed-list" data-testid="import-failures">
            {failed.map((f) => (
              <li key={f.file}>
                <strong>{f.file}</strong>
                <span className="muted small">{f.message.startsWith(f.file) ? f.message.slice(f.file.length).replace(/^[:\s]+/, '') : f.message}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </Dialog>
  );
}

/**
 * Exports as one .zip download (browser download, or the desktop app's save dialog): one file per
 * sample in training/ and testing/, the layout `kiln import` and Edge Impulse read back.
 */
export function ExportDialog({ project, onClose }: { project: string; onClose: () => void }) {
  const filter = useDataset((s) => s.filter);
  const [format, setFormat] = useState<'ei-json' | 'csv'>('ei-json');
  const [onlyFilter, setOnlyFilter] = useState(false);
  const [state, setState] = useState<{ busy: boolean; error: string | null; result: ExportResult | null }>({ busy: false, error: null, result: null });
  const waitFor = useJobs((s) => s.waitFor);
  const hasFilter = filter.label !== null || filter.category !== null;
  const run = async () => {
    setState({ busy: true, error: null, result: null });
    try {
      const { jobId } = await api().call('samples.export', {
        project,
        format,
        ...(onlyFilter && filter.label !== null ? { label: filter.label } : {}),
        ...(onlyFilter && filter.category ? { category: filter.category } : {}),
      });
      const job = await waitFor(jobId);
      if (job.state !== 'succeeded') throw new Error(job.error?.message ?? `Export ${job.state}`);
      const result = job.result as ExportResult;
      const saved = result.download ? await api().download(result.download) : { savedTo: result.dir };
      if (saved.savedTo === null) throw new Error('Not saved: the save dialog was cancelled');
      setState({ busy: false, error: null, result: { ...result, dir: saved.savedTo } });
    } catch (e) {
      setState({ busy: false, error: errorMessage(e), result: null });
    }
  };
  return (
    <Dialog
      open
      title="Export samples"
      onClose={onClose}
      footer={
        state.result ? (
          <button type="button" className="btn btn-primary" onClick={onClose}>
            Done
          </button>
        ) : (
          <>
            <button type="button" className="btn" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" form="export-form" className="btn btn-primary" disabled={state.busy}>
              {state.busy ? 'Exporting…' : 'Export'}
            </button>
          </>
        )
      }
    >
      {state.result ? (
        <p data-testid="export-result">
          Exported {state.result.files} files ({formatBytes(state.result.bytes)}) as <code>{state.result.dir}</code>
        </p>
      ) : (
        <form
          id="export-form"
          onSubmit={(e) => {
            e.preventDefault();
            void run();
          }}
        >
          <label className="field">
            <span>Format</span>
            <select value={format} onChange={(e) => setFormat(e.target.value as 'ei-json' | 'csv')}>
              <option value="ei-json">Edge Impulse JSON</option>
              <option value="csv">CSV</option>
            </select>
          </label>
          <p className="muted small">Downloaded as one .zip with training/ and testing/ folders, one file per sample (images as PNG).</p>
          {hasFilter && (
            <label className="radio">
              <input type="checkbox" checked={onlyFilter} onChange={(e) => setOnlyFilter(e.target.checked)} /> Only samples matching the label/set filter
            </label>
          )}
          {state.error && (
            <p className="error-text" role="alert">
              {state.error}
            </p>
          )}
        </form>
      )}
    </Dialog>
  );
}
