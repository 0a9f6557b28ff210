/** Custom processing blocks in JavaScript: edit in Monaco, test on a sample window (errors marked on their line), save, add to the impulse. */
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { CUSTOM_BLOCK_PREFIX } from '../../../shared/impulse/impulse';
import { errorMessage, useApp } from '../../stores/appStore';
import { useImpulse } from '../../stores/impulseStore';
import { useRoute } from '../../stores/routeStore';
import type { CustomBlockTestResult } from '../../../shared/api/impulse';

type MonacoModule = typeof import('./monacoSetup');

export const CUSTOM_TEMPLATE = `/**
 * Runs once per window; returns the features as an array of numbers.
 * @param {number[]} values   interleaved readings: values[reading * axes.length + axis]
 * @param {string[]} axes     the axes this block reads
 * @param {number} frequencyHz sampling frequency
 * @param {Record<string, number | boolean | string>} params
 */
function process(values, axes, frequencyHz, params) {
  const n = axes.length;
  const readings = values.length / n;
  const features = [];
  for (let a = 0; a < n; a++) {
    let sum = 0;
    let squares = 0;
    for (let r = 0; r < readings; r++) {
      const v = values[r * n + a];
      sum += v;
      squares += v * v;
    }
    features.push(sum / readings, Math.sqrt(squares / readings)); // mean and RMS per axis
  }
  return features;
}
`;

/** Block names: lower-case letters, digits, "-" and "_", starting with a letter (they become `custom:<name>`). */
export function checkBlockName(name: string, taken: readonly string[]): string | null {
  if (!name) return 'Give the block a name';
  if (!/^[a-z][a-z0-9_-]*$/.test(name)) return 'Use lower-case letters, digits, "-" and "_", starting with a letter';
  if (name.length > 40) return 'At most 40 characters';
  if (taken.includes(name)) return `A block "${name}" exists already`;
  return null;
}

