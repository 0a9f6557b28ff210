import { useState } from 'react';
import { ConfirmDialog, Dialog } from '../../components/Dialog';
import { errorMessage, useApp } from '../../stores/appStore';
import { useDataset } from '../../stores/datasetStore';

/** Filter bar and actions on the selected samples: relabel, move, delete (with undo). */
export function DatasetToolbar() {
  const filter = useDataset((s) => s.filter);
  const labels = useDataset((s) => s.labels);
  const total = useDataset((s) => s.total);
  const selected = useDataset((s) => s.selected);
  const { setFilter, selectAll, clearSelection, relabel, move, deleteSelected, undoDelete } = useDataset.getState();
  const toast = useApp((s) => s.toast);
  const [dialog, setDialog] = useState<'relabel' | 'delete' | null>(null);
  const [text, setText] = useState(filter.text);
  const [busy, setBusy] = useState(false);
  const n = selected.size;

  const act = async (work: () => Promise<void>) => {
    setBusy(true);
    try {
      await work();
      setDialog(null);
    } catch (e) {
      toast({ kind: 'error', message: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="dataset-toolbar">
      <form
        className="row filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setFilter({ text });
        }}
      >
        <select aria-label="Filter by label" value={filter.label ?? ''} onChange={(e) => setFilter({ label: e.target.value === '' ? null : e.target.value })}>
          <option value="">All labels</option>
          {labels.map((l) => (
            <option key={l} value={l}>
              {l}
            </option>
          ))}
        </select>
        <select
          aria-label="Filter by set"
          value={filter.category ?? ''}
          onChange={(e) => setFilter({ category: e.target.value === '' ? null : (e.target.value as 'train' | 'test') })}
        >
          <option value="">Train and test</option>
          <option value="train">Training</option>
          <option value="test">Test</option>
        </select>
        <input
          type="search"
          placeholder="Search name, label, source"
          aria-label="Search samples"
          value={text}
          onChange={(e) => setText(e.target.value)}
          onBlur={() => text !== filter.text && setFilter({ text })}
        />
        <span className="muted small" data-testid="match-count">
          {total === null ? '' : `${total.toLocaleString()} sample${total === 1 ? '' : 's'}`}
        </span>
      </form>
      <div className="row bulk" aria-label="Selection actions">
        <button type="button" className="btn btn-small" onClick={() => void selectAll()} disabled={!total}>
          Select all
        </button>
        {n > 0 && (
          <>
            <span className="small" data-testid="selection-count">
              {n.toLocaleString()} selected
            </span>
            <button type="button" className="icon-btn" onClick={clearSelection} aria-label="Clear the selection" title="Clear the selection">
              ×
            </button>
          </>
        )}
        <span className="sep" />
        <button type="button" className="btn btn-small" disabled={!n || busy} onClick={() => setDialog('relabel')}>
          Relabel…
        </button>
        <button
          type="button"
          className="btn btn-small"
          disabled={!n || busy}
          onClick={() => void act(async () => toast({ kind: 'success', message: `Moved ${await move('train')} to training` }))}
        >
          Move to train
        </button>
        <button
          type="button"
          className="btn btn-small"
          disabled={!n || busy}
          onClick={() => void act(async () => toast({ kind: 'success', message: `Moved ${await move('test')} to test` }))}
        >
          Move to test
        </button>
        <button type="button" className="btn btn-small btn-danger-ghost" disabled={!n || busy} onClick={() => setDialog('delete')}>
          Delete…
        </button>
      </div>

      <RelabelDialog
        open={dialog === 'relabel'}
        count={n}
        labels={labels}
        busy={busy}
        onClose={() => setDialog(null)}
        onSubmit={(label) => void act(async () => toast({ kind: 'success', message: `Relabelled ${await relabel(label)} as “${label}”` }))}
      />
      <ConfirmDialog
        open={dialog === 'delete'}
        title={`Delete ${n} sample${n === 1 ? '' : 's'}?`}
        message="You can undo this right after."
        confirm="Delete"
        onClose={() => setDialog(null)}
        onConfirm={() =>
          void act(async () => {
            const { deleted, undoToken } = await deleteSelected();
            toast(
              {
                kind: 'info',
                message: `Deleted ${deleted} sample${deleted === 1 ? '' : 's'}`,
                action: { label: 'Undo', run: () => void undoDelete(undoToken).catch((e) => toast({ kind: 'error', message: errorMessage(e) })) },
              },
              12_000,
            );
          })
        }
      />
    </div>
  );
}

function RelabelDialog(props: { open: boolean; count: number; labels: string[]; busy: boolean; onClose: () => void; onSubmit: (label: string) => void }) {
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <Dialog
      open={props.open}
      title={`Relabel ${props.count} sample${props.count === 1 ? '' : 's'}`}
      onClose={props.onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" form="relabel-form" className="btn btn-primary" disabled={props.busy}>
            Relabel
          </button>
        </>
      }
    >
      <form
        id="relabel-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!value.trim()) return setError('Type a label');
          setError(null);
          props.onSubmit(value.trim());
        }}
      >
        <label className="field">
          <span>New label</span>
          <input
            autoFocus
            list="known-labels"
            value={value}
            onChange={(e) => setValue(e.target.value)}
            aria-invalid={error ? true : undefined}
            maxLength={128}
          />
          <datalist id="known-labels">
            {props.labels.map((l) => (
              <option key={l} value={l} />
            ))}
          </datalist>
        </label>
        {error && (
          <p className="error-text" role="alert">
            {error}
          </p>
        )}
      </form>
    </Dialog>
  );
}

/** Rebalance train/test per label (a dialog to choose the test share). */
export function RebalanceButton() {
  const counts = useDataset((s) => s.counts);
  const rebalance = useDataset((s) => s.rebalance);
  const toast = useApp((s) => s.toast);
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const submit = async (fraction: number) => {
    setBusy(true);
    try {
      const moved = await rebalance(fraction);
      toast({ kind: 'success', message: `Moved ${moved} sample${moved === 1 ? '' : 's'}: each label now has ${Math.round(fraction * 100)} % in test` });
      setOpen(false);
    } catch (e) {
      toast({ kind: 'error', message: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" className="btn btn-small" disabled={!counts?.total || busy} onClick={() => setOpen(true)}>
        Rebalance…
      </button>
      <RebalanceDialog
        open={open}
        busy={busy}
        current={counts && counts.total ? counts.test / counts.total : 0.2}
        onClose={() => setOpen(false)}
        onSubmit={(f) => void submit(f)}
      />
    </>
  );
}

function RebalanceDialog(props: { open: boolean; busy: boolean; current: number; onClose: () => void; onSubmit: (fraction: number) => void }) {
  const [pct, setPct] = useState(20);
  const valid = Number.isFinite(pct) && pct >= 0 && pct <= 100;
  return (
    <Dialog
      open={props.open}
      title="Rebalance train / test"
      onClose={props.onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" form="rebalance-form" className="btn btn-primary" disabled={props.busy || !valid}>
            Rebalance
          </button>
        </>
      }
    >
      <form
        id="rebalance-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (valid) props.onSubmit(pct / 100);
        }}
      >
        <p className="muted">
          Moves samples so each label has this share in the test set (now {Math.round(props.current * 100)} % overall). Samples already in the right set stay
          where they are.
        </p>
        <label className="field">
          <span>Test share (%)</span>
          <input
            type="number"
            min={0}
            max={100}
            step={1}
            value={pct}
            onChange={(e) => setPct(Number(e.target.value))}
            aria-invalid={!valid ? true : undefined}
          />
        </label>
      </form>
    </Dialog>
  );
}
