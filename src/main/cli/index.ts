import { runCli } from './main';

process.exitCode = await runCli(process.argv);
