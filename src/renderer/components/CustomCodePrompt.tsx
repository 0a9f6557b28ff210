import { useEffect } from 'react';
import { needsAnswer, notRunning, useCodeTrust } from '../stores/codeTrustStore';
import { Dialog } from './Dialog';

/** Asks, when a project with custom code opens for the first time here, whether to run that code. */
export function CustomCodePrompt({ project }: { project: string }) {
  const check = useCodeTrust((s) => s.check);
  const decide = useCodeTrust((s) => s.decide);
  const postpone = useCodeTrust((s) => s.postpone);
  const trust = useCodeTrust((s) => s.trust);
  const blocks = trust?.blocks ?? [];
  const ask = useCodeTrust(needsAnswer);
  const banner = useCodeTrust(notRunning);
  useEffect(() => {
    void check(project);
  }, [check, project]);
  if (banner) {
    return (
      <div className="card trust-banner" role="status" data-testid="custom-code-banner">
        <span>The custom code of this project ({blocks.join(', ')}) does not run on this machine, so its features cannot be generated.</span>
        <button type="button" className="btn btn-small" onClick={() => void decide(true)}>
          Allow custom code
        </button>
      </div>
    );
  }
  return (
    <Dialog
      open={ask}
      title="Run this project's custom code?"
      onClose={postpone}
      footer={
        <>
          <button type="button" className="btn" onClick={() => void decide(false)}>
            Don&apos;t run it
          </button>
          <button type="button" className="btn btn-primary" onClick={() => void decide(true)}>
            Allow and run
          </button>
        </>
      }
    >
      <p>
        This project contains custom DSP code: <strong>{blocks.join(', ')}</strong>. It has not run on this machine before. If the project came from someone
        else, allow it only if you trust them.
      </p>
      <p className="muted small">
        Kiln runs custom code in a separate process without file, network or process access, with memory and time limits. Your answer is kept for this project
        on this machine (not in the project file).
      </p>
    </Dialog>
  );
}
