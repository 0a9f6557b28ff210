import { useState } from 'react';
import { FORMAT_TITLES, type BuiltLibrary } from '../../../shared/api/deploy';
import { ConfirmDialog } from '../../components/Dialog';
import { formatBytes, formatDate } from '../../format';

/** The libraries built from this project, newest first, with their hash and a download. */
export function LibraryTable(props: {
  libraries: BuiltLibrary[];
  boardName: (id: string) => string;
  downloading: number | null;
  onDownload: (id: number) => void;
  onDelete: (id: number) => void;
}) {
  const [confirm, setConfirm] = useState<BuiltLibrary | null>(null);
  if (props.libraries.length === 0) return <p className="muted">Nothing built yet. A build is kept here with its model, board, Kiln version and SHA-256.</p>;
  return (
    <>
      <table className="table" data-testid="built-libraries">
        <thead>
          <tr>
            <th>Built</th>
            <th>Format</th>
            <th>Precision</th>
            <th>Board</th>
            <th className="num">Model</th>
            <th className="num">Size</th>
            <th>SHA-256</th>
            <th>Kiln</th>
            <th className="actions">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {props.libraries.map((l) => (
            <tr key={l.id} data-testid={`library-${l.id}`}>
              <td>{formatDate(l.createdAt)}</td>
              <td>{FORMAT_TITLES[l.format]}</td>
              <td>{l.precision}</td>
              <td>{l.board ? props.boardName(l.board) : <span className="muted">any</span>}</td>
              <td className="num">#{l.modelId}</td>
              <td className="num">{formatBytes(l.sizeBytes)}</td>
              <td>
                <span className="hash" title={l.sha256}>
                  {l.sha256.slice(0, 12)}…
                </span>
              </td>
              <td>{l.kilnVersion}</td>
              <td className="actions">
                <button
                  className="btn btn-small"
                  onClick={() => props.onDownload(l.id)}
                  disabled={props.downloading === l.id}
                  aria-label={`Download ${l.name}`}
                >
                  {props.downloading === l.id ? 'Preparing…' : 'Download'}
                </button>
                <button className="btn btn-small btn-danger-ghost" onClick={() => setConfirm(l)} aria-label={`Delete ${l.name}`}>
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <ConfirmDialog
        open={confirm !== null}
        title="Delete built library"
        message={confirm ? `Delete ${confirm.name} (${formatDate(confirm.createdAt)}) from the project? The model stays; you can build it again.` : ''}
        confirm="Delete"
        onConfirm={() => {
          if (confirm) props.onDelete(confirm.id);
          setConfirm(null);
        }}
        onClose={() => setConfirm(null)}
      />
    </>
  );
}
