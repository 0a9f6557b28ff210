/**
 * Electron shell: one window on the same renderer build, the typed API over IPC, and nothing
 * else reachable from the page (context isolation, sandbox, no Node, strict CSP, no navigation).
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session, shell, type MenuItemConstructorOptions } from 'electron';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createDispatcher } from '../api';
import { createServices } from '../app/services';
import { defaultHome } from '../store/projectHome';
import { contentSecurityPolicy, isRefusal, parseTarget, staticFile } from '../web/security';

const APP_ORIGIN = 'kiln://app';

protocol.registerSchemesAsPrivileged([{ scheme: 'kiln', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void app.whenReady().then(start);
}

function rendererRoot(): string {
  return path.join(__dirname, '..', 'renderer');
}

async function start(): Promise<void> {
  const services = createServices({ home: process.env.KILN_HOME || defaultHome(), host: 'electron' });
  const dispatcher = createDispatcher(services);
  const csp = contentSecurityPolicy(0).replace(/connect-src [^;]+/, "connect-src 'self'");

  protocol.handle('kiln', async (request) => {
    const url = new URL(request.url);
    // the same per-segment decoding as the web shell: no encoded `..`, `/`, backslash or NUL
    const target = parseTarget(url.pathname);
    const file = isRefusal(target) ? null : staticFile(rendererRoot(), target.segments);
    if (url.host !== 'app' || !file) return new Response('Not found', { status: 404 });
    try {
      const body = await readFile(file);
      return new Response(body, { headers: { 'content-type': contentType(file), 'content-security-policy': csp, 'x-content-type-options': 'nosniff' } });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  });

  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));

  ipcMain.handle('kiln:call', (event, method: unknown, args: unknown) => {
    if (!event.senderFrame || !event.senderFrame.url.startsWith(APP_ORIGIN + '/')) {
      return { ok: false, error: { code: 'BAD_REQUEST', message: 'Calls are only accepted from the Kiln window' } };
    }
    return dispatcher.call(method, args);
  });
  services.events.subscribe((e) => {
    for (const w of BrowserWindow.getAllWindows()) w.webContents.send('kiln:event', e);
  });

  const win = createWindow();
  // downloads and uploads: the page names no path, the main process asks the user (src/main/transfers)
  services.transfers.setDialogs({
    async saveFile(defaultName) {
      const r = await dialog.showSaveDialog(win, { defaultPath: path.join(app.getPath('downloads'), defaultName) });
      return r.canceled || !r.filePath ? null : r.filePath;
    },
    async openFile({ title, extensions }) {
      const r = await dialog.showOpenDialog(win, {
        ...(title ? { title } : {}),
        properties: ['openFile'],
        filters: extensions?.length ? [{ name: extensions.join(', '), extensions }] : [],
      });
      return r.canceled ? null : (r.filePaths[0] ?? null);
    },
  });
  app.on('second-instance', () => {
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  app.on('window-all-closed', () => {
    services.dispose();
    app.quit();
  });
  Menu.setApplicationMenu(buildMenu());
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1360,
    height: 880,
    minWidth: 960,
    minHeight: 600,
    title: 'Kiln',
    show: false,
    webPreferences: {
      preload: path.join(__dirname, 'preload.cjs'),
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
      webSecurity: true,
      webviewTag: false,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  win.webContents.on('will-navigate', (e, url) => {
    if (!url.startsWith(APP_ORIGIN + '/')) e.preventDefault();
  });
  win.webContents.on('will-attach-webview', (e) => e.preventDefault());
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  void win.loadURL(`${APP_ORIGIN}/index.html`);
  return win;
}

function buildMenu(): Menu {
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    { label: 'File', submenu: [{ role: process.platform === 'darwin' ? 'close' : 'quit' }] },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { role: 'reload' },
        { role: 'toggleDevTools' },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [{ label: 'Open projects folder', click: () => void shell.openPath(process.env.KILN_HOME || defaultHome()) }],
    },
  ];
  return Menu.buildFromTemplate(template);
}

function contentType(file: string): string {
  const ext = path.extname(file);
  return (
    {
      '.html': 'text/html',
      '.js': 'text/javascript',
      '.css': 'text/css',
      '.svg': 'image/svg+xml',
      '.png': 'image/png',
      '.wasm': 'application/wasm',
      '.ttf': 'font/ttf',
      '.woff2': 'font/woff2',
      '.json': 'application/json',
    }[ext] ?? 'application/octet-stream'
  );
}
