import { useEffect, useRef, type ReactNode } from 'react';

/** A modal dialog on the native <dialog> element: focus is trapped, Escape closes it. */
export function Dialog({
  open,
  title,
  onClose,
  children,
  footer,
}: {
  open: boolean;
  title: string;
  onClose: () => void;
  children: ReactNode;
  footer: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-label={title}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      {open && (
        <>
          <h2 className="dialog-title">{title}</h2>
          <div className="dialog-body">{children}</div>
          <div className="dialog-footer">{footer}</div>
        </>
      )}
    </dialog>
  );
}

/** Asks for a name (create, rename, duplicate): Enter confirms, the error shows inline. */
export function NameDialog(props: {
  open: boolean;
  title: string;
  label: string;
  initial: string;
  confirm: string;
  busy?: boolean;
  error?: string | null;
  onSubmit: (name: string) => void;
  onClose: () => void;
  extra?: ReactNode;
}) {
  const inputRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (props.open) setTimeout(() => inputRef.current?.select(), 0);
  }, [props.open]);
  return (
    <Dialog
      open={props.open}
      title={props.title}
      onClose={props.onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" form="name-dialog-form" className="btn btn-primary" disabled={props.busy}>
            {props.busy ? 'Working…' : props.confirm}
          </button>
        </>
      }
    >
      <form
        id="name-dialog-form"
        onSubmit={(e) => {
          e.preventDefault();
          props.onSubmit(inputRef.current?.value ?? '');
        }}
      >
        <label className="field">
          <span>{props.label}</span>
          <input ref={inputRef} name="name" defaultValue={props.initial} autoComplete="off" aria-invalid={props.error ? true : undefined} />
        </label>
        {props.extra}
        {props.error && (
          <p className="error-text" role="alert">
            {props.error}
          </p>
        )}
      </form>
    </Dialog>
  );
}

/** Confirmation for destructive actions. */
export function ConfirmDialog(props: { open: boolean; title: string; message: ReactNode; confirm: string; onConfirm: () => void; onClose: () => void }) {
  return (
    <Dialog
      open={props.open}
      title={props.title}
      onClose={props.onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={props.onClose} autoFocus>
            Cancel
          </button>
          <button type="button" className="btn btn-danger" onClick={props.onConfirm}>
            {props.confirm}
          </button>
        </>
      }
    >
      <p>{props.message}</p>
    </Dialog>
  );
}
