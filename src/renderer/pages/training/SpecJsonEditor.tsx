import { useEffect, useRef, useState } from 'react';
import { z } from 'zod';
import { modelSpecSchema, type ModelSpecInput, type OutputHead } from '../../../shared/model/spec';
import { useApp } from '../../stores/appStore';
import { checkDraft } from './ArchitectureEditor';

type MonacoModule = typeof import('./monacoJson');

const MODEL_URI = 'kiln://model/spec.json';
const specJsonSchema = z.toJSONSchema(modelSpecSchema, { io: 'input' });

/** Offsets of the objects inside the top-level "layers" array (for markers per layer). */
export function layerOffsets(text: string): number[] {
  const out: number[] = [];
  let depth = 0;
  let inString = false;
  let lastKey = '';
  let keyStart = -1;
  let layersDepth = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') {
        inString = false;
        lastKey = text.slice(keyStart + 1, i);
      }
      continue;
    }
    if (c === '"') {
      inString = true;
      keyStart = i;
    } else if (c === '{' || c === '[') {
      if (c === '[' && depth === 1 && lastKey === 'layers') layersDepth = depth + 1;
      if (c === '{' && layersDepth >= 0 && depth === layersDepth) out.push(i);
      depth++;
    } else if (c === '}' || c === ']') {
      depth--;
      if (c === ']' && depth + 1 === layersDepth) layersDepth = -1;
    }
  }
  return out;
}

/** Expert mode: the same architecture as a JSON document, schema-checked, with inline error markers. */
export default function SpecJsonEditor({ draft, head, onChange }: { draft: ModelSpecInput; head: OutputHead; onChange: (s: ModelSpecInput) => void }) {
  const host = useRef<HTMLDivElement>(null);
  const ref = useRef<{ monaco: MonacoModule['monaco']; editor: import('monaco-editor/editor/editor.api').editor.IStandaloneCodeEditor } | null>(null);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  const lastEmitted = useRef<string>('');
  const [error, setError] = useState<string | null>(null);
  const theme = useApp((s) => s.theme);
  const dark = theme === 'dark' || (theme === 'system' && typeof matchMedia !== 'undefined' && matchMedia('(prefers-color-scheme: dark)').matches);

  useEffect(() => {
    let disposed = false;
    import('./monacoJson')
      .then(({ monaco, jsonDefaults }) => {
        if (disposed || !host.current) return;
        jsonDefaults.setDiagnosticsOptions({
          validate: true,
          allowComments: false,
          schemas: [{ uri: 'kiln://schema/model-spec', fileMatch: [MODEL_URI], schema: specJsonSchema as never }],
        });
        const uri = monaco.Uri.parse(MODEL_URI);
        monaco.editor.getModel(uri)?.dispose();
        const text = JSON.stringify(draft, null, 2);
        lastEmitted.current = text;
        const model = monaco.editor.createModel(text, 'json', uri);
        const editor = monaco.editor.create(host.current, {
          model,
          minimap: { enabled: false },
          automaticLayout: true,
          fontSize: 13,
          scrollBeyondLastLine: false,
          tabSize: 2,
          autoClosingBrackets: 'never',
          autoClosingQuotes: 'never',
          formatOnPaste: true,
          theme: dark ? 'vs-dark' : 'vs',
        });
        ref.current = { monaco, editor };
        editor.onDidChangeModelContent(() => {
          const value = editor.getValue();
          let parsed: unknown;
          try {
            parsed = JSON.parse(value);
          } catch {
            return; // Monaco's JSON service marks syntax errors itself
          }
          lastEmitted.current = JSON.stringify(parsed, null, 2);
          onChangeRef.current(parsed as ModelSpecInput);
        });
      })
      .catch((e: unknown) => setError(`The editor could not load: ${e instanceof Error ? e.message : String(e)}`));
    return () => {
      disposed = true;
      ref.current?.editor.getModel()?.dispose();
      ref.current?.editor.dispose();
      ref.current = null;
    };
    // the editor is created once; later drafts are pushed in by the effect below
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // drafts from the visual editor replace the text (unless they came from this editor)
  useEffect(() => {
    const r = ref.current;
    if (!r) return;
    const text = JSON.stringify(draft, null, 2);
    if (text !== lastEmitted.current) {
      lastEmitted.current = text;
      r.editor.setValue(text);
    }
  }, [draft]);

  // Kiln's own checks (shapes that cannot work) as markers on the offending layer
  useEffect(() => {
    const r = ref.current;
    const model = r?.editor.getModel();
    if (!r || !model) return;
    const { analysis, schemaError } = checkDraft(draft, head);
    const message = schemaError?.message ?? (analysis && !analysis.ok ? analysis.message : null);
    const layer = schemaError ? schemaError.layer : analysis && !analysis.ok ? analysis.layerIndex - 1 : null;
    if (!message) {
      r.monaco.editor.setModelMarkers(model, 'kiln-spec', []);
      return;
    }
    const offsets = layerOffsets(model.getValue());
    const at = layer !== null && layer >= 0 && offsets[layer] !== undefined ? model.getPositionAt(offsets[layer]) : { lineNumber: 1, column: 1 };
    r.monaco.editor.setModelMarkers(model, 'kiln-spec', [
      {
        severity: r.monaco.MarkerSeverity.Error,
        message,
        startLineNumber: at.lineNumber,
        startColumn: at.column,
        endLineNumber: at.lineNumber,
        endColumn: model.getLineMaxColumn(at.lineNumber),
      },
    ]);
  }, [draft, head]);

  useEffect(() => {
    ref.current?.monaco.editor.setTheme(dark ? 'vs-dark' : 'vs');
  }, [dark]);

  return (
    <div>
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
      <div ref={host} className="spec-json" data-testid="spec-json" aria-label="Model architecture as JSON" />
    </div>
  );
}
