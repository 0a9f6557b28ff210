/**
 * Monaco, bundled locally: the editor API, JavaScript highlighting and the TypeScript language
 * service (which checks JavaScript too), with both workers built by Vite (`?worker`). Nothing is
 * fetched from a CDN. Imported lazily by the custom block editor only.
 */
import * as monaco from 'monaco-editor/editor/editor.api';
import 'monaco-editor/languages/definitions/javascript/register';
import { javascriptDefaults } from 'monaco-editor/languages/features/typescript/register';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import TsWorker from 'monaco-editor/languages/features/typescript/ts.worker?worker';

declare global {
  interface Window {
    MonacoEnvironment?: { getWorker(workerId: string, label: string): Worker };
  }
}

window.MonacoEnvironment = {
  getWorker(_id: string, label: string): Worker {
    return label === 'typescript' || label === 'javascript' ? new TsWorker() : new EditorWorker();
  },
};

javascriptDefaults.setDiagnosticsOptions({ noSemanticValidation: false, noSyntaxValidation: false });
javascriptDefaults.setCompilerOptions({ allowNonTsExtensions: true, checkJs: true, target: 99, lib: ['es2022'] });
export { monaco };
