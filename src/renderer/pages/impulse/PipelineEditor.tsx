/** The impulse as a graph: input → processing blocks → learning blocks → output, edited on an @xyflow/react canvas. */
import { Background, Controls, ReactFlow, ReactFlowProvider, useReactFlow, type Connection, type Edge, type EdgeChange, type NodeChange } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import {
  INPUT_NODE_ID,
  OUTPUT_NODE_ID,
  builtinDescriptors,
  impulseGraph,
  type GraphNode,
  type Impulse,
  type ImpulseIssue,
} from '../../../shared/impulse/impulse';
import { useApp } from '../../stores/appStore';
import { catalogFor, useImpulse, type XY } from '../../stores/impulseStore';
import { BlockNode, type BlockFlowNode, type MenuItem } from './BlockNode';
import { Inspector } from './Inspector';
import { DRAG_TYPE, Palette, decodeItem, type PaletteItem } from './Palette';

const nodeTypes = { block: BlockNode };
const COLUMN_X = [0, 250, 500, 750];
const ROW_H = 170;

function defaultPosition(n: GraphNode): XY {
  return { x: COLUMN_X[n.column] ?? 0, y: n.row * ROW_H };
}

/** Issues that belong on a node: its own, and the input block's for the input node. */
function issuesFor(id: string, issues: ImpulseIssue[]): ImpulseIssue[] {
  if (id === INPUT_NODE_ID) return issues.filter((i) => i.path === 'input' || i.path.startsWith('input.'));
  return issues.filter((i) => i.blockId === id);
}

export function PipelineEditor(props: { issues: ImpulseIssue[]; onOpenBlock: (id: string) => void }) {
  return (
    <ReactFlowProvider>
      <Editor {...props} />
    </ReactFlowProvider>
  );
}

