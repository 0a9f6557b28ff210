/** Settings of the selected block beside the canvas: the input window, a block's axes and connections. */
import { useId } from 'react';
import {
  INPUT_NODE_ID,
  OUTPUT_NODE_ID,
  dspOutputLength,
  learningInputLength,
  learningTitles,
  type Impulse,
  type ImageInput,
  type TimeSeriesInput,
} from '../../../shared/impulse/impulse';
import { catalogFor, useImpulse } from '../../stores/impulseStore';
import { NumberField } from './fields';

export function Inspector({ selected, onOpenBlock }: { selected: string | null; onOpenBlock: (id: string) => void }) {
  const impulse = useImpulse((s) => s.impulse);
  const facts = useImpulse((s) => s.facts);
  const custom = useImpulse((s) => s.customBlocks);
  const remove = useImpulse((s) => s.remove);
  if (!impulse) return null;
  if (!selected) {
    return (
      <aside className="inspector card" aria-label="Block settings">
        <h2>Block settings</h2>
        <p className="muted">
          Select a block (click it, or Tab to it) to change its settings here. Double-click a processing block, press Enter on it, or use its ⋯ menu to open its
          parameters and preview.
        </p>
      </aside>
    );
  }
  if (selected === INPUT_NODE_ID) return <InputSettings impulse={impulse} factsAxes={facts.axes} />;
  if (selected === OUTPUT_NODE_ID) {
    return (
      <aside className="inspector card" aria-label="Block settings">
        <h2>Output features</h2>
        <p className="muted">What the learning blocks produce. It has no settings.</p>
      </aside>
    );
  }
  const dsp = impulse.dsp.find((d) => d.id === selected);
  if (dsp) {
    const length = dspOutputLength(impulse, dsp, catalogFor(custom));
    return (
      <aside className="inspector card" aria-label="Block settings">
        <h2>{dsp.title || dsp.block}</h2>
        <TitleField id={dsp.id} title={dsp.title} />
        {impulse.input.type === 'time-series' && <AxesField impulse={impulse} blockId={dsp.id} />}
        <p className="small">
          <span className="muted">Output: </span>
          {length === null ? 'unknown until it runs' : `${length} features per window`}
        </p>
        <ConnectionsField impulse={impulse} id={dsp.id} />
        <div className="row">
          <button type="button" className="btn btn-primary btn-small" onClick={() => onOpenBlock(dsp.id)}>
            Parameters &amp; preview
          </button>
          <button type="button" className="btn btn-danger-ghost btn-small" onClick={() => remove(dsp.id)}>
            Delete block
          </button>
        </div>
      </aside>
    );
  }
  const learning = impulse.learning.find((l) => l.id === selected);
  if (learning) {
    const length = learningInputLength(impulse, learning.id, catalogFor(custom));
    return (
      <aside className="inspector card" aria-label="Block settings">
        <h2>{learning.title || learningTitles[learning.type]}</h2>
        <TitleField id={learning.id} title={learning.title} />
        <p className="small">
          <span className="muted">Type: </span>
          {learningTitles[learning.type]}
          <br />
          <span className="muted">Input: </span>
          {length === null ? 'unknown' : `${length} features`}
        </p>
        <ConnectionsField impulse={impulse} id={learning.id} />
        <button type="button" className="btn btn-danger-ghost btn-small" onClick={() => remove(learning.id)}>
          Delete block
        </button>
      </aside>
    );
  }
  return null;
}

function TitleField({ id, title }: { id: string; title: string }) {
  const setTitle = useImpulse((s) => s.setTitle);
  const fid = useId();
  return (
    <div className="field">
      <label htmlFor={fid}>Name</label>
      <input id={fid} value={title} maxLength={80} onChange={(e) => setTitle(id, e.target.value)} />
    </div>
  );
}

/** Which input axes a processing block reads. */
export function AxesField({ impulse, blockId }: { impulse: Impulse; blockId: string }) {
  const updateDsp = useImpulse((s) => s.updateDsp);
  const dsp = impulse.dsp.find((d) => d.id === blockId);
  if (!dsp || impulse.input.type !== 'time-series') return null;
  const inputAxes = impulse.input.axes;
  return (
    <fieldset className="field axes-field">
      <legend>Axes it reads</legend>
      {inputAxes.map((a) => (
        <label key={a} className="check">
          <input
            type="checkbox"
            checked={dsp.axes.includes(a)}
            onChange={(e) =>
              updateDsp(dsp.id, { axes: e.target.checked ? inputAxes.filter((x) => x === a || dsp.axes.includes(x)) : dsp.axes.filter((x) => x !== a) })
            }
          />{' '}
          {a}
        </label>
      ))}
      {dsp.axes
        .filter((a) => !inputAxes.includes(a))
        .map((a) => (
          <label key={a} className="check error-text">
            <input type="checkbox" checked onChange={() => updateDsp(dsp.id, { axes: dsp.axes.filter((x) => x !== a) })} /> {a} (not an input axis)
          </label>
        ))}
    </fieldset>
  );
}

