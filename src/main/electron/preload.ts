/**
 * The only bridge between the sandboxed page and Kiln: `window.kiln.call` and
 * `window.kiln.subscribe`. No Node, no ipcRenderer, no other channel is exposed.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';

contextBridge.exposeInMainWorld('kiln', {
  call: (method: string, args: unknown) => ipcRenderer.invoke('kiln:call', method, args),
  subscribe: (listener: (event: unknown) => void) => {
    const handler = (_e: IpcRendererEvent, event: unknown) => listener(event);
    ipcRenderer.on('kiln:event', handler);
    return () => ipcRenderer.removeListener('kiln:event', handler);
  },
});
