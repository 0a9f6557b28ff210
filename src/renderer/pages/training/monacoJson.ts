/**
 * Monaco for JSON documents, bundled locally (editor API + the JSON language service, both
 * workers built by Vite). Nothing is fetched from a CDN. Imported lazily by the expert-mode
 * architecture editor only.
 */
import * as monaco from 'monaco-editor/editor/editor.api';
import { jsonDefaults } from 'monaco-editor/languages/features/json/register';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import JsonWorker from 'monaco-editor/languages/features/json/json.worker?worker';

declare global {
  interface Window {
    MonacoEnvironment?: { getWorker(workerId: string, label: string): Worker };
  }
}

// another page may have installed its own environment (JavaScript workers): keep it for other labels
const previous = window.MonacoEnvironment;
window.MonacoEnvironment = {
  getWorker(id: string, label: string): Worker {
    if (label === 'json') return new JsonWorker();
    return previous ? previous.getWorker(id, label) : new EditorWorker();
  },
};

export { monaco, jsonDefaults };
