/** Runs a harness ELF under QEMU with semihosting and, optionally, counts its instructions exactly. */
import { KilnError } from '../../../shared/errors';
import { execTool } from './exec';
import { icountPlugin } from './icountPlugin';
import { CORTEX_TARGETS, type CortexTargetId } from './targets';
import { requireTools } from './tools';

export interface QemuRun {
  /** what the program printed through semihosting */
  stdout: string;
  exitCode: number;
  /** with countInstructions: every instruction executed, start to exit */
  instructions?: number;
  /** with countInstructions: the running instruction total at each kiln_mark() call */
  marks?: number[];
  /** with countFunctions: instructions executed inside each named function (absent when not linked in) */
  functionInstructions?: Record<string, number>;
}

/** address and size of every sized symbol of an ELF (Thumb bit cleared) */
export async function symbolTable(elf: string): Promise<Map<string, { address: number; size: number }>> {
  const { 'arm-none-eabi-nm': nm } = requireTools(['arm-none-eabi-nm']);
  const { stdout } = await execTool(nm, ['-S', elf]);
  const table = new Map<string, { address: number; size: number }>();
  for (const line of stdout.split('\n')) {
    const m = /^([0-9a-f]+) ([0-9a-f]+) \w (\S+)$/.exec(line.trim());
    if (m) table.set(m[3]!, { address: parseInt(m[1]!, 16) & ~1, size: parseInt(m[2]!, 16) });
  }
  return table;
}

/** exit code of the harness fault handler (startup.c) */
export const HARNESS_FAULT_EXIT = 99;

/** address of a function or object in an ELF (Thumb bit cleared) */
export async function symbolAddress(elf: string, symbol: string): Promise<number> {
  const s = (await symbolTable(elf)).get(symbol);
  if (!s) throw new KilnError('NOT_FOUND', `${elf}: no symbol ${symbol}`);
  return s.address;
}

export async function runOnQemu(
  elf: string,
  opts: { target: CortexTargetId; timeoutMs?: number; countInstructions?: boolean; countFunctions?: readonly string[] },
): Promise<QemuRun> {
  const { 'qemu-system-arm': qemu } = requireTools(['qemu-system-arm']);
  let linked: string[] = [];
  const args = ['-M', CORTEX_TARGETS[opts.target].qemuMachine, '-nographic', '-semihosting-config', 'enable=on,target=native', '-kernel', elf];
  if (opts.countInstructions) {
    const symbols = await symbolTable(elf);
    const mark = symbols.get('kiln_mark')?.address;
    if (mark === undefined) throw new KilnError('NOT_FOUND', `${elf}: no kiln_mark (build it with the harness)`);
    linked = (opts.countFunctions ?? []).filter((f) => symbols.has(f)).slice(0, 16);
    const ranges = linked.map((f) => {
      const s = symbols.get(f)!;
      return `,range=0x${s.address.toString(16)}-0x${(s.address + s.size).toString(16)}`;
    });
    args.push('-plugin', `${await icountPlugin()},mark=0x${mark.toString(16)}${ranges.join('')}`, '-d', 'plugin');
  }
  const run = await execTool(qemu, args, { timeoutMs: opts.timeoutMs ?? 20_000, acceptAnyExit: true });
  if (run.exitCode === HARNESS_FAULT_EXIT) throw new KilnError('INTERNAL', `${elf}: the program faulted under QEMU\n${run.stdout.slice(-1000)}`);
  const result: QemuRun = { stdout: run.stdout, exitCode: run.exitCode };
  if (opts.countInstructions) {
    const m = /kiln-icount total=(\d+) marks=([\d,]*) ranges=([\d,]*)/.exec(run.stderr);
    if (!m) throw new KilnError('INTERNAL', `QEMU printed no instruction count (stderr: ${run.stderr.slice(-500)})`);
    result.instructions = Number(m[1]);
    result.marks = m[2] ? m[2].split(',').map(Number) : [];
    const counts = m[3] ? m[3].split(',').map(Number) : [];
    if (opts.countFunctions) result.functionInstructions = Object.fromEntries(linked.map((f, i) => [f, counts[i] ?? 0]));
  }
  return result;
}

/**
 * Instructions between consecutive marks. The plugin snapshots on entry to kiln_mark, so each
 * region includes the call to the closing mark and its one-instruction body (2 instructions of
 * overhead per region, measured).
 */
export function regionCounts(marks: readonly number[]): number[] {
  return marks.slice(1).map((m, i) => m - marks[i]!);
}

/** instructions of marker overhead inside every region (bl kiln_mark + its bx lr) */
export const MARK_OVERHEAD = 2;
