/** Form fields of the impulse pages: numbers that show a bad value inline and do not apply it, and the generated DSP parameter form. */
import { useEffect, useId, useState } from 'react';
import type { ParamSpec, ParamValue } from '../../../shared/dsp/block';
import { visibleParams } from '../../../shared/dsp/index';

export interface NumberFieldProps {
  label: string;
  value: number;
  onChange: (v: number) => void;
  min?: number;
  max?: number;
  /** exclusive lower bound (e.g. "more than 0") */
  above?: number;
  integer?: boolean;
  unit?: string;
  help?: string;
  testId?: string;
}

/** Checks a typed number; returns the value or the message to show. */
export function checkNumber(text: string, o: Pick<NumberFieldProps, 'min' | 'max' | 'above' | 'integer'>): { value: number } | { error: string } {
  if (text.trim() === '') return { error: 'Enter a number' };
  const v = Number(text.trim().replace(',', '.'));
  if (!Number.isFinite(v)) return { error: `"${text}" is not a number` };
  if (o.integer && !Number.isInteger(v)) return { error: 'Enter a whole number' };
  if (o.above !== undefined && !(v > o.above)) return { error: `Must be more than ${o.above}` };
  if (o.min !== undefined && v < o.min) return { error: `Must be at least ${o.min}` };
  if (o.max !== undefined && v > o.max) return { error: `Must be at most ${o.max}` };
  return { value: v };
}

/** A number input: valid values apply at once, invalid ones stay in the box with the reason and are not applied. */
export function NumberField({ label, value, onChange, unit, help, testId, ...limits }: NumberFieldProps) {
  const id = useId();
  const [text, setText] = useState(String(value));
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    // follow outside changes (undo, another field) unless the box holds an unapplied bad value
    setText((t) => ((checkNumber(t, limits) as { value?: number }).value === value ? t : String(value)));
    setError(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- limits are static per field
  }, [value]);
  return (
    <div className="field">
      <label htmlFor={id}>
        {label}
        {unit ? <span className="muted"> ({unit})</span> : null}
      </label>
      <input
        id={id}
        inputMode="decimal"
        value={text}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-err` : help ? `${id}-help` : undefined}
        data-testid={testId}
        onChange={(e) => {
          setText(e.target.value);
          const r = checkNumber(e.target.value, limits);
          if ('error' in r) setError(r.error);
          else {
            setError(null);
            if (r.value !== value) onChange(r.value);
          }
        }}
      />
      {error ? (
        <span id={`${id}-err`} className="error-text small" role="alert">
          {error} — not applied
        </span>
      ) : help ? (
        <span id={`${id}-help`} className="muted small">
          {help}
        </span>
      ) : null}
    </div>
  );
}

/** One generated field per visible parameter of a DSP block (ParamSpec: int/float/boolean/select/string, showIf). */
export function ParamForm({
  specs,
  values,
  onChange,
  errors,
}: {
  specs: readonly ParamSpec[];
  values: Record<string, ParamValue>;
  onChange: (key: string, value: ParamValue) => void;
  /** message per parameter key from the block's validation */
  errors?: Record<string, string>;
}) {
  const shown = visibleParams(specs, values);
  if (specs.length === 0) return <p className="muted">This block has no parameters.</p>;
  return (
    <div className="param-form">
      {shown.map((spec) => (
        <ParamField key={spec.key} spec={spec} value={values[spec.key] ?? spec.default} onChange={(v) => onChange(spec.key, v)} error={errors?.[spec.key]} />
      ))}
    </div>
  );
}

function ParamField({ spec, value, onChange, error }: { spec: ParamSpec; value: ParamValue; onChange: (v: ParamValue) => void; error?: string | undefined }) {
  const id = useId();
  const help = spec.help ? (
    <span id={`${id}-help`} className="muted small">
      {spec.help}
    </span>
  ) : null;
  const blockError = error ? (
    <span className="error-text small" role="alert">
      {error}
    </span>
  ) : null;
  if (spec.type === 'boolean') {
    return (
      <div className="field field-check">
        <label>
          <input
            type="checkbox"
            checked={value === true || value === 'true'}
            onChange={(e) => onChange(e.target.checked)}
            aria-describedby={spec.help ? `${id}-help` : undefined}
          />{' '}
          {spec.label}
        </label>
        {help}
        {blockError}
      </div>
    );
  }
  if (spec.type === 'select' || spec.options) {
    return (
      <div className="field">
        <label htmlFor={id}>{spec.label}</label>
        <select
          id={id}
          value={String(value)}
          aria-describedby={spec.help ? `${id}-help` : undefined}
          onChange={(e) => {
            const opt = (spec.options ?? []).find((o) => String(o) === e.target.value);
            onChange(opt ?? e.target.value);
          }}
        >
          {(spec.options ?? []).map((o) => (
            <option key={String(o)} value={String(o)}>
              {String(o)}
            </option>
          ))}
        </select>
        {help}
        {blockError}
      </div>
    );
  }
  if (spec.type === 'string') {
    return (
      <div className="field">
        <label htmlFor={id}>{spec.label}</label>
        <input id={id} value={String(value)} onChange={(e) => onChange(e.target.value)} />
        {help}
        {blockError}
      </div>
    );
  }
  return (
    <>
      <NumberField
        label={spec.label}
        value={typeof value === 'number' ? value : Number(value)}
        onChange={onChange}
        integer={spec.type === 'int'}
        {...(spec.min !== undefined ? { min: spec.min } : {})}
        {...(spec.max !== undefined ? { max: spec.max } : {})}
        {...(spec.help ? { help: spec.help } : {})}
        testId={`param-${spec.key}`}
      />
      {blockError}
    </>
  );
}
