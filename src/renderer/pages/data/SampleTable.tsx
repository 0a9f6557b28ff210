import { useEffect, useRef, type KeyboardEvent, type MouseEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { SampleRow, SampleSort } from '../../../shared/api/samples';
import { PAGE_SIZE, useDataset } from '../../stores/datasetStore';
import { formatLength } from './sampleMedia';

const ROW_HEIGHT = 34;
const MAX_BODY_HEIGHT = 520;

const COLUMNS: { key: SampleSort | null; title: string; className: string }[] = [
  { key: 'name', title: 'Name', className: 'c-name' },
  { key: 'label', title: 'Label', className: 'c-label' },
  { key: 'category', title: 'Set', className: 'c-cat' },
  { key: 'length', title: 'Length', className: 'c-len' },
  { key: null, title: 'Axes', className: 'c-axes' },
  { key: 'created', title: 'Added', className: 'c-added' },
];

function describeLength(r: SampleRow): string {
  if (r.kind === 'image') return `${r.width}×${r.height}`;
  return formatLength(r.lengthMs);
}

/** time of day for today's samples, else the date (the full date is in the tooltip) */
function shortDate(iso: string): string {
  const d = new Date(iso);
  if (d.toDateString() === new Date().toDateString()) return d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', hour12: false });
  return d.toLocaleDateString(undefined, { year: d.getFullYear() === new Date().getFullYear() ? undefined : '2-digit', month: 'short', day: 'numeric' });
}

function describeAxes(r: SampleRow): string {
  if (r.kind === 'image') return 'image';
  if (r.kind === 'audio') return `audio ${Math.round(1000 / r.intervalMs)} Hz`;
  return r.sensors.map((s) => s.name).join(', ');
}

/**
 * The dataset as a virtualised grid: only the visible rows are in the DOM, and pages of rows are
 * fetched from the server as they scroll into view, so 10 000 samples scroll smoothly.
 */
export function SampleTable() {
  const total = useDataset((s) => s.total);
  const pages = useDataset((s) => s.pages);
  const selected = useDataset((s) => s.selected);
  const viewId = useDataset((s) => s.viewId);
  const sort = useDataset((s) => s.sort);
  const descending = useDataset((s) => s.descending);
  const generation = useDataset((s) => s.generation);
  const { ensurePage, click, setSort } = useDataset.getState();
  const scrollRef = useRef<HTMLDivElement>(null);

  const count = total ?? 0;
  const virtualizer = useVirtualizer({ count, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;

  useEffect(() => {
    if (count === 0) return;
    for (let p = Math.floor(first / PAGE_SIZE); p <= Math.floor(last / PAGE_SIZE); p++) void ensurePage(p);
  }, [first, last, count, generation, ensurePage]);

  const onRowClick = (index: number) => (e: MouseEvent) => {
    e.preventDefault();
    void click(index, { shift: e.shiftKey, ctrl: e.ctrlKey || e.metaKey });
  };
  const onKey = (index: number) => (e: KeyboardEvent) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      void click(index, { shift: e.shiftKey, ctrl: e.ctrlKey || e.metaKey || e.key === ' ' });
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = Math.max(0, Math.min(count - 1, index + (e.key === 'ArrowDown' ? 1 : -1)));
      virtualizer.scrollToIndex(next);
      setTimeout(() => scrollRef.current?.querySelector<HTMLElement>(`[data-index="${next}"]`)?.focus(), 0);
    }
  };

  return (
    <div className="sample-grid" role="grid" aria-label="Samples" aria-rowcount={count + 1} aria-multiselectable="true">
      <div className="sample-grid-head" role="row">
        <span className="c-check" role="columnheader" aria-label="Selected" />
        {COLUMNS.map((c) => (
          <span
            key={c.title}
            role="columnheader"
            className={c.className}
            aria-sort={c.key && sort === c.key ? (descending ? 'descending' : 'ascending') : undefined}
          >
            {c.key ? (
              <button type="button" className="sort-btn" onClick={() => setSort(c.key!)} aria-label={`Sort by ${c.title.toLowerCase()}`}>
                {c.title}
                {sort === c.key ? (descending ? ' ▾' : ' ▴') : ''}
              </button>
            ) : (
              c.title
            )}
          </span>
        ))}
      </div>
      <div
        ref={scrollRef}
        className="sample-grid-body"
        data-testid="sample-grid-body"
        style={{ height: Math.min(MAX_BODY_HEIGHT, Math.max(4, count) * ROW_HEIGHT + 1) }}
      >
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const row = pages[Math.floor(item.index / PAGE_SIZE)]?.[item.index % PAGE_SIZE];
            const isSelected = !!row && selected.has(row.id);
            return (
              <div
                key={item.key}
                role="row"
                data-index={item.index}
                data-testid={row ? 'sample-row' : 'sample-row-loading'}
                aria-rowindex={item.index + 2}
                aria-selected={isSelected}
                tabIndex={0}
                className={`sample-row${isSelected ? ' selected' : ''}${row && row.id === viewId ? ' viewing' : ''}`}
                style={{ height: ROW_HEIGHT, transform: `translateY(${item.start}px)` }}
                onClick={row ? onRowClick(item.index) : undefined}
                onKeyDown={row ? onKey(item.index) : undefined}
              >
                {row ? (
                  <>
                    <span className="c-check" role="gridcell">
                      <input
                        type="checkbox"
                        checked={isSelected}
                        aria-label={`Select ${row.name}`}
                        tabIndex={-1}
                        onClick={(e) => {
                          e.stopPropagation();
                          void click(item.index, { shift: e.shiftKey, ctrl: true });
                        }}
                        onChange={() => {}}
                      />
                    </span>
                    <span className="c-name" role="gridcell" title={row.name}>
                      {row.name}
                      {row.status === 'truncated' && (
                        <span className="badge badge-failed" title={row.note ?? 'cut short'}>
                          cut short
                        </span>
                      )}
                    </span>
                    <span className="c-label" role="gridcell">
                      {row.label}
                    </span>
                    <span className="c-cat" role="gridcell">
                      <span className={`badge cat-${row.category}`}>{row.category}</span>
                    </span>
                    <span className="c-len num" role="gridcell">
                      {describeLength(row)}
                    </span>
                    <span className="c-axes muted" role="gridcell" title={describeAxes(row)}>
                      {describeAxes(row)}
                    </span>
                    <span className="c-added muted" role="gridcell" title={new Date(row.createdAt).toLocaleString()}>
                      {shortDate(row.createdAt)}
                    </span>
                  </>
                ) : (
                  <span className="muted loading-cell">Loading…</span>
                )}
              </div>
            );
          })}
        </div>
        {total === 0 && <p className="muted grid-empty">No samples match this filter.</p>}
      </div>
    </div>
  );
}