function Editor({ issues, onOpenBlock }: { issues: ImpulseIssue[]; onOpenBlock: (id: string) => void }) {
  const impulse = useImpulse((s) => s.impulse)!;
  const custom = useImpulse((s) => s.customBlocks);
  const positions = useImpulse((s) => s.positions);
  const { addDsp, addLearning, remove, connect, disconnect, moveNode } = useImpulse.getState();
  const theme = useApp((s) => s.theme);
  const flow = useReactFlow();
  const [selected, setSelected] = useState<string | null>(null);
  const [selectedEdge, setSelectedEdge] = useState<string | null>(null);
  const [dragPos, setDragPos] = useState<Record<string, XY>>({});
  const lastClick = useRef<{ id: string; at: number } | null>(null);
  const canvasRef = useRef<HTMLDivElement>(null);

  // focusing a node outside the view would scroll the canvas box itself (it clips, so the graph
  // would slide under the page); undo that scroll — the viewport pans to the node instead
  useEffect(() => {
    const el = canvasRef.current;
    if (!el) return;
    const onScroll = (e: Event) => {
      const t = e.target as HTMLElement;
      if (t instanceof HTMLElement && el.contains(t) && (t.scrollTop || t.scrollLeft)) {
        t.scrollTop = 0;
        t.scrollLeft = 0;
      }
    };
    el.addEventListener('scroll', onScroll, true);
    return () => el.removeEventListener('scroll', onScroll, true);
  }, []);
  const catalog = useMemo(() => catalogFor(custom), [custom]);
  const graph = useMemo(() => impulseGraph(impulse, catalog), [impulse, catalog]);

  const blocks = useMemo(() => [...builtinDescriptors(), ...custom.map((c) => catalog(`custom:${c.name}`)!).filter(Boolean)], [custom, catalog]);

  const nodes: BlockFlowNode[] = useMemo(
    () =>
      graph.nodes.map((n) => ({
        id: n.id,
        type: 'block',
        position: dragPos[n.id] ?? positions[n.id] ?? defaultPosition(n),
        selected: n.id === selected,
        deletable: n.kind === 'dsp' || n.kind === 'learning',
        ariaLabel: `${n.label} (${n.kind === 'dsp' ? 'processing' : n.kind} block)`,
        data: {
          kind: n.kind,
          label: n.label,
          detail: n.detail,
          issues: issuesFor(n.id, issues),
          menu: menuFor(impulse, n, { remove, connect, disconnect, onOpenBlock }),
          ...(n.kind === 'dsp' ? { onOpen: () => onOpenBlock(n.id) } : {}),
        },
      })),
    [graph, dragPos, positions, selected, issues, impulse, remove, connect, disconnect, onOpenBlock],
  );

  const edges: Edge[] = useMemo(
    () =>
      graph.edges.map((e) => {
        const editable = e.from !== INPUT_NODE_ID && e.to !== OUTPUT_NODE_ID;
        return {
          id: e.id,
          source: e.from,
          target: e.to,
          deletable: editable,
          selectable: editable,
          selected: e.id === selectedEdge,
          className: editable ? 'edge-feature' : 'edge-fixed',
          ariaLabel: `${e.from} to ${e.to}`,
        };
      }),
    [graph, selectedEdge],
  );

  const onNodesChange = useCallback(
    (changes: NodeChange<BlockFlowNode>[]) => {
      for (const c of changes) {
        if (c.type === 'position') {
          if (c.position) {
            const p = c.position;
            setDragPos((d) => ({ ...d, [c.id]: p }));
          }
          if (c.dragging === false) {
            setDragPos((d) => {
              const p = d[c.id];
              if (p) moveNode(c.id, p);
              const { [c.id]: _, ...rest } = d;
              return rest;
            });
          }
        } else if (c.type === 'select') {
          setSelected((s) => (c.selected ? c.id : s === c.id ? null : s));
        }
      }
    },
    [moveNode],
  );

  const onEdgesChange = useCallback((changes: EdgeChange[]) => {
    for (const c of changes) if (c.type === 'select') setSelectedEdge((s) => (c.selected ? c.id : s === c.id ? null : s));
  }, []);

  const onConnect = useCallback(
    (c: Connection) => {
      const isDsp = impulse.dsp.some((d) => d.id === c.source);
      const isLearning = impulse.learning.some((l) => l.id === c.target);
      if (isDsp && isLearning) connect(c.source, c.target);
    },
    [impulse, connect],
  );

  const isValidConnection = useCallback(
    (c: Connection | Edge) => impulse.dsp.some((d) => d.id === c.source) && impulse.learning.some((l) => l.id === c.target),
    [impulse],
  );

  /** next free place in the block's column */
  const placeFor = (column: 1 | 2): XY => {
    const ys = graph.nodes.filter((n) => n.column === column).map((n) => (positions[n.id] ?? defaultPosition(n)).y);
    return { x: COLUMN_X[column]!, y: ys.length ? Math.max(...ys) + ROW_H : 0 };
  };

  const add = (item: PaletteItem, at?: XY) => {
    const id = item.kind === 'dsp' ? addDsp(item.name, at ?? placeFor(1)) : addLearning(item.type, at ?? placeFor(2));
    if (id) setSelected(id);
  };

  const onDrop = (e: DragEvent) => {
    const item = decodeItem(e.dataTransfer.getData(DRAG_TYPE) || e.dataTransfer.getData('text/plain'));
    if (!item) return;
    e.preventDefault();
    add(item, flow.screenToFlowPosition({ x: e.clientX - 110, y: e.clientY - 30 }));
  };

  return (
    <div className="pipeline">
      <Palette blocks={blocks} inputType={impulse.input.type} onAdd={(item) => add(item)} />
      <div
        ref={canvasRef}
        className="pipeline-canvas card"
        data-testid="pipeline-canvas"
        onDragOver={(e) => {
          if ([...e.dataTransfer.types].includes(DRAG_TYPE) || [...e.dataTransfer.types].includes('text/plain')) {
            e.preventDefault();
            e.dataTransfer.dropEffect = 'copy';
          }
        }}
        onDrop={onDrop}
        onKeyDown={(e) => {
          const el = e.target as HTMLElement;
          const id = el.classList.contains('react-flow__node') ? el.dataset.id : undefined;
          if (!id) return;
          if (e.key === 'Enter' && impulse.dsp.some((d) => d.id === id) && selected === id) onOpenBlock(id);
          else if (e.key === 'Enter' || e.key === ' ') setSelected(id);
        }}
      >
        <ReactFlow<BlockFlowNode, Edge>
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          onNodesChange={onNodesChange}
          onEdgesChange={onEdgesChange}
          onConnect={onConnect}
          isValidConnection={isValidConnection}
          onNodesDelete={(ns) => ns.forEach((n) => remove(n.id))}
          onEdgesDelete={(es) => es.forEach((e) => disconnect(e.source, e.target))}
          onNodeDoubleClick={(_, n) => impulse.dsp.some((d) => d.id === n.id) && onOpenBlock(n.id)}
          onNodeClick={(e, n) => {
            // a second click on the same block within 450 ms opens it (the canvas re-renders between clicks, so the browser's dblclick is unreliable)
            const last = lastClick.current;
            lastClick.current = { id: n.id, at: e.timeStamp };
            if (last && last.id === n.id && e.timeStamp - last.at < 450 && impulse.dsp.some((d) => d.id === n.id)) onOpenBlock(n.id);
          }}
          onPaneClick={() => {
            setSelected(null);
            setSelectedEdge(null);
          }}
          deleteKeyCode={['Delete', 'Backspace']}
          zoomOnDoubleClick={false}
          autoPanOnNodeFocus
          colorMode={theme}
          fitView
          fitViewOptions={{ padding: 0.15, maxZoom: 1 }}
          minZoom={0.3}
          maxZoom={1.5}
          proOptions={{ hideAttribution: true }}
        >
          <Background gap={20} />
          <Controls showInteractive={false} />
        </ReactFlow>
      </div>
      <Inspector selected={selected} onOpenBlock={onOpenBlock} />
    </div>
  );
}

function menuFor(
  impulse: Impulse,
  n: GraphNode,
  a: { remove: (id: string) => void; connect: (d: string, l: string) => void; disconnect: (d: string, l: string) => void; onOpenBlock: (id: string) => void },
): MenuItem[] {
  if (n.kind === 'dsp') {
    return [
      { label: 'Parameters & preview', run: () => a.onOpenBlock(n.id) },
      ...impulse.learning.map((l) => {
        const on = l.inputs.includes(n.id);
        return { label: `Feeds ${l.title || l.id}`, checked: on, run: () => (on ? a.disconnect(n.id, l.id) : a.connect(n.id, l.id)) };
      }),
      { label: 'Delete block', danger: true, run: () => a.remove(n.id) },
    ];
  }
  if (n.kind === 'learning') {
    const l = impulse.learning.find((b) => b.id === n.id)!;
    return [
      ...impulse.dsp.map((d) => {
        const on = l.inputs.includes(d.id);
        return { label: `Reads ${d.title || d.id}`, checked: on, run: () => (on ? a.disconnect(d.id, l.id) : a.connect(d.id, l.id)) };
      }),
      { label: 'Delete block', danger: true, run: () => a.remove(n.id) },
    ];
  }
  return [];
}
