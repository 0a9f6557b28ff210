import { activeJobs, useJobs } from '../stores/jobsStore';
import { ProgressBar } from './ProgressBar';

/**
 * Running jobs with their progress and a cancel button; shown on every page, floating over the
 * corner so it never pushes the page down. Jobs whose progress the page already shows (a
 * recording beside its record panel) are left out here.
 */
export function JobsTray({ project, shownByPage = [] }: { project?: string | null; shownByPage?: readonly string[] }) {
  const jobs = useJobs((s) => s.jobs);
  const cancel = useJobs((s) => s.cancel);
  const running = activeJobs(jobs, project).filter((j) => !shownByPage.includes(j.kind));
  if (running.length === 0) return null;
  return (
    <section className="jobs-tray" aria-label="Running jobs">
      {running.map((j) => (
        <div key={j.id} className="job" data-testid="job">
          <div className="job-head">
            <strong>{j.title}</strong>
            <button type="button" className="btn btn-small" onClick={() => void cancel(j.id)}>
              Cancel
            </button>
          </div>
          <ProgressBar value={j.progress} label={j.title} />
          <div className="muted small">{j.status}</div>
        </div>
      ))}
    </section>
  );
}
