import { isDirty, useImpulse } from '../../stores/impulseStore';

/** Undo / redo / save bar shared by the pipeline and block pages. */
export function EditBar({ title }: { title: string }) {
  const past = useImpulse((s) => s.past.length);
  const future = useImpulse((s) => s.future.length);
  const dirty = useImpulse(isDirty);
  const saving = useImpulse((s) => s.saving);
  const saveError = useImpulse((s) => s.saveError);
  const editError = useImpulse((s) => s.editError);
  const suggested = useImpulse((s) => s.suggested);
  const saved = useImpulse((s) => s.saved);
  const { undo, redo, save, revert } = useImpulse.getState();
  return (
    <>
      <div className="impulse-head">
        <h1 id="impulse-title">{title}</h1>
        <div className="row edit-bar" role="toolbar" aria-label="Edit">
          <button type="button" className="btn btn-small" onClick={undo} disabled={!past} title="Undo (Ctrl+Z)" aria-keyshortcuts="Control+Z">
            Undo
          </button>
          <button type="button" className="btn btn-small" onClick={redo} disabled={!future} title="Redo (Ctrl+Shift+Z)" aria-keyshortcuts="Control+Shift+Z">
            Redo
          </button>
          {dirty && saved && (
            <button type="button" className="btn btn-small" onClick={revert} title="Go back to the saved impulse (undo brings the edits back)">
              Revert
            </button>
          )}
          <span className={`save-state small${dirty ? ' dirty' : ''}`} data-testid="save-state" aria-live="polite">
            {saving ? 'Saving…' : dirty ? 'Unsaved changes' : 'Saved'}
          </span>
          <button
            type="button"
            className="btn btn-primary btn-small"
            onClick={() => void save()}
            disabled={!dirty || saving}
            title="Save (Ctrl+S)"
            aria-keyshortcuts="Control+S"
          >
            Save impulse
          </button>
        </div>
      </div>
      {suggested && (
        <p className="notice">
          This is a suggested impulse for your {suggested === 'empty' ? 'project (it has no samples yet)' : `${suggested.replace('-', ' ')} data`}. Change it as
          you like and save it to keep it.
        </p>
      )}
      {saveError && (
        <p className="error-text" role="alert">
          Not saved: {saveError}
        </p>
      )}
      {editError && (
        <p className="error-text" role="alert">
          {editError}
        </p>
      )}
    </>
  );
}