export default function CustomBlockEditor({ project, name }: { project: string; name?: string | undefined }) {
  const blocks = useImpulse((s) => s.customBlocks);
  const samples = useImpulse((s) => s.samples);
  const impulse = useImpulse((s) => s.impulse)!;
  const saveBlock = useImpulse((s) => s.saveCustomBlock);
  const testBlock = useImpulse((s) => s.testCustomBlock);
  const addDsp = useImpulse((s) => s.addDsp);
  const go = useRoute((s) => s.go);
  const toast = useApp((s) => s.toast);
  const existing = blocks.find((b) => b.name === name);
  const [blockName, setBlockName] = useState(name ?? '');
  const [title, setTitle] = useState(existing?.title ?? '');
  const [code, setCode] = useState(existing?.code ?? CUSTOM_TEMPLATE);
  const [savedCode, setSavedCode] = useState(existing?.code ?? null);
  const [sampleId, setSampleId] = useState<number | null>(null);
  const [result, setResult] = useState<CustomBlockTestResult | null>(null);
  const [busy, setBusy] = useState<'test' | 'save' | null>(null);
  const [saveError, setSaveError] = useState<string | null>(null);
  const ids = { name: useId(), title: useId(), sample: useId() };
  const isNew = !existing;
  const nameError = isNew
    ? checkBlockName(
        blockName,
        blocks.map((b) => b.name),
      )
    : null;
  const choices = useMemo(() => samples.filter((r) => r.kind !== 'image' && r.status !== 'recording'), [samples]);

  useEffect(() => {
    if (existing) {
      setTitle(existing.title);
      setCode(existing.code);
      setSavedCode(existing.code);
      setBlockName(existing.name);
    }
  }, [existing]);

  useEffect(() => {
    if (sampleId === null && choices.length) setSampleId(choices[0]!.id);
  }, [sampleId, choices]);

  const runTest = async () => {
    if (sampleId === null) return;
    setBusy('test');
    try {
      setResult(await testBlock({ code, sampleId, title: title || blockName || 'custom block' }));
    } catch (e) {
      setResult({ ok: false, code: 'ERROR', message: errorMessage(e), line: null });
    } finally {
      setBusy(null);
    }
  };

  const save = async () => {
    if (nameError) return;
    setBusy('save');
    setSaveError(null);
    try {
      await saveBlock({ name: blockName, title: title || blockName, code, params: existing?.params ?? [] });
      setSavedCode(code);
      toast({ kind: 'success', message: `Saved custom block "${blockName}"` });
      if (isNew) go({ project, page: 'impulse', rest: ['custom', blockName] });
    } catch (e) {
      setSaveError(errorMessage(e));
    } finally {
      setBusy(null);
    }
  };

  const inImpulse = impulse.dsp.some((d) => d.block === `${CUSTOM_BLOCK_PREFIX}${blockName}`);
  return (
    <section className="page page-wide" aria-labelledby="custom-title">
      <nav className="crumbs small" aria-label="Breadcrumb">
        <button type="button" className="link" onClick={() => go({ project, page: 'impulse' })}>
          Impulse design
        </button>{' '}
        / Custom blocks
      </nav>
      <h1 id="custom-title">Custom processing blocks</h1>
      <div className="custom-layout">
        <aside className="card custom-list" aria-label="Custom blocks">
          <button type="button" className="btn btn-small" onClick={() => go({ project, page: 'impulse', rest: ['custom'] })}>
            New block
          </button>
          {blocks.length === 0 ? (
            <p className="muted small">No custom blocks yet.</p>
          ) : (
            <ul>
              {blocks.map((b) => (
                <li key={b.name}>
                  <button
                    type="button"
                    className={`link${b.name === name ? ' active' : ''}`}
                    onClick={() => go({ project, page: 'impulse', rest: ['custom', b.name] })}
                  >
                    {b.title || b.name}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </aside>
        <div className="card custom-main">
          <div className="row">
            <div className="field">
              <label htmlFor={ids.name}>Name</label>
              <input
                id={ids.name}
                value={blockName}
                readOnly={!isNew}
                aria-invalid={nameError ? true : undefined}
                onChange={(e) => setBlockName(e.target.value.trim())}
              />
              {nameError && blockName && (
                <span className="error-text small" role="alert">
                  {nameError}
                </span>
              )}
            </div>
            <div className="field">
              <label htmlFor={ids.title}>Title</label>
              <input id={ids.title} value={title} maxLength={80} placeholder={blockName} onChange={(e) => setTitle(e.target.value)} />
            </div>
          </div>
          <CodeEditor
            code={code}
            onChange={setCode}
            errorLine={result && !result.ok ? result.line : null}
            errorMessage={result && !result.ok ? result.message : null}
          />
          <div className="row custom-actions">
            <div className="field">
              <label htmlFor={ids.sample}>Test on sample</label>
              <select id={ids.sample} value={sampleId ?? ''} onChange={(e) => setSampleId(Number(e.target.value))} disabled={!choices.length}>
                {choices.length === 0 && <option value="">No time-series samples</option>}
                {choices.map((r) => (
                  <option key={r.id} value={r.id}>
                    {r.name} ({r.label})
                  </option>
                ))}
              </select>
            </div>
            <button type="button" className="btn" onClick={() => void runTest()} disabled={sampleId === null || busy !== null}>
              {busy === 'test' ? 'Testing…' : 'Test'}
            </button>
            <button type="button" className="btn btn-primary" onClick={() => void save()} disabled={!!nameError || busy !== null || code === savedCode}>
              {busy === 'save' ? 'Saving…' : code === savedCode ? 'Saved' : 'Save'}
            </button>
            {!isNew && !inImpulse && impulse.input.type === 'time-series' && (
              <button
                type="button"
                className="btn"
                onClick={() => {
                  const id = addDsp(`${CUSTOM_BLOCK_PREFIX}${blockName}`);
                  if (id) go({ project, page: 'impulse' });
                }}
              >
                Add to impulse
              </button>
            )}
          </div>
          {saveError && (
            <p className="error-text" role="alert">
              Not saved: {saveError}
            </p>
          )}
          {result && (
            <div className={`test-result ${result.ok ? 'ok' : 'failed'}`} role="status" data-testid="custom-test-result">
              {result.ok ? (
                <>
                  Output: {result.featuresPerWindow} features per window · {result.windowsTested} window{result.windowsTested === 1 ? '' : 's'} of{' '}
                  {result.sampleName ?? 'the sample'} in {result.milliseconds.toFixed(1)} ms
                  <br />
                  First window: [
                  {result.features
                    .slice(0, 12)
                    .map((v) => +v.toPrecision(4))
                    .join(', ')}
                  {result.features.length > 12 ? ', …' : ''}]
                </>
              ) : (
                <>
                  {result.line && !/\bline \d+/i.test(result.message) ? `Line ${result.line}: ` : ''}
                  {result.message}
                </>
              )}
            </div>
          )}
        </div>
      </div>
    </section>
  );
}

/** Monaco on a JavaScript model; the test error is shown as a marker on its line. */
function CodeEditor({
  code,
  onChange,
  errorLine,
  errorMessage: message,
}: {
  code: string;
  onChange: (code: string) => void;
  errorLine: number | null;
  errorMessage: string | null;
}) {
  const host = useRef<HTMLDivElement>(null);
  const editorRef = useRef<{ monaco: MonacoModule['monaco']; editor: import('monaco-editor/editor/editor.api').editor.IStandaloneCodeEditor } | null>(null);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  const theme = useApp((s) => s.theme);
  const [loadError, setLoadError] = useState<string | null>(null);

  useEffect(() => {
    let disposed = false;
    import('./monacoSetup')
      .then(({ monaco }) => {
        if (disposed || !host.current) return;
        const editor = monaco.editor.create(host.current, {
          value: code,
          language: 'javascript',
          automaticLayout: true,
          minimap: { enabled: false },
          fontSize: 13,
          scrollBeyondLastLine: false,
          tabSize: 2,
          ariaLabel: 'Block code',
        });
        editor.onDidChangeModelContent(() => onChangeRef.current(editor.getValue()));
        editorRef.current = { monaco, editor };
      })
      .catch((e: unknown) => setLoadError(errorMessage(e)));
    return () => {
      disposed = true;
      editorRef.current?.editor.getModel()?.dispose();
      editorRef.current?.editor.dispose();
      editorRef.current = null;
    };
    // the editor is created once; later code changes are pushed below
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const e = editorRef.current?.editor;
    if (e && e.getValue() !== code) e.setValue(code);
  }, [code]);

  useEffect(() => {
    const dark = theme === 'dark' || (theme === 'system' && matchMedia('(prefers-color-scheme: dark)').matches);
    editorRef.current?.monaco.editor.setTheme(dark ? 'vs-dark' : 'vs');
  });

  useEffect(() => {
    const r = editorRef.current;
    const model = r?.editor.getModel();
    if (!r || !model) return;
    const markers =
      errorLine && message
        ? [
            {
              severity: r.monaco.MarkerSeverity.Error,
              message,
              startLineNumber: errorLine,
              endLineNumber: errorLine,
              startColumn: 1,
              endColumn: model.getLineMaxColumn(Math.min(errorLine, model.getLineCount())),
            },
          ]
        : [];
    r.monaco.editor.setModelMarkers(model, 'kiln-test', markers);
    if (errorLine) r.editor.revealLineInCenter(errorLine);
  }, [errorLine, message]);

  return (
    <>
      <div ref={host} className="code-editor" data-testid="code-editor" />
      {loadError && (
        <p className="error-text" role="alert">
          The code editor did not load: {loadError}
        </p>
      )}
    </>
  );
}
