/**
 * Impulse design: `#/p/<project>/impulse` is the pipeline editor, `…/impulse/<blockId>` a block's
 * parameters and preview, `…/impulse/explorer` the feature explorer, `…/impulse/custom/<name>`
 * the custom block editor.
 */
import { lazy, Suspense, useCallback, useEffect, useMemo } from 'react';
import type { PageProps } from '../registry';
import { useRoute } from '../../stores/routeStore';
import { draftIssues, isDirty, useImpulse } from '../../stores/impulseStore';
import { useJobs } from '../../stores/jobsStore';
import { api } from '../../api';
import { EditBar } from './EditBar';
import { PipelineEditor } from './PipelineEditor';
import { FeatureStatusBar } from './FeatureStatusBar';
import { BlockPage } from './BlockPage';
import { FeatureExplorer } from './FeatureExplorer';
import './impulse.css';

const CustomBlockEditor = lazy(() => import('./CustomBlockEditor'));

/** True when a key press happens in a text field (undo there belongs to the field). */
function inTextField(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  return el.isContentEditable || el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || !!el.closest?.('.monaco-editor');
}

export function ImpulsePage({ project, rest }: PageProps) {
  const load = useImpulse((s) => s.load);
  const loading = useImpulse((s) => s.loading);
  const loadError = useImpulse((s) => s.loadError);
  const impulse = useImpulse((s) => s.impulse);
  const loaded = useImpulse((s) => s.project === project && s.impulse !== null);
  const go = useRoute((s) => s.go);
  const loadJobs = useJobs((s) => s.load);

  useEffect(() => {
    void load(project);
    void loadJobs(project);
    const off = api().on('samples.changed', (e) => {
      if (e.project === project)
        void useImpulse
          .getState()
          .refreshSamples()
          .catch(() => undefined);
    });
    return off;
  }, [project, load, loadJobs]);

  // Ctrl+Z / Ctrl+Shift+Z / Ctrl+Y / Ctrl+S anywhere on the page but inside text fields
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey)) return;
      const k = e.key.toLowerCase();
      const s = useImpulse.getState();
      // Ctrl+S saves from anywhere but the code editor; undo/redo inside a text field belong to the field
      if (k !== 's' && inTextField(e.target)) return;
      if (k === 's' && (e.target as HTMLElement | null)?.closest?.('.monaco-editor')) return;
      if (k === 'z' && !e.shiftKey) s.undo();
      else if ((k === 'z' && e.shiftKey) || k === 'y') s.redo();
      else if (k === 's') {
        if (isDirty(s) && !s.saving) void s.save();
      } else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // leaving with unsaved edits asks first
  useEffect(() => {
    const onUnload = (e: BeforeUnloadEvent) => {
      if (isDirty(useImpulse.getState())) e.preventDefault();
    };
    window.addEventListener('beforeunload', onUnload);
    return () => window.removeEventListener('beforeunload', onUnload);
  }, []);

  const openBlock = useCallback((id: string) => go({ project, page: 'impulse', rest: [id] }), [go, project]);

  if (loadError && !loaded) {
    return (
      <section className="page">
        <h1>Impulse design</h1>
        <p className="error-text" role="alert">
          Could not load the impulse: {loadError}
        </p>
        <button type="button" className="btn" onClick={() => void load(project)}>
          Try again
        </button>
      </section>
    );
  }
  if (!loaded || !impulse) return <section className="page" aria-busy={loading} aria-label="Loading the impulse" />;

  const sub = rest[0];
  if (sub === 'explorer') return <FeatureExplorer project={project} initialBlock={rest[1]} />;
  if (sub === 'custom')
    return (
      <Suspense fallback={<section className="page" aria-busy="true" />}>
        <CustomBlockEditor project={project} name={rest[1]} />
      </Suspense>
    );
  if (sub) return <BlockPage project={project} blockId={sub} sample={rest[1]} window={rest[2]} />;
  return <PipelinePage project={project} onOpenBlock={openBlock} />;
}

function PipelinePage({ project, onOpenBlock }: { project: string; onOpenBlock: (id: string) => void }) {
  const impulse = useImpulse((s) => s.impulse)!;
  const facts = useImpulse((s) => s.facts);
  const custom = useImpulse((s) => s.customBlocks);
  const go = useRoute((s) => s.go);
  const issues = useMemo(() => draftIssues({ impulse, facts, customBlocks: custom }), [impulse, facts, custom]);
  const general = issues.filter((i) => !i.blockId && !i.path.startsWith('input'));
  const errors = issues.filter((i) => i.severity === 'error');
  return (
    <section className="page page-wide" aria-labelledby="impulse-title">
      <EditBar title="Impulse design" />
      <div className="row impulse-actions">
        <FeatureStatusBar canGenerate={errors.length === 0} />
        <button type="button" className="btn" onClick={() => go({ project, page: 'impulse', rest: ['explorer'] })}>
          Feature explorer
        </button>
        <button type="button" className="btn" onClick={() => go({ project, page: 'impulse', rest: ['custom'] })}>
          Custom blocks
        </button>
      </div>
      {general.length > 0 && (
        <ul className="issues" aria-label="Problems">
          {general.map((i, n) => (
            <li key={n} className={i.severity}>
              {i.message}
            </li>
          ))}
        </ul>
      )}
      <PipelineEditor issues={issues} onOpenBlock={onOpenBlock} />
      <p className="muted small keyboard-help">
        Keyboard: Tab to a block, Enter to select it (Enter again opens a processing block), Delete removes it; each block&apos;s ⋯ menu connects and
        disconnects. Ctrl+Z undo, Ctrl+Shift+Z redo, Ctrl+S save.
      </p>
    </section>
  );
}
