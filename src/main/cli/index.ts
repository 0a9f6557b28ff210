import { runCli } from './main';

// `kiln samples list | head`: the reader closed the pipe; stop quietly, as other Unix tools do
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
}

process.exitCode = await runCli(process.argv);
