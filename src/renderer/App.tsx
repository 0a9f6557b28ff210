import { useEffect } from 'react';
import { Toasts } from './components/Toasts';
import { ProjectPicker } from './pages/projects/ProjectPicker';
import { Studio, ThemeSwitch } from './Studio';
import { useApp } from './stores/appStore';
import { useJobs } from './stores/jobsStore';
import { useRoute } from './stores/routeStore';
import { installProjectSession } from './stores/projectSession';

// leaving a project closes it and clears every per-project store; installed before the first
// render so the first pages load into the right project's state
installProjectSession();

export function App() {
  const project = useRoute((s) => s.project);
  const sync = useRoute((s) => s.sync);
  const theme = useApp((s) => s.theme);
  const connection = useApp((s) => s.connection);

  useEffect(() => {
    const onHash = () => sync();
    window.addEventListener('hashchange', onHash);
    const disconnect = useJobs.getState().connect();
    void useApp.getState().loadInfo();
    void useJobs.getState().load();
    return () => {
      window.removeEventListener('hashchange', onHash);
      disconnect();
    };
  }, [sync]);

  useEffect(() => {
    const root = document.documentElement;
    if (theme === 'system') delete root.dataset.theme;
    else root.dataset.theme = theme;
  }, [theme]);

  return (
    <>
      {connection === 'closed' && (
        <div className="banner" role="alert">
          Lost the connection to Kiln — reconnecting…
        </div>
      )}
      {project ? (
        <Studio project={project} />
      ) : (
        <div className="picker-frame">
          <div className="picker-top">
            <span className="brand-static">
              <span className="logo" aria-hidden="true">
                ◆
              </span>{' '}
              Kiln
            </span>
            <ThemeSwitch />
          </div>
          <main>
            <ProjectPicker />
          </main>
        </div>
      )}
      <Toasts />
    </>
  );
}
