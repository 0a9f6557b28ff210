// Entry of worker threads whose code is TypeScript (dev, tests, `bin/kiln.js`): registers tsx's
// loader inside the worker, then imports the real entry given as the last argv. Node 20 does not
// apply `execArgv: ['--import', 'tsx']` to a worker's own entry module, hence this file.
import { register } from 'tsx/esm/api';

register();
await import(process.argv[process.argv.length - 1]);
