import { CustomCodePrompt } from './components/CustomCodePrompt';
import { JobsTray } from './components/JobsTray';
import { pageComponents } from './pages/registry';
import { PAGES, useRoute } from './stores/routeStore';
import { useApp, type Theme } from './stores/appStore';

/** The studio frame: left navigation over the pages of one project. */
export function Studio({ project }: { project: string }) {
  const { page, rest, go } = useRoute();
  const Page = pageComponents[page];
  return (
    <div className="studio">
      <nav className="sidebar" aria-label="Studio">
        <button type="button" className="brand" onClick={() => go({ project: null })} title="All projects">
          <span className="logo" aria-hidden="true">
            ◆
          </span>{' '}
          Kiln
        </button>
        <div className="project-name" title={project}>
          {project}
        </div>
        <ul>
          {PAGES.map((p) => {
            const enabled = pageComponents[p.id] !== undefined;
            return (
              <li key={p.id}>
                <button
                  type="button"
                  className={`nav-item${page === p.id ? ' active' : ''}`}
                  aria-current={page === p.id ? 'page' : undefined}
                  disabled={!enabled}
                  title={enabled ? undefined : 'Not available in this version yet'}
                  onClick={() => go({ project, page: p.id })}
                >
                  {p.title}
                </button>
              </li>
            );
          })}
        </ul>
        <div className="sidebar-foot">
          <ThemeSwitch />
        </div>
      </nav>
      <div className="content">
        <JobsTray project={project} />
        <CustomCodePrompt project={project} />
        {Page ? <Page project={project} rest={rest} /> : <section className="page">This page is not available yet.</section>}
      </div>
    </div>
  );
}

export function ThemeSwitch() {
  const theme = useApp((s) => s.theme);
  const setTheme = useApp((s) => s.setTheme);
  return (
    <label className="theme-switch small">
      Theme{' '}
      <select value={theme} onChange={(e) => setTheme(e.target.value as Theme)} aria-label="Theme">
        <option value="system">System</option>
        <option value="light">Light</option>
        <option value="dark">Dark</option>
      </select>
    </label>
  );
}
