/** The blocks that can be added: drag one onto the canvas, or press it (click / Enter) to add it in the next free place. */
import type { BlockDescriptor, LearningBlockType } from '../../../shared/impulse/impulse';
import { learningTitles } from '../../../shared/impulse/impulse';

export const DRAG_TYPE = 'application/x-kiln-block';

/** What a palette entry adds: `dsp:<block name>` or `learning:<type>`. */
export type PaletteItem = { kind: 'dsp'; name: string } | { kind: 'learning'; type: LearningBlockType };

export function encodeItem(item: PaletteItem): string {
  return item.kind === 'dsp' ? `dsp:${item.name}` : `learning:${item.type}`;
}

export function decodeItem(s: string): PaletteItem | null {
  if (s.startsWith('dsp:') && s.length > 4) return { kind: 'dsp', name: s.slice(4) };
  const t = s.slice(9) as LearningBlockType;
  if (s.startsWith('learning:') && t in learningTitles) return { kind: 'learning', type: t };
  return null;
}

const learningHelp: Record<LearningBlockType, string> = {
  classification: 'Learns the labels (a neural network)',
  regression: 'Learns a number',
  'anomaly-kmeans': 'Flags windows unlike the training data (K-means)',
  'anomaly-gmm': 'Flags windows unlike the training data (Gaussian mixture)',
};

export function Palette({ blocks, inputType, onAdd }: { blocks: BlockDescriptor[]; inputType: 'time-series' | 'image'; onAdd: (item: PaletteItem) => void }) {
  const entry = (item: PaletteItem, title: string, help: string, disabledReason?: string) => (
    <li key={encodeItem(item)}>
      <button
        type="button"
        className="palette-item"
        draggable={!disabledReason}
        data-testid={`palette-${encodeItem(item)}`}
        title={disabledReason ?? `${help}. Drag onto the canvas, or press to add.`}
        aria-disabled={disabledReason ? true : undefined}
        onDragStart={(e) => {
          e.dataTransfer.setData(DRAG_TYPE, encodeItem(item));
          e.dataTransfer.setData('text/plain', encodeItem(item));
          e.dataTransfer.effectAllowed = 'copy';
        }}
        onClick={() => !disabledReason && onAdd(item)}
      >
        <span className="palette-title">{title}</span>
        <span className="palette-help muted small">{disabledReason ?? help}</span>
      </button>
    </li>
  );
  return (
    <aside className="palette card" aria-label="Blocks">
      <h2 className="palette-head">Processing blocks</h2>
      <ul>
        {blocks.map((b) =>
          entry(
            { kind: 'dsp', name: b.name },
            b.title,
            b.custom ? 'Your custom block' : b.singleAxis ? 'Audio: reads one axis' : b.inputKind === 'image' ? 'Images' : 'Time series',
            b.inputKind !== inputType
              ? `Reads ${b.inputKind === 'image' ? 'images' : 'time series'}; the input gives ${inputType === 'image' ? 'images' : 'time series'}`
              : undefined,
          ),
        )}
      </ul>
      <h2 className="palette-head">Learning blocks</h2>
      <ul>{(Object.keys(learningTitles) as LearningBlockType[]).map((t) => entry({ kind: 'learning', type: t }, learningTitles[t], learningHelp[t]))}</ul>
    </aside>
  );
}
