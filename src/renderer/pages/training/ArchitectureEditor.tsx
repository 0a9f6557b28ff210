import { lazy, Suspense, useMemo, useState } from 'react';
import { analyzeSpec, type SpecAnalysis } from '../../../shared/model/shapes';
import { modelSpecSchema, type LayerSpec, type ModelSpecInput, type OutputHead } from '../../../shared/model/spec';

const SpecJsonEditor = lazy(() => import('./SpecJsonEditor'));

type LayerInput = ModelSpecInput['layers'][number];
type LayerType = LayerInput['type'];

const LAYER_TITLES: Record<LayerType, string> = {
  dense: 'Dense',
  conv1d: '1D convolution',
  conv2d: '2D convolution',
  maxPool1d: 'Max pool 1D',
  avgPool1d: 'Average pool 1D',
  maxPool2d: 'Max pool 2D',
  avgPool2d: 'Average pool 2D',
  dropout: 'Dropout',
  flatten: 'Flatten',
  reshape: 'Reshape',
  batchNorm: 'Batch normalization',
};

/** A new layer of a type with sensible defaults. */
export function newLayer(type: LayerType): LayerInput {
  switch (type) {
    case 'dense':
      return { type, units: 16, activation: 'relu' };
    case 'conv1d':
    case 'conv2d':
      return { type, filters: 8, kernelSize: 3, strides: 1, padding: 'same', activation: 'relu' };
    case 'maxPool1d':
    case 'avgPool1d':
    case 'maxPool2d':
    case 'avgPool2d':
      return { type, poolSize: 2, padding: 'same' };
    case 'dropout':
      return { type, rate: 0.25 };
    case 'flatten':
      return { type };
    case 'reshape':
      return { type, targetShape: [-1, 1] };
    case 'batchNorm':
      return { type };
  }
}

/** Parse + analyse a draft: schema errors first (with the layer), then shape errors. */
export function checkDraft(
  draft: ModelSpecInput,
  head: OutputHead,
): { analysis: SpecAnalysis | null; schemaError: { layer: number | null; message: string } | null } {
  const r = modelSpecSchema.safeParse(draft);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const layer = issue.path[0] === 'layers' && typeof issue.path[1] === 'number' ? issue.path[1] : null;
    const field = issue.path.slice(layer === null ? 0 : 2).join('.');
    return {
      analysis: null,
      schemaError: { layer, message: `${layer !== null ? `Layer ${layer + 1}` : 'Model'}${field ? ` field "${field}"` : ''}: ${issue.message}` },
    };
  }
  return { analysis: analyzeSpec(r.data as never, head), schemaError: null };
}

function fmtShape(s: readonly number[] | undefined): string {
  return s ? `[${s.join(', ')}]` : '—';
}

function NumField({
  label,
  value,
  onChange,
  min,
  step,
  testId,
}: {
  label: string;
  value: number | undefined;
  onChange: (v: number) => void;
  min?: number;
  step?: number;
  testId?: string;
}) {
  return (
    <label className="layer-param">
      <span>{label}</span>
      <input
        type="number"
        value={value ?? ''}
        min={min}
        step={step ?? 1}
        onChange={(e) => onChange(e.target.value === '' ? NaN : Number(e.target.value))}
        data-testid={testId}
      />
    </label>
  );
}

