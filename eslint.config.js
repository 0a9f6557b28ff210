// Lint: typescript-eslint on all sources, plus the import boundaries of DESIGN.md:
// renderer → shared, main → shared; never renderer → main; shared imports nothing outside itself.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const nodeBuiltins = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'worker_threads', 'crypto', 'http', 'https', 'net', 'stream', 'url', 'util', 'zlib', 'vm'];
const nativeModules = ['better-sqlite3', 'serialport', '@serialport/*', 'onnxruntime-node', '@tensorflow/tfjs-node', 'electron', 'ws'];

export const boundaries = {
  shared: {
    patterns: [
      { group: nodeBuiltins, message: 'src/shared runs in the browser and workers too: no Node built-ins.' },
      { group: nativeModules, message: 'src/shared must not import native modules or electron.' },
      { group: ['react', 'react-dom', 'react/*', 'zustand', '@xyflow/*', 'plotly.js*', 'monaco-editor*'], message: 'src/shared must not import UI libraries.' },
      { group: ['**/main/**', '**/renderer/**', '../../main/*', '../../renderer/*'], message: 'src/shared must not import from src/main or src/renderer.' },
    ],
  },
  renderer: {
    patterns: [
      { group: ['**/main/**', '../main/*', '../../main/*'], message: 'The renderer talks to src/main only through the API client (src/renderer/api).' },
      { group: nodeBuiltins, message: 'The renderer runs sandboxed: no Node built-ins.' },
      { group: nativeModules, message: 'The renderer must not import native modules or electron.' },
    ],
  },
  main: {
    patterns: [{ group: ['**/renderer/**', '../renderer/*', '../../renderer/*'], message: 'src/main must not import from the renderer.' }],
  },
};

export default tseslint.config(
  { ignores: ['**/.tmp*', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'bench/out/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,js,mjs}'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  { files: ['src/shared/**/*.{ts,tsx}'], ignores: ['src/shared/**/*.test.ts'], rules: { 'no-restricted-imports': ['error', boundaries.shared] } },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'no-restricted-imports': ['error', boundaries.renderer], 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
  { files: ['src/main/**/*.ts'], rules: { 'no-restricted-imports': ['error', boundaries.main] } },
);
