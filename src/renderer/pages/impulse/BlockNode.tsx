/** A block on the pipeline canvas: title, one-line summary, problems in red, and a menu for connections and deletion. */
import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { useEffect, useRef, useState } from 'react';
import type { GraphNodeKind, ImpulseIssue } from '../../../shared/impulse/impulse';

export interface MenuItem {
  label: string;
  run: () => void;
  checked?: boolean;
  danger?: boolean;
}

export interface BlockNodeData extends Record<string, unknown> {
  kind: GraphNodeKind;
  label: string;
  detail: string;
  issues: ImpulseIssue[];
  menu: MenuItem[];
  onOpen?: () => void;
}

export type BlockFlowNode = Node<BlockNodeData, 'block'>;

const kindTitle: Record<GraphNodeKind, string> = { input: 'Input', dsp: 'Processing', learning: 'Learning', output: 'Output' };

export function BlockNode({ id, data, selected }: NodeProps<BlockFlowNode>) {
  const [open, setOpen] = useState(false);
  const menuRef = useRef<HTMLDivElement>(null);
  const errors = data.issues.filter((i) => i.severity === 'error');
  const warnings = data.issues.filter((i) => i.severity === 'warning');
  useEffect(() => {
    if (open) menuRef.current?.querySelector<HTMLButtonElement>('button')?.focus();
  }, [open]);
  return (
    <div
      className={`block-node kind-${data.kind}${selected ? ' selected' : ''}${errors.length ? ' has-error' : ''}`}
      data-testid={`node-${id}`}
      onDoubleClick={data.onOpen}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && e.target === e.currentTarget.parentElement) data.onOpen?.();
      }}
    >
      {data.kind !== 'input' && <Handle type="target" position={Position.Left} isConnectable={data.kind === 'learning'} />}
      <div className="block-node-head">
        <span className="block-node-kind">{kindTitle[data.kind]}</span>
        {data.menu.length > 0 && (
          <button
            type="button"
            className="icon-btn block-node-menu-btn nodrag"
            aria-label={`Actions for ${data.label}`}
            aria-haspopup="menu"
            aria-expanded={open}
            onClick={(e) => {
              e.stopPropagation();
              setOpen((o) => !o);
            }}
          >
            ⋯
          </button>
        )}
      </div>
      <div className="block-node-title">{data.label}</div>
      <div className="block-node-detail">{data.detail}</div>
      {errors.map((i, n) => (
        <div key={`e${n}`} className="block-node-issue error" role="note">
          {i.message}
        </div>
      ))}
      {warnings.map((i, n) => (
        <div key={`w${n}`} className="block-node-issue warning" role="note">
          {i.message}
        </div>
      ))}
      {open && (
        <div
          ref={menuRef}
          className="block-node-menu nodrag nowheel"
          role="menu"
          aria-label={`Actions for ${data.label}`}
          onKeyDown={(e) => {
            const items = [...(menuRef.current?.querySelectorAll<HTMLButtonElement>('button') ?? [])];
            const at = items.indexOf(document.activeElement as HTMLButtonElement);
            if (e.key === 'Escape') {
              e.stopPropagation();
              setOpen(false);
            } else if (e.key === 'ArrowDown') {
              e.preventDefault();
              items[(at + 1) % items.length]?.focus();
            } else if (e.key === 'ArrowUp') {
              e.preventDefault();
              items[(at - 1 + items.length) % items.length]?.focus();
            }
            e.stopPropagation();
          }}
        >
          {data.menu.map((m) => (
            <button
              key={m.label}
              type="button"
              role={m.checked === undefined ? 'menuitem' : 'menuitemcheckbox'}
              aria-checked={m.checked}
              className={`block-node-menu-item${m.danger ? ' danger' : ''}`}
              onClick={(e) => {
                e.stopPropagation();
                setOpen(false);
                m.run();
              }}
            >
              {m.checked !== undefined && <span aria-hidden="true">{m.checked ? '☑' : '☐'} </span>}
              {m.label}
            </button>
          ))}
        </div>
      )}
      {data.kind !== 'output' && <Handle type="source" position={Position.Right} isConnectable={data.kind === 'dsp'} />}
    </div>
  );
}
