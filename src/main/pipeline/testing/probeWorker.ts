// Worker for WorkerPool tests: does what the task says (echo, throw, hang, crash, use memory).
import { KilnError } from '../../../shared/errors';
import { serveTasks } from '../workerProtocol';

export type ProbeTask = { op: 'echo'; value: number } | { op: 'throw' } | { op: 'hang' } | { op: 'exit' } | { op: 'memory' };

serveTasks<ProbeTask, number>((task) => {
  switch (task.op) {
    case 'echo':
      return { result: task.value * 2 };
    case 'throw':
      throw new KilnError('BAD_DATA', 'probe refused the task', { field: 'op' });
    case 'hang':
      for (;;) {
        // busy forever: only terminate() ends this
      }
    case 'exit':
      process.exit(3);
      break;
    case 'memory': {
      const hoard: number[][] = [];
      // small steps: one allocation beyond Node's 16 MB leeway past the limit would abort the process
      for (;;) hoard.push(new Array(1e5).fill(Math.random()));
    }
  }
  return { result: -1 };
});
