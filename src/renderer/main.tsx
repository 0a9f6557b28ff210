import { createRoot } from 'react-dom/client';
import { App } from './App';
import { createClient, httpFileTransport, setClient } from './api';
import { createIpcTransport } from './api/ipcTransport';
import { createWsTransport, readToken } from './api/wsTransport';
import { useApp } from './stores/appStore';
import './styles.css';

function start(): void {
  const root = createRoot(document.getElementById('root')!);
  if (window.kiln) {
    setClient(createClient(createIpcTransport(window.kiln)));
    useApp.getState().setConnection('open');
  } else {
    const token = readToken();
    if (!token) {
      root.render(
        <p className="fatal">
          This page needs the address printed by <code>kiln serve</code> (it carries an access token).
        </p>,
      );
      return;
    }
    // keep the token out of the address bar and history once it is stored for this tab
    if (new URLSearchParams(location.search).has('token')) history.replaceState(null, '', location.pathname + location.hash);
    setClient(
      createClient(
        createWsTransport(token, (s) => useApp.getState().setConnection(s)),
        httpFileTransport(token),
      ),
    );
  }
  root.render(<App />);
}

start();