/** Connect / disconnect with checkboxes: a processing block lists learning blocks and the reverse. */
function ConnectionsField({ impulse, id }: { impulse: Impulse; id: string }) {
  const connect = useImpulse((s) => s.connect);
  const disconnect = useImpulse((s) => s.disconnect);
  const isDsp = impulse.dsp.some((d) => d.id === id);
  const others = isDsp ? impulse.learning.map((l) => ({ id: l.id, title: l.title || l.id })) : impulse.dsp.map((d) => ({ id: d.id, title: d.title || d.id }));
  const linked = (other: string) => impulse.learning.some((l) => l.id === (isDsp ? other : id) && l.inputs.includes(isDsp ? id : other));
  return (
    <fieldset className="field">
      <legend>{isDsp ? 'Feeds learning blocks' : 'Reads processing blocks'}</legend>
      {others.length === 0 && (
        <span className="muted small">{isDsp ? 'No learning block yet: add one from the list.' : 'No processing block yet: add one from the list.'}</span>
      )}
      {others.map((o) => (
        <label key={o.id} className="check">
          <input
            type="checkbox"
            checked={linked(o.id)}
            onChange={(e) => {
              const [d, l] = isDsp ? [id, o.id] : [o.id, id];
              if (e.target.checked) connect(d, l);
              else disconnect(d, l);
            }}
          />{' '}
          {o.title}
        </label>
      ))}
    </fieldset>
  );
}

function InputSettings({ impulse, factsAxes }: { impulse: Impulse; factsAxes: string[] }) {
  const setInput = useImpulse((s) => s.setInput);
  const input = impulse.input;
  const typeId = useId();
  const lastSeries: TimeSeriesInput =
    input.type === 'time-series'
      ? input
      : { type: 'time-series', windowSizeMs: 2000, windowIncreaseMs: 200, frequencyHz: 62.5, zeroPad: true, axes: factsAxes.length ? factsAxes : ['accX'] };
  const lastImage: ImageInput = input.type === 'image' ? input : { type: 'image', width: 96, height: 96, resizeMode: 'fit-short' };
  return (
    <aside className="inspector card" aria-label="Block settings">
      <h2>Input block</h2>
      <div className="field">
        <label htmlFor={typeId}>Data</label>
        <select id={typeId} value={input.type} onChange={(e) => setInput(e.target.value === 'image' ? lastImage : lastSeries)}>
          <option value="time-series">Time series</option>
          <option value="image">Images</option>
        </select>
      </div>
      {input.type === 'time-series' ? (
        <>
          <NumberField
            label="Window size"
            unit="ms"
            value={input.windowSizeMs}
            above={0}
            max={3_600_000}
            onChange={(v) => setInput({ ...input, windowSizeMs: v })}
            testId="input-window"
          />
          <NumberField
            label="Window increase"
            unit="ms"
            value={input.windowIncreaseMs}
            above={0}
            max={3_600_000}
            onChange={(v) => setInput({ ...input, windowIncreaseMs: v })}
            help="Step between the starts of two windows"
          />
          <NumberField
            label="Frequency"
            unit="Hz"
            value={input.frequencyHz}
            above={0}
            max={1_000_000}
            onChange={(v) => setInput({ ...input, frequencyHz: v })}
          />
          <label className="check check-line">
            <input type="checkbox" checked={input.zeroPad} onChange={(e) => setInput({ ...input, zeroPad: e.target.checked })} /> Zero-pad samples shorter than
            a window
          </label>
          <fieldset className="field axes-field">
            <legend>Axes</legend>
            {[...new Set([...factsAxes, ...input.axes])].map((a) => (
              <label key={a} className={`check${factsAxes.length && !factsAxes.includes(a) ? ' error-text' : ''}`}>
                <input
                  type="checkbox"
                  checked={input.axes.includes(a)}
                  onChange={(e) => {
                    const all = [...new Set([...factsAxes, ...input.axes])];
                    const axes = e.target.checked ? all.filter((x) => x === a || input.axes.includes(x)) : input.axes.filter((x) => x !== a);
                    if (axes.length) setInput({ ...input, axes });
                  }}
                />{' '}
                {a}
                {factsAxes.length > 0 && !factsAxes.includes(a) ? ' (not in the data)' : ''}
              </label>
            ))}
            {input.axes.length === 1 && <span className="muted small">The input needs at least one axis.</span>}
          </fieldset>
        </>
      ) : (
        <>
          <NumberField label="Width" unit="px" integer min={1} max={4096} value={input.width} onChange={(v) => setInput({ ...input, width: v })} />
          <NumberField label="Height" unit="px" integer min={1} max={4096} value={input.height} onChange={(v) => setInput({ ...input, height: v })} />
          <div className="field">
            <label htmlFor={`${typeId}-resize`}>Resize mode</label>
            <select
              id={`${typeId}-resize`}
              value={input.resizeMode}
              onChange={(e) => setInput({ ...input, resizeMode: e.target.value as ImageInput['resizeMode'] })}
            >
              <option value="squash">Squash (stretch to size)</option>
              <option value="fit-short">Fit shortest side (crop)</option>
              <option value="fit-long">Fit longest side (pad)</option>
            </select>
          </div>
        </>
      )}
    </aside>
  );
}
