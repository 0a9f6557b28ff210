import type { Command } from 'commander';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { KilnError } from '../../shared/errors';
import { action } from './main';
import { startWebShell } from '../web/webShell';

export function rendererDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return path.resolve(here, '../../../dist/renderer');
}

export function serveCommand(program: Command): void {
  program
    .command('serve')
    .description('run the studio as a web shell on 127.0.0.1 (prints the URL with its token)')
    .option('--port <port>', 'port to listen on (0 = any free port)', '0')
    .option('--open', 'open the studio in the default browser')
    .action(
      action(async (ctx, opts: { port: string; open?: boolean }) => {
        const port = Number(opts.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new KilnError('BAD_REQUEST', `--port must be 0…65535, got "${opts.port}"`);
        const staticDir = rendererDir();
        if (!existsSync(path.join(staticDir, 'index.html'))) {
          throw new KilnError('NOT_FOUND', 'The studio is not built: run `npm run build` first (npm start does it for you).');
        }
        const shell = await startWebShell({ dispatcher: ctx.dispatcher, events: ctx.services.events, transfers: ctx.services.transfers, staticDir, port });
        if (ctx.json) process.stdout.write(JSON.stringify({ url: shell.url, port: shell.port, token: shell.token, home: ctx.services.home.dir }) + '\n');
        else process.stdout.write(`Kiln studio: ${shell.url}\nProjects in ${ctx.services.home.dir}\nPress Ctrl+C to stop.\n`);
        if (opts.open) openBrowser(shell.url);
        await new Promise<void>((resolve) => {
          const stop = () => resolve();
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
        await shell.close();
      }),
    );
}

function openBrowser(url: string): void {
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    const child = spawn(command, [url], { stdio: 'ignore', detached: true });
    child.on('error', () => process.stdout.write(`(No browser found to open; open the URL above yourself.)\n`));
    child.unref();
  } catch {
    process.stdout.write(`(No browser found to open; open the URL above yourself.)\n`);
  }
}