function SelectField<T extends string>({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: T | undefined;
  options: readonly T[];
  onChange: (v: T) => void;
}) {
  return (
    <label className="layer-param">
      <span>{label}</span>
      <select value={value} onChange={(e) => onChange(e.target.value as T)}>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
}

const ACTIVATIONS = ['relu', 'relu6', 'tanh', 'sigmoid', 'linear'] as const;
const PADDINGS = ['same', 'valid'] as const;

function LayerParams({ layer, onChange }: { layer: LayerInput; onChange: (l: LayerInput) => void }) {
  const set = (patch: Record<string, unknown>) => onChange({ ...layer, ...patch } as LayerInput);
  switch (layer.type) {
    case 'dense':
      return (
        <>
          <NumField label="Units" value={layer.units} min={1} onChange={(units) => set({ units })} />
          <SelectField label="Activation" value={layer.activation ?? 'relu'} options={ACTIVATIONS} onChange={(activation) => set({ activation })} />
        </>
      );
    case 'conv1d':
    case 'conv2d':
      return (
        <>
          <NumField label="Filters" value={layer.filters} min={1} onChange={(filters) => set({ filters })} />
          <NumField label="Kernel" value={layer.kernelSize} min={1} onChange={(kernelSize) => set({ kernelSize })} />
          <NumField label="Stride" value={layer.strides ?? 1} min={1} onChange={(strides) => set({ strides })} />
          <SelectField label="Padding" value={layer.padding ?? 'same'} options={PADDINGS} onChange={(padding) => set({ padding })} />
          <SelectField label="Activation" value={layer.activation ?? 'relu'} options={ACTIVATIONS} onChange={(activation) => set({ activation })} />
        </>
      );
    case 'maxPool1d':
    case 'avgPool1d':
    case 'maxPool2d':
    case 'avgPool2d':
      return (
        <>
          <NumField label="Pool size" value={layer.poolSize ?? 2} min={1} onChange={(poolSize) => set({ poolSize })} />
          <NumField label="Stride" value={layer.strides ?? layer.poolSize ?? 2} min={1} onChange={(strides) => set({ strides })} />
          <SelectField label="Padding" value={layer.padding ?? 'same'} options={PADDINGS} onChange={(padding) => set({ padding })} />
        </>
      );
    case 'dropout':
      return <NumField label="Rate" value={layer.rate} min={0} step={0.05} onChange={(rate) => set({ rate })} />;
    case 'reshape':
      return (
        <label className="layer-param wide">
          <span>Target shape</span>
          <input
            defaultValue={layer.targetShape.join(', ')}
            placeholder="e.g. -1, 13"
            onChange={(e) =>
              set({
                targetShape: e.target.value
                  .split(',')
                  .map((x) => x.trim())
                  .filter(Boolean)
                  .map(Number),
              })
            }
          />
        </label>
      );
    default:
      return <span className="muted small">no parameters</span>;
  }
}

/**
 * The network of a learning block as a list of layers (add / remove / reorder, parameters per
 * layer, output shape and parameter count per layer, invalid stacks explained), or as a JSON
 * document in Monaco (expert mode). Both edit the same draft.
 */
export function ArchitectureEditor({
  draft,
  head,
  onChange,
  onReset,
  readOnly,
}: {
  draft: ModelSpecInput;
  head: OutputHead;
  onChange: (s: ModelSpecInput) => void;
  onReset: () => void;
  readOnly?: boolean;
}) {
  const [mode, setMode] = useState<'visual' | 'json'>('visual');
  const [addType, setAddType] = useState<LayerType>('dense');
  const { analysis, schemaError } = useMemo(() => checkDraft(draft, head), [draft, head]);
  const layers = draft.layers;
  const infoAt = (i: number) => analysis?.layers.find((l) => l.index === i + 1);
  const badLayer = schemaError ? schemaError.layer : analysis && !analysis.ok ? analysis.layerIndex - 1 : null;
  const update = (i: number, l: LayerInput) => onChange({ ...draft, layers: layers.map((x, j) => (j === i ? l : x)) });
  const move = (i: number, d: -1 | 1) => {
    const next = [...layers];
    const [l] = next.splice(i, 1);
    next.splice(i + d, 0, l!);
    onChange({ ...draft, layers: next });
  };
  const remove = (i: number) => onChange({ ...draft, layers: layers.filter((_, j) => j !== i) });
  const output = analysis?.layers.find((l) => l.type === 'output');

  return (
    <div className="arch" data-testid="architecture">
      <div className="row arch-head">
        <div className="tabs" role="tablist" aria-label="Editor mode">
          <button role="tab" aria-selected={mode === 'visual'} className={mode === 'visual' ? 'tab active' : 'tab'} onClick={() => setMode('visual')}>
            Layers
          </button>
          <button
            role="tab"
            aria-selected={mode === 'json'}
            className={mode === 'json' ? 'tab active' : 'tab'}
            onClick={() => setMode('json')}
            data-testid="expert-mode"
          >
            Expert mode (JSON)
          </button>
        </div>
        <span className="spacer" />
        <button className="btn btn-small" onClick={onReset} disabled={readOnly}>
          Reset to default
        </button>
      </div>

      {mode === 'json' ? (
        <Suspense fallback={<div className="muted">Loading editor…</div>}>
          <SpecJsonEditor draft={draft} head={head} onChange={onChange} />
        </Suspense>
      ) : (
        <ol className="layers" aria-label="Layers">
          <li className="layer layer-io">
            <div className="layer-title">Input</div>
            <div className="layer-shape">{fmtShape(draft.inputShape)}</div>
          </li>
          {layers.map((l, i) => {
            const info = infoAt(i);
            const bad = badLayer === i;
            return (
              <li key={i} className={bad ? 'layer layer-bad' : 'layer'} data-testid={`layer-${i + 1}`}>
                <div className="layer-main">
                  <div className="layer-title">
                    <span className="layer-index">{i + 1}</span> {LAYER_TITLES[l.type]}
                  </div>
                  <div className="layer-params">
                    <LayerParams layer={l} onChange={(x) => update(i, x)} />
                  </div>
                </div>
                <div className="layer-side">
                  <div className="layer-shape" title="output shape">
                    → {fmtShape(info?.outputShape)}
                  </div>
                  <div className="muted small">{info ? `${info.params.toLocaleString()} params` : ''}</div>
                  <div className="layer-actions">
                    <button className="icon-btn" aria-label={`Move layer ${i + 1} up`} disabled={i === 0 || readOnly} onClick={() => move(i, -1)}>
                      ↑
                    </button>
                    <button
                      className="icon-btn"
                      aria-label={`Move layer ${i + 1} down`}
                      disabled={i === layers.length - 1 || readOnly}
                      onClick={() => move(i, 1)}
                    >
                      ↓
                    </button>
                    <button className="icon-btn danger" aria-label={`Remove layer ${i + 1}`} disabled={readOnly} onClick={() => remove(i)}>
                      ×
                    </button>
                  </div>
                </div>
              </li>
            );
          })}
          <li className={badLayer === layers.length ? 'layer layer-io layer-bad' : 'layer layer-io'}>
            <div className="layer-title">Output ({head.kind === 'classification' ? `${head.classes} classes, softmax` : '1 value'})</div>
            <div className="layer-side">
              <div className="layer-shape">→ {fmtShape(output?.outputShape)}</div>
              <div className="muted small">{output ? `${output.params.toLocaleString()} params` : ''}</div>
            </div>
          </li>
        </ol>
      )}

      {schemaError || (analysis && !analysis.ok) ? (
        <p className="error-text" role="alert" data-testid="spec-error">
          {schemaError ? schemaError.message : analysis && !analysis.ok ? analysis.message : ''}
        </p>
      ) : analysis?.ok ? (
        <p className="muted small" data-testid="spec-totals">
          {analysis.totalParams.toLocaleString()} parameters · {analysis.totalMacs.toLocaleString()} MACs per inference
        </p>
      ) : null}

      {mode === 'visual' && (
        <div className="row">
          <label className="sr-only" htmlFor="add-layer-type">
            Layer type
          </label>
          <select id="add-layer-type" value={addType} onChange={(e) => setAddType(e.target.value as LayerType)} data-testid="add-layer-type">
            {(Object.keys(LAYER_TITLES) as LayerType[]).map((t) => (
              <option key={t} value={t}>
                {LAYER_TITLES[t]}
              </option>
            ))}
          </select>
          <button
            className="btn btn-small"
            disabled={readOnly}
            onClick={() => onChange({ ...draft, layers: [...layers, newLayer(addType) as LayerSpec] })}
            data-testid="add-layer"
          >
            Add layer
          </button>
        </div>
      )}
    </div>
  );
}
