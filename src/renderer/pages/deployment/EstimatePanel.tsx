import type { DeployEstimate } from '../../../shared/api/deploy';
import { formatBytes } from '../../format';

const ms = (x: number) => (x < 1 ? `${x.toFixed(2)} ms` : `${x.toFixed(1)} ms`);

function Figure({ label, value, used, of, testId }: { label: string; value: string; used?: number; of?: number; testId: string }) {
  const share = used !== undefined && of ? used / of : null;
  return (
    <div className={share !== null && share > 1 ? 'estimate-figure over' : 'estimate-figure'} data-testid={testId}>
      <div className="muted small">{label}</div>
      <div className="stat-value">{value}</div>
      {share !== null && (
        <>
          <div className="meter" aria-hidden="true">
            <span style={{ width: `${Math.min(100, share * 100)}%` }} />
          </div>
          <div className="muted small">
            {(share * 100).toFixed(share < 0.1 ? 1 : 0)} % of {formatBytes(of!)}
          </div>
        </>
      )}
    </div>
  );
}

/** Flash, RAM and latency of the chosen build on the chosen board, and whether it fits. */
export function EstimatePanel({ estimate, error }: { estimate: DeployEstimate | null; error: string | null }) {
  if (error) {
    return (
      <p className="error-text" role="alert">
        {error}
      </p>
    );
  }
  if (!estimate) return <p className="muted">Estimating…</p>;
  const e = estimate.estimate;
  return (
    <div data-testid="deploy-estimate" aria-live="polite">
      <div className="row">
        <span className={estimate.fits ? 'fit yes' : 'fit no'} data-testid="deploy-fits">
          {estimate.fits ? '✓ Fits' : '✕ Does not fit'} the {estimate.board.name}
        </span>
      </div>
      <div className="estimate-figures">
        <Figure label="Flash" value={formatBytes(e.flashBytes)} used={e.flashBytes} of={estimate.board.flashKb * 1024} testId="estimate-flash" />
        <Figure label="RAM" value={formatBytes(e.ramBytes)} used={e.ramBytes} of={estimate.board.ramKb * 1024} testId="estimate-ram" />
        <Figure label="Latency per window" value={ms(e.totalMs)} testId="estimate-latency" />
      </div>
      <p className="muted small">
        DSP {ms(e.dspMs)} + network {ms(e.modelMs)}. Estimates from operation counts and per-core cycle costs, not measurements on the board.
        {e.notes.length ? ' ' + e.notes.join(' ') : ''}
      </p>
    </div>
  );
}
