/** "Generate features" with the job's progress and the feature status ("412 windows, 0 stale"). */
import { useEffect, useState } from 'react';
import { isActive, useJobs } from '../../stores/jobsStore';
import { isDirty, useImpulse } from '../../stores/impulseStore';
import { useApp } from '../../stores/appStore';
import { ProgressBar } from '../../components/ProgressBar';
import type { FeaturesStatus } from '../../../shared/api/impulse';

export function FeatureStatusBar({ blockId, canGenerate }: { blockId?: string; canGenerate: boolean }) {
  const status = useImpulse((s) => s.status);
  const statusError = useImpulse((s) => s.statusError);
  const dirty = useImpulse(isDirty);
  const generate = useImpulse((s) => s.generate);
  const loadStatus = useImpulse((s) => s.loadStatus);
  const jobs = useJobs((s) => s.jobs);
  const waitFor = useJobs((s) => s.waitFor);
  const toast = useApp((s) => s.toast);
  const project = useImpulse((s) => s.project);
  const [jobId, setJobId] = useState<string | null>(null);
  const running = Object.values(jobs).find((j) => j.kind === 'features.generate' && j.project === project && isActive(j));
  const job = (jobId ? jobs[jobId] : undefined) ?? running;

  useEffect(() => {
    if (!jobId) return;
    let live = true;
    void waitFor(jobId).then((j) => {
      if (!live) return;
      void loadStatus();
      if (j.state === 'succeeded') toast({ kind: 'success', message: 'Features generated' });
      else if (j.state === 'failed') toast({ kind: 'error', message: `Feature generation failed: ${j.error?.message ?? 'unknown error'}` }, 0);
      setJobId(null);
    });
    return () => {
      live = false;
    };
  }, [jobId, waitFor, loadStatus, toast]);

  const text = statusText(status, blockId);
  const reason = dirty ? 'Save the impulse first' : !canGenerate ? 'Fix the problems listed first' : undefined;
  return (
    <div className="feature-status card" aria-label="Features">
      <div className="row">
        <button
          type="button"
          className="btn btn-primary"
          disabled={!!reason || !!(job && isActive(job))}
          title={
            reason
              ? `${reason}: features are made for the saved impulse`
              : 'Compute the features of every sample for the saved impulse (cached features are reused)'
          }
          onClick={() =>
            void generate().then((id) => {
              if (id) setJobId(id);
            })
          }
        >
          Generate features
        </button>
        <span className="muted small" data-testid="feature-status">
          {text}
        </span>
        {reason && <span className="muted small">{reason}.</span>}
      </div>
      {job && isActive(job) && (
        <div className="feature-job">
          <ProgressBar value={job.progress} label="Generating features" />
          <span className="muted small">{job.status}</span>
        </div>
      )}
      {status && status.unusable.length > 0 && !blockId && (
        <details className="small">
          <summary className="error-text">
            {status.unusable.length} sample{status.unusable.length === 1 ? '' : 's'} cannot be read by this impulse
          </summary>
          <ul>
            {status.unusable.slice(0, 20).map((u) => (
              <li key={u.sampleId}>{u.message}</li>
            ))}
          </ul>
        </details>
      )}
      {statusError && (
        <p className="error-text small" role="alert">
          {statusError}
        </p>
      )}
    </div>
  );
}

/** "412 windows, 0 stale" — for one block, or the whole impulse (the block with the most out-of-date samples). */
export function statusText(status: FeaturesStatus | null, blockId?: string): string {
  if (!status) return '';
  if (!status.saved) return '';
  const blocks = blockId ? status.blocks.filter((b) => b.blockId === blockId) : status.blocks;
  if (!blocks.length) return blockId ? 'This block is not in the saved impulse yet' : 'No processing blocks';
  const windows = Math.max(...blocks.map((b) => b.windows));
  const stale = Math.max(...blocks.map((b) => b.stale + b.missing));
  const generated = Math.min(...blocks.map((b) => b.generated));
  if (generated === 0 && stale > 0) return `${windows} windows, no features yet`;
  return `${windows} windows, ${stale} ${stale === 1 ? 'sample' : 'samples'} stale${status.upToDate ? ' · up to date' : ''}`;
}
